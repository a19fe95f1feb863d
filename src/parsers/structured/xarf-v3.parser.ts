import { z } from 'zod';
import type { Category } from '../../domain/categories.js';
import type { ParseResult } from '../types.js';
import { makeEvent, toIsoUtc, type EventDraft, type StructuredHints } from './event.util.js';
import { mapLabel } from './label-map.js';
import { email } from './xarf-v3.schema.js';
import { XARF_V3_TYPES, xarfV3Envelope, xarfV3Rpz } from './xarf-v3.schema.js';
import { zodReason } from './xarf-v4.parser.js';

const ROOT_KEYS = new Set(['Version', 'ReporterInfo', 'Report', 'Disclosure', 'OnBehalfOf', 'InternalProcessing']);

/**
 * A JSON object that is XARF of the v3 family: version 3 with nothing but XARF's own top-level
 * keys, or (any version, as Netcraft's "1" or none at all) a ReporterInfo beside a Report that
 * names its ReportType.
 */
export function looksLikeXarfV3(doc: unknown): doc is Record<string, unknown> {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const o = doc as Record<string, unknown>;
  if (/^3(\.|$)/.test(String(o.Version ?? '')) && Object.keys(o).every((k) => ROOT_KEYS.has(k))) return true;
  const report = o.Report as Record<string, unknown> | undefined;
  return !!o.ReporterInfo && typeof o.ReporterInfo === 'object' && !!report && typeof report === 'object' && typeof report.ReportType === 'string';
}

/** ReportType (case and punctuation folded) -> category, for v3 and the older v3 drafts alike. */
const TYPE_CATEGORY: Record<string, Category> = {
  spam: 'spam',
  dos: 'dos',
  ddos: 'dos',
  portscan: 'port-scan',
  loginattack: 'compromised-host',
  exploit: 'compromised-host',
  potentiallycompromisedaccount: 'compromised-host',
  botnet: 'compromised-host',
  bot: 'compromised-host',
  harassment: 'objectionable-content',
  malware: 'malware',
  phishing: 'phishing',
  copyright: 'copyright',
  trademark: 'trademark',
  childabuse: 'child-abuse',
  openservice: 'vulnerable-service',
  webappattack: 'compromised-host',
  bruteforce: 'compromised-host',
  hacking: 'compromised-host',
  // A crawler ignoring robots.txt is activity against third parties from a host of ours, the
  // nearest AUP clause being losses caused to others.
  webcrawler: 'compromised-host',
};

const fold = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The drafts that predate abusix's schema (xarf-spec "3.0.0" samples with a `Source` object, the
 * xarf.org legacy schema's "Login-Attack" style types). Checked for what we act on: who reports,
 * a known type, a valid date and a source.
 */
const legacySchema = z.object({
  Version: z.union([z.string(), z.number()]).optional(),
  ReporterInfo: z
    .object({ ReporterOrg: z.string().min(1).max(200).optional(), ReporterOrgEmail: email.optional() })
    .loose()
    .refine((r) => r.ReporterOrg || r.ReporterOrgEmail, 'needs ReporterOrg or ReporterOrgEmail'),
  Report: z
    .object({
      ReportClass: z.string().min(1),
      ReportType: z.string().min(1),
      Date: z.string().refine((d) => toIsoUtc(d) !== null, 'must be a date-time'),
      SourceIp: z.union([z.ipv4(), z.ipv6()]).optional(),
      SourcePort: z.number().int().min(1).max(65535).optional(),
      Url: z.string().optional(),
      Source: z.object({ IP: z.union([z.ipv4(), z.ipv6()]).optional(), Port: z.number().int().min(0).max(65535).optional(), Url: z.string().optional(), URL: z.string().optional() }).loose().optional(),
      SmtpMailFromAddress: email.optional(),
    })
    .loose()
    .refine((r) => r.SourceIp || r.Url || r.Source?.IP || r.Source?.Url || r.Source?.URL, 'needs a source (SourceIp, Url or Source)'),
});

export function parseXarfV3(doc: Record<string, unknown>, hints: StructuredHints): ParseResult {
  const format = 'xarf-v3';
  const type = typeof (doc.Report as Record<string, unknown> | undefined)?.ReportType === 'string' ? String((doc.Report as Record<string, unknown>).ReportType) : '';
  // Only documents of exactly version "3" can be checked against the published schema; the
  // hyphenated types ("Login-Attack") are the xarf.org legacy variant of the same version.
  if (doc.Version === '3' && !/-/.test(type)) {
    const reason = validateStrict(doc);
    if (reason) return { format, events: [], error: `invalid XARF v3 report: ${reason}` };
    return { format, events: [toEvent(doc, hints)], error: null };
  }
  const r = legacySchema.safeParse(doc);
  if (!r.success) return { format, events: [], error: `invalid XARF v3 report: ${zodReason(r.error)}` };
  return { format, events: [toEvent(doc, hints)], error: null };
}

function validateStrict(doc: Record<string, unknown>): string | null {
  const env = xarfV3Envelope.safeParse(doc);
  if (!env.success) return zodReason(env.error);
  const report = env.data.Report;
  const type = report.ReportType;
  const cls = report.ReportClass;
  if (typeof type !== 'string' || typeof cls !== 'string' || !type || !cls) return 'Report: ReportClass and ReportType are required strings';
  const spec = XARF_V3_TYPES[type];
  if (!spec) return `Report.ReportType: unknown type "${type}"`;
  if (!spec.cls.split('|').includes(cls)) return `Report.ReportClass: "${cls}" is not the class of ${type}`;
  const schema = type === 'Malware' && cls === 'Activity' ? xarfV3Rpz : spec.schema;
  const r = schema.safeParse(report);
  return r.success ? null : zodReason(r.error, 'Report.');
}

function toEvent(doc: Record<string, unknown>, hints: StructuredHints) {
  const report = doc.Report as Record<string, unknown>;
  const info = doc.ReporterInfo as Record<string, unknown>;
  const source = (report.Source ?? {}) as Record<string, unknown>;
  const type = String(report.ReportType);
  // Outside the strict version-3 path an unknown type is still a report: the operator triages it.
  const category = TYPE_CATEGORY[fold(type)] ?? mapLabel(`${type} ${report.ReportSubType ?? ''}`) ?? 'unclassified';
  const account = (report.Account ?? {}) as Record<string, unknown>;
  const isAccount = fold(type) === 'potentiallycompromisedaccount';
  const draft: EventDraft = {
    category,
    type: `xarf:${report.ReportClass}/${type}${report.ReportSubType ? `/${report.ReportSubType}` : ''}`,
    // An account report is about the account on the destination host, not the attacker.
    ip: isAccount ? str(report.DestinationIp) : str(report.SourceIp) ?? str(source.IP),
    port: isAccount ? firstPort(report.DestinationPort) : (report.SourcePort as number | undefined) ?? (source.Port as number | undefined) ?? null,
    url: str(report.SourceUrl) ?? str(report.Url) ?? str(source.Url) ?? str(source.URL),
    domain: str(report.RpzDomain),
    email: isAccount ? str(account.AccountEmail) : str(report.SmtpMailFromAddress),
    occurredAt: str(report.Date),
    reporter: str(info.ReporterOrgEmail) ?? str(info.ReporterContactEmail) ?? str(info.ReporterOrg),
    evidence: evidenceOf(report, info),
  };
  return makeEvent(draft, hints);
}

function firstPort(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
  return null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

function evidenceOf(report: Record<string, unknown>, info: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { reporterOrg: info.ReporterOrg };
  for (const [k, v] of Object.entries(report)) {
    if (k === 'Samples' || k === 'Attachment') out[k] = Array.isArray(v) ? v.length : v;
    else out[k] = v;
  }
  return out;
}
