import { z } from 'zod';
import type { Category } from '../../domain/categories.js';
import { canonicalIp } from '../../domain/ip.js';
import type { ParseResult } from '../types.js';
import { makeEvent, type StructuredHints } from './event.util.js';
import { mapLabel } from './label-map.js';
import { email } from './xarf-v3.schema.js';

/**
 * XARF v4 (xarf.org, JSON Schema 2020-12). We validate what the desk relies on: the core fields,
 * their formats and that category/type is a pair the spec defines. Type-specific optional fields
 * are read leniently: a reporter adding a field must not get its report rejected.
 */
const XARF_V4_TYPES: Record<string, Record<string, Category>> = {
  messaging: { spam: 'spam', bulk_messaging: 'spam' },
  connection: {
    ddos: 'dos',
    infected_host: 'compromised-host',
    login_attack: 'compromised-host',
    port_scan: 'port-scan',
    reconnaissance: 'port-scan',
    scraping: 'compromised-host',
    sql_injection: 'compromised-host',
    // The spec files scanning for vulnerabilities under the finding it looks for; taxonomy.py agrees.
    vulnerability_scan: 'vulnerable-service',
  },
  content: {
    phishing: 'phishing',
    malware: 'malware',
    csam: 'child-abuse',
    csem: 'child-abuse',
    exposed_data: 'vulnerable-service',
    brand_infringement: 'trademark',
    fraud: 'fraud',
    remote_compromise: 'compromised-host',
    suspicious_registration: 'fraud',
  },
  copyright: { copyright: 'copyright', p2p: 'copyright', cyberlocker: 'copyright', ugc_platform: 'copyright', link_site: 'copyright', usenet: 'copyright' },
  infrastructure: { botnet: 'compromised-host', compromised_server: 'compromised-host' },
  reputation: { blocklist: 'blacklisting', threat_intelligence: 'compromised-host' },
  vulnerability: { cve: 'vulnerable-service', open_service: 'vulnerable-service', misconfiguration: 'vulnerable-service' },
};

/**
 * Fields each v4 type requires beyond the core (xarf.org type schemas, summarized): mostly the
 * resource the report is about, so a document without them gives us nothing to act on.
 */
const CONNECTION = ['first_seen', 'protocol'];
const REQUIRED_BY_TYPE: Record<string, string[]> = {
  'connection/ddos': [...CONNECTION, 'source_port'],
  'connection/infected_host': [...CONNECTION, 'bot_type'],
  'connection/login_attack': [...CONNECTION, 'source_port'],
  'connection/port_scan': [...CONNECTION, 'source_port'],
  'connection/reconnaissance': [...CONNECTION, 'probed_resources'],
  'connection/scraping': [...CONNECTION, 'total_requests'],
  'connection/sql_injection': CONNECTION,
  'connection/vulnerability_scan': [...CONNECTION, 'scan_type'],
  'content/brand_infringement': ['url', 'infringement_type', 'legitimate_site'],
  'content/csam': ['url', 'classification', 'detection_method'],
  'content/csem': ['url', 'detection_method', 'exploitation_type'],
  'content/exposed_data': ['url', 'data_types', 'exposure_method'],
  'content/fraud': ['url', 'fraud_type'],
  'content/malware': ['url'],
  'content/phishing': ['url'],
  'content/remote_compromise': ['url', 'compromise_type'],
  'content/suspicious_registration': ['url', 'registration_date', 'suspicious_indicators'],
  'copyright/copyright': ['infringing_url'],
  'copyright/cyberlocker': ['infringing_url', 'hosting_service'],
  'copyright/link_site': ['infringing_url', 'site_name'],
  'copyright/p2p': ['p2p_protocol', 'swarm_info'],
  'copyright/ugc_platform': ['infringing_url', 'platform_name'],
  'copyright/usenet': ['newsgroup', 'message_info'],
  'infrastructure/botnet': ['compromise_evidence'],
  'infrastructure/compromised_server': ['compromise_method'],
  'messaging/bulk_messaging': ['protocol', 'smtp_from', 'source_port', 'recipient_count'],
  'messaging/spam': ['protocol', 'smtp_from', 'source_port'],
  'reputation/blocklist': ['threat_type'],
  'reputation/threat_intelligence': ['threat_type'],
  'vulnerability/cve': ['cve_id', 'service', 'service_port'],
  'vulnerability/misconfiguration': ['service'],
  'vulnerability/open_service': ['service'],
};

const contact = z.object({
  org: z.string().min(1).max(200),
  contact: email,
  domain: z.hostname(),
}).loose();

const port = z.number().int().min(1).max(65535);

const coreSchema = z.object({
  xarf_version: z.string().regex(/^4\.\d+\.\d+$/, 'xarf_version must be 4.x.y'),
  // JSON Schema's `format: uuid` takes any 8-4-4-4-12 hex id, not only RFC 9562 variants.
  report_id: z.guid(),
  timestamp: z.iso.datetime({ offset: true }),
  reporter: contact,
  sender: contact.optional(),
  source_identifier: z.string().min(1).max(2048),
  source_port: port.optional(),
  category: z.enum(Object.keys(XARF_V4_TYPES) as [string, ...string[]]),
  type: z.string().min(1),
  evidence: z.array(z.object({ content_type: z.string(), payload: z.string() }).loose()).max(50).optional(),
  tags: z.array(z.string()).max(20).optional(),
  confidence: z.number().min(0).max(1).optional(),
  description: z.string().max(1000).optional(),
  first_seen: z.iso.datetime({ offset: true }).optional(),
  destination_port: port.optional(),
}).loose();

export function looksLikeXarfV4(doc: unknown): boolean {
  return !!doc && typeof doc === 'object' && !Array.isArray(doc) && 'xarf_version' in doc;
}

/** First line of each zod issue, with the path, so an operator sees which field failed. */
export function zodReason(error: z.ZodError, prefix = '', max = 3): string {
  return error.issues
    .slice(0, max)
    .map((i) => `${prefix}${i.path.length ? i.path.join('.') : '(document)'}: ${i.message}`)
    .join('; ');
}

export function parseXarfV4(doc: unknown, hints: StructuredHints): ParseResult {
  const format = 'xarf-v4';
  const r = coreSchema.safeParse(doc);
  if (!r.success) return { format, events: [], error: `invalid XARF v4 report: ${zodReason(r.error)}` };
  const d = r.data as z.infer<typeof coreSchema> & Record<string, unknown>;
  const known = XARF_V4_TYPES[d.category]?.[d.type];
  // A type newer than this table is accepted when its name says what it is.
  const category = known ?? mapLabel(`${d.category} ${d.type}`);
  if (!category) return { format, events: [], error: `invalid XARF v4 report: unknown type "${d.type}" in category "${d.category}"` };
  const missing = (REQUIRED_BY_TYPE[`${d.category}/${d.type}`] ?? []).filter((f) => d[f] === undefined || d[f] === null || d[f] === '');
  if (missing.length) return { format, events: [], error: `invalid XARF v4 report: ${d.category}/${d.type} requires ${missing.join(', ')}` };

  const source = d.source_identifier.trim();
  const ip = canonicalIp(source);
  const url = str(d.url) ?? str(d.infringing_url) ?? str(d.target_url);
  const domain = ip ? str(d.domain) : source;
  const smtpFrom = str(d.smtp_from);
  const event = makeEvent(
    {
      category,
      type: `xarf:${d.category}/${d.type}`,
      ip,
      // For an open service the port that matters is the service's, not a client port.
      port: category === 'vulnerable-service' ? (num(d.service_port) ?? num(d.port) ?? d.source_port ?? null) : (d.source_port ?? null),
      // Web content is reported by URL: keep it even when the source identifier is the IP.
      url: url ?? null,
      domain: domain && !/[\s/]/.test(domain) ? domain : null,
      email: d.category === 'messaging' ? smtpFrom : null,
      // `timestamp` is, per the spec, when the abuse occurred.
      occurredAt: d.timestamp,
      reporter: d.reporter.contact ?? d.reporter.org,
      evidence: pickEvidence(d),
    },
    hints,
  );
  return { format, events: [event], error: null };
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) ? v : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

function pickEvidence(d: Record<string, unknown>): Record<string, unknown> {
  const skip = new Set(['evidence', 'reporter', 'sender', 'xarf_version', '_internal']);
  const out: Record<string, unknown> = { reporterOrg: (d.reporter as { org?: string })?.org };
  for (const [k, v] of Object.entries(d)) if (!skip.has(k)) out[k] = v;
  if (Array.isArray(d.evidence)) out.evidenceItems = d.evidence.length;
  return out;
}
