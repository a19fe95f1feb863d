import { z } from 'zod';

/**
 * Our own validation of XARF v3 (abusix/xarf "schemas/3"): the shared definitions and each report
 * type's own rules, written in zod. It mirrors what the published schema rejects, because a
 * reporter whose document fails it should learn so rather than have half a report acted upon.
 */
/**
 * An e-mail address as JSON Schema's `format: email` accepts it (ajv-formats): the full RFC 5322
 * atom set in the local part, so VERP senders (`bounce=user.example@host`) pass.
 */
export const email = z
  .string()
  .regex(/^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i, 'Invalid email address');
const ip = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });
const port = z.number().int().min(0).max(65535);
const ports = z.union([port, z.array(port)]);
const dateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });
const uri = z.string().regex(/^[a-z][a-z0-9+.-]*:[^\s]*$/i, 'must be an absolute URI');
const asn = z.number().int().min(1).max(4199999999);
const hash = z.object({
  HashValue: z.string(),
  HashAlgorithm: z.enum(['sha1', 'sha2', 'sha3', 'sha256', 'sha512', 'md5', 'argon2id', 'scrypt', 'bcrypt', 'pbkdf2']),
  HashComplete: z.boolean().optional(),
});

const reporterInfo = z
  .strictObject({
    ReporterType: z.enum(['Org', 'Person']).optional(),
    ReporterOrg: z.string().min(3).optional(),
    ReporterOrgDomain: z.hostname().optional(),
    ReporterOrgEmail: email.optional(),
    ReporterOrgAddress: z.string().optional(),
    ReporterContactEmail: email.optional(),
    ReporterContactName: z.string().min(3).optional(),
    ReporterContactPhone: z.string().min(3).optional(),
  })
  .refine((r) => r.ReporterType === 'Person' || (r.ReporterOrg && r.ReporterOrgDomain && r.ReporterOrgEmail), {
    message: 'an organisation reporter needs ReporterOrg, ReporterOrgDomain and ReporterOrgEmail',
  });

const onBehalfOf = z
  .object({
    ComplainantType: z.enum(['Org', 'Person']).optional(),
    ComplainantOrg: z.string().min(3).optional(),
    ComplainantOrgDomain: z.hostname().optional(),
    ComplainantOrgEmail: email.optional(),
    ComplainantContactEmail: email.optional(),
    ComplainantContactName: z.string().min(3).optional(),
    ComplainantContactPhone: z.string().min(3).optional(),
  })
  .refine((r) => r.ComplainantType === 'Person' || (r.ComplainantOrg && r.ComplainantOrgDomain && r.ComplainantOrgEmail), {
    message: 'an organisation complainant needs ComplainantOrg, ComplainantOrgDomain and ComplainantOrgEmail',
  });

const idBlock = z.object({ ID: z.string().optional(), SubscriberData: z.record(z.string(), z.string()).optional(), ResolverData: z.record(z.string(), z.string()).optional() });
const internalProcessing = z.object({
  SubscriberInformation: idBlock.optional(),
  ContractInformation: idBlock.optional(),
  EventTags: z.array(z.string()).optional(),
});

export const xarfV3Envelope = z.object({
  Version: z.literal('3'),
  Disclosure: z.boolean(),
  ReporterInfo: reporterInfo,
  OnBehalfOf: onBehalfOf.optional(),
  InternalProcessing: internalProcessing.optional(),
  Report: z.record(z.string(), z.unknown()),
});

const reportBase = z.object({
  ReportClass: z.enum(['Content', 'Activity', 'Vulnerability']),
  ReportType: z.string().min(1),
  ReportSubType: z.string().optional(),
  ReporterCaseID: z.string().optional(),
  ReporterSeverity: z.enum(['low', 'medium', 'high']).optional(),
  ReporterNotes: z.string().optional(),
  Custom: z.record(z.string(), z.union([z.string(), z.number().int()])).optional(),
  Date: dateTime,
  FirstSeen: dateTime.optional(),
  SourcePort: port.optional(),
  ASN: asn.optional(),
});

const sample = z.union([
  z.object({ ContentType: z.string(), Base64Encoded: z.boolean().optional(), Description: z.string().optional(), Payload: z.string() }),
  z.object({ FileName: z.string(), FileSize: z.number().int().min(0).optional(), FileHash: hash.optional() }),
]);

const common = z.object({
  Ongoing: z.boolean().optional(),
  ThreatActor: z.string().optional(),
  Samples: z.array(sample).min(1).optional(),
});
const withDestination = z.object({ DestinationIp: ip.optional(), DestinationPort: ports.optional() });
const withAttacker = z.object({ AttackerIp: ip.optional(), AttackerPort: ports.optional() });
const trafficStats = z.object({ ByteCount: z.number().int().optional(), PacketCount: z.number().int().optional() });
const transport = z.object({ TransportProtocol: z.enum(['tcp', 'udp']).optional() });
const service = z.object({ ServiceName: z.string().optional(), ServiceVersion: z.string().optional() });
const file = z.object({ FileName: z.string(), FileSize: z.number().int().min(0).optional(), FileHash: hash.optional() });

const ipBased = reportBase.extend({ SourceIp: ip });
const ipOrUrlBased = reportBase
  .extend({ SourceIp: ip.optional(), SourceUrl: uri.optional() })
  .refine((r) => r.SourceIp !== undefined || r.SourceUrl !== undefined, { message: 'needs SourceIp or SourceUrl', path: ['SourceIp'] });

const CVSS2_VECTOR = /^\(?AV:[LAN]\/AC:[HML]\/Au:[MSN]\/C:[NPC]\/I:[NPC]\/A:[NPC](\/E:((ND)|(POC)|[UFH])\/RL:([WU]|(ND)|(OF)|(TF))\/RC:(C|(ND)|(UC)|(UR)))?(\/CDP:([NLH]|ND|LM|MH)\/TD:(ND|[NLMH])\/CR:(ND|[NLMH])\/IR:(ND|[LMH])\/AR:(ND|[LMH]))?\)?$/;
const CVSS3_VECTOR = /^CVSS:3.[01]\/AV:[NALP]\/AC:[LH]\/PR:[NLH]\/UI:[NR]\/S:[UC]\/C:[NLH]\/I:[NLH]\/A:[NLH](\/E:[XUPFH]\/RL:[XOTWU]\/RC:[XURC])?(\/CR:[XLMH]\/IR:[XLMH]\/AR:[XLMH]\/MAV:[XNALP]\/MAC:[XLH]\/MPR:[XNLH]\/MUI:[XNR]\/MS:[XUC]\/MC:[XNLH]\/MI:[XNLH]\/MA:[XNLH])?$/;
const cvss = z
  .object({ Score: z.number().optional(), Version: z.enum(['3.1', '3.0', '2']), Vector: z.string(), Severity: z.string().optional() })
  .refine((c) => (c.Version === '2' ? CVSS2_VECTOR : CVSS3_VECTOR).test(c.Vector), { message: 'CVSS vector does not match its version', path: ['Vector'] })
  .refine((c) => !c.Severity || (c.Version === '2' ? ['Low', 'Medium', 'High'] : ['None', 'Low', 'Medium', 'High', 'Critical']).includes(c.Severity), {
    message: 'CVSS severity not valid for its version',
    path: ['Severity'],
  });

const account = z
  .object({
    AccountIdentifier: z.string().refine((s) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s), 'an e-mail address belongs in AccountEmail').optional(),
    AccountEmail: z.string().optional(),
  })
  .loose()
  .refine((a) => Object.keys(a).length >= 1, 'Account must not be empty');

/** Each report type: its class, and the rules on the Report part beyond the base. */
export const XARF_V3_TYPES: Record<string, { cls: string; schema: z.ZodType }> = {
  Spam: { cls: 'Activity', schema: z.intersection(ipBased, withDestination.extend(common.shape).extend({ SmtpMailFromAddress: email.optional(), SmtpRcptToAddress: email.optional() })) },
  DOS: { cls: 'Activity', schema: z.intersection(ipBased, withDestination.extend(trafficStats.shape).extend(common.shape)) },
  PortScan: { cls: 'Activity', schema: z.intersection(ipBased, withDestination.extend(trafficStats.shape).extend(common.shape)) },
  LoginAttack: { cls: 'Activity', schema: z.intersection(ipBased, withDestination.extend(trafficStats.shape).extend(common.shape)) },
  Exploit: {
    cls: 'Activity',
    schema: z.intersection(
      ipBased,
      transport.extend(withDestination.shape).extend(service.shape).extend(common.shape).extend({
        CVE: z.string().regex(/^CVE-\d{4}-\d{4,7}$/, 'must look like CVE-YYYY-NNNN').optional(),
        CVSS: cvss.optional(),
      }),
    ),
  },
  PotentiallyCompromisedAccount: {
    cls: 'Activity',
    schema: z.intersection(
      reportBase.extend({ Account: account }),
      withAttacker.extend(withDestination.shape).extend(common.shape).extend({ PasswordHash: hash.optional() }).loose(),
    ).refine((r) => !('SourceIp' in (r as object)) && !('SourceUrl' in (r as object)), {
      message: 'a compromised-account report names the account, not a SourceIp or SourceUrl',
    }),
  },
  WebCrawler: { cls: 'Activity', schema: z.intersection(ipOrUrlBased, common) },
  Harassment: {
    cls: 'Activity',
    schema: z.intersection(
      ipOrUrlBased,
      common.extend({
        Harasser: z.string(),
        HarassmentDescription: z.string(),
        HarassmentType: z.enum(['doxing', 'stalking', 'sexual', 'believes', 'defamation', 'extortion', 'hate']).optional(),
        HarassmentLocation: z.enum(['website', 'chat', 'game']).optional(),
      }),
    ),
  },
  Malware: { cls: 'Content|Activity', schema: z.intersection(ipOrUrlBased, common.extend({ MalwareName: z.string().optional() })) },
  Phishing: { cls: 'Content', schema: z.intersection(ipOrUrlBased, common.extend({ SourceUrl: uri })) },
  Copyright: {
    cls: 'Content',
    schema: z.intersection(
      ipOrUrlBased,
      file.extend({ InfringedMaterial: z.string(), MaterialType: z.string().optional(), SharingProtocol: z.string().optional(), CourtOrder: uri.optional() }),
    ),
  },
  Trademark: {
    cls: 'Content',
    schema: z.intersection(ipOrUrlBased, z.object({ TrademarkedMaterial: z.string(), RegistrationOffice: z.string().optional(), RegistrationNumber: z.string().optional() })),
  },
  ChildAbuse: { cls: 'Content', schema: ipOrUrlBased },
  Botnet: { cls: 'Content', schema: z.intersection(ipOrUrlBased, common.extend({ BotnetName: z.string().optional() })) },
  OpenService: { cls: 'Vulnerability', schema: z.intersection(ipOrUrlBased, transport.extend(service.shape).extend(common.shape).extend({ ServiceName: z.string() })) },
};

/** Activity/Malware is the RPZ report: an IP that looked up a malware domain. */
export const xarfV3Rpz = z.intersection(
  ipBased,
  z.object({ ReportSubType: z.enum(['RPZ-Rewrite']).optional(), RpzDomain: z.hostname().optional(), MalwareName: z.string().optional() }),
);
