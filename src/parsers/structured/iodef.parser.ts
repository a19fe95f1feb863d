import type { Category } from '../../domain/categories.js';
import type { NormalizedEvent } from '../../domain/event.js';
import type { ParseResult } from '../types.js';
import { makeEvent, type EventDraft, type StructuredHints } from './event.util.js';
import { classifyText } from '../classify.js';
import { mapLabel } from './label-map.js';
import { asArray, textOf } from './xml.util.js';

type Node = Record<string, unknown>;

/** IODEF impact vocabularies (RFC 5070 Impact, RFC 7970 SystemImpact/BusinessImpact) -> category. */
const IMPACT: Record<string, Category> = {
  dos: 'dos',
  'availability-service': 'dos',
  'availability-system': 'dos',
  recon: 'port-scan',
  'social-engineering': 'phishing',
  admin: 'compromised-host',
  user: 'compromised-host',
  file: 'compromised-host',
  'takeover-account': 'compromised-host',
  'takeover-service': 'compromised-host',
  'takeover-system': 'compromised-host',
  'damaged-system': 'compromised-host',
  'breach-credential': 'compromised-host',
  'info-leak': 'vulnerable-service',
  'breach-configuration': 'vulnerable-service',
};

const MAX_EVENTS = 10_000;

/** Reads a field of XML-parsed (`@attr`) and JSON IODEF alike. */
function field(n: unknown, name: string): unknown {
  if (!n || typeof n !== 'object') return undefined;
  const o = n as Node;
  return o[name] ?? o[`@${name}`];
}

function texts(n: unknown): string[] {
  return asArray(n as unknown[]).map((x) => textOf(x)).filter((x): x is string => !!x);
}

/** Every object under `root` holding key `key`, depth-limited (documents are hostile). */
function collect(root: unknown, key: string, out: Node[] = [], depth = 0): Node[] {
  if (!root || typeof root !== 'object' || depth > 24 || out.length > MAX_EVENTS) return out;
  if (Array.isArray(root)) {
    for (const x of root) collect(x, key, out, depth + 1);
    return out;
  }
  const o = root as Node;
  if (key in o) out.push(o);
  for (const v of Object.values(o)) if (v && typeof v === 'object') collect(v, key, out, depth + 1);
  return out;
}

function incidentCategory(incident: Node): { category: Category; label: string } {
  const impacts = collect(incident, 'Assessment').flatMap((a) => {
    const as = a.Assessment as unknown;
    return asArray(as as Node[]).flatMap((x) => ['Impact', 'SystemImpact', 'BusinessImpact'].flatMap((k) => asArray(field(x, k) as Node[]).map((i) => String(field(i, 'type') ?? field(i, 'ext-type') ?? ''))));
  });
  const words = [
    ...texts(field(incident, 'Description')),
    ...collect(incident, 'ReferenceName').flatMap((r) => texts(r.ReferenceName)),
    ...collect(incident, 'EventData').flatMap((e) => asArray(e.EventData as Node[]).flatMap((d) => texts(field(d, 'Description')))),
    ...impacts,
  ].join(' ');
  // Descriptions are prose: the weighted classifier reads them better than the first-match label map.
  const byText = classifyText(words)?.category ?? mapLabel(words);
  const byImpact = impacts.find((t) => IMPACT[t]);
  // The impact vocabulary is coarse (a phishing kit is a "takeover-system"): a description that
  // names a specific kind of abuse wins over a generic compromise impact.
  if (byImpact && !(byText && IMPACT[byImpact] === 'compromised-host' && byText !== 'unclassified')) return { category: IMPACT[byImpact], label: byImpact };
  return byText ? { category: byText, label: words.slice(0, 60) } : { category: 'unclassified', label: 'iodef' };
}

/** IODEF (RFC 7970 XML parsed without namespaces, or RFC 8727 JSON): one event per reported address or name. */
export function parseIodef(doc: Node, hints: StructuredHints): ParseResult {
  const root = (doc['IODEF-Document'] ?? doc) as Node;
  const incidents = asArray(field(root, 'Incident') as Node[]);
  if (!incidents.length) return { format: 'iodef', events: [], error: 'IODEF document holds no Incident' };
  const events: NormalizedEvent[] = [];
  for (const incident of incidents) {
    const { category, label } = incidentCategory(incident);
    const time = textOf(field(incident, 'StartTime')) ?? textOf(field(incident, 'DetectTime')) ?? textOf(field(incident, 'ReportTime')) ?? textOf(field(incident, 'GenerationTime'));
    const reporter = collect(incident, 'Email').map((c) => textOf(field(c.Email, 'EmailTo')) ?? textOf(c.Email)).find(Boolean) ?? textOf(field(field(incident, 'IncidentID'), 'name'));
    const base = { category, type: `iodef:${label}`.slice(0, 80), reporter, evidence: { incidentId: textOf(field(incident, 'IncidentID')), purpose: field(incident, 'purpose'), description: texts(field(incident, 'Description'))[0] } };
    for (const system of collect(incident, 'Node')) {
      // Only the attacking/offending side is ours to act on; a target system is the victim.
      const role = String(field(system, 'category') ?? 'source');
      if (/target|watchlist|intermediate/.test(role) && 'Node' in system) continue;
      const node = system.Node as Node;
      const draftTime = textOf(field(system, 'StartTime')) ?? time;
      const port = asArray(field(system, 'Service') as Node[]).map((s) => textOf(field(s, 'Port'))).find(Boolean) ?? null;
      for (const a of asArray(field(node, 'Address') as Node[])) pushAddress(events, a, { ...base, port, occurredAt: draftTime }, hints);
      for (const d of asArray(field(node, 'DomainData') as Node[])) {
        const name = textOf(field(d, 'Name'));
        if (name) push(events, { ...base, domain: name, port, occurredAt: draftTime }, hints);
      }
      for (const n of texts(field(node, 'NodeName'))) push(events, { ...base, domain: n, occurredAt: draftTime }, hints);
    }
    // RFC 7970 indicators: an Observable names an Address (IP, URL...) or DomainData directly.
    for (const holder of collect(incident, 'Observable')) {
      for (const obs of asArray(holder.Observable as Node[])) {
        for (const a of asArray(field(obs, 'Address') as Node[])) pushAddress(events, a, { ...base, occurredAt: time }, hints);
        for (const d of asArray(field(obs, 'DomainData') as Node[])) {
          const name = textOf(field(d, 'Name'));
          if (name) push(events, { ...base, domain: name, occurredAt: time }, hints);
        }
      }
    }
    for (const obs of collect(incident, 'BulkObservableList')) {
      const kind = String(field(obs, 'ext-type') ?? field(obs, 'type') ?? '');
      for (const v of texts(obs.BulkObservableList)) push(events, { ...base, [/ip|addr/.test(kind) ? 'ip' : /url|uri/.test(kind) ? 'url' : 'domain']: v, occurredAt: time }, hints);
    }
  }
  return { format: 'iodef', events: events.slice(0, MAX_EVENTS), error: null };
}

/** An IODEF Address by its category: IP addresses and networks, URLs (site-uri), e-mail, host names. */
function pushAddress(out: NormalizedEvent[], a: unknown, d: EventDraft, hints: StructuredHints) {
  const value = textOf(field(a, 'value')) ?? textOf(a);
  if (!value) return;
  const cat = String(field(a, 'category') ?? 'ipv4-addr').toLowerCase();
  if (/^(mac|asn|atm|e164|x400|ipv[46]-net-mask)$/.test(cat)) return;
  if (cat === 'site-uri' || /^[a-z][\w+.-]*:\/\//i.test(value)) return push(out, { ...d, url: value }, hints);
  if (cat === 'e-mail') return push(out, { ...d, email: value }, hints);
  if (/^ipv[46]/.test(cat) || /^[\d.]+(\/\d+)?$|:/.test(value)) return push(out, { ...d, ip: value.split('/')[0] }, hints);
  push(out, { ...d, domain: value }, hints);
}

function push(out: NormalizedEvent[], d: EventDraft, hints: StructuredHints) {
  if (out.length >= MAX_EVENTS) return;
  const e = makeEvent(d, hints);
  if (e.ip || e.domain || e.url) out.push(e);
}

export function looksLikeIodefJson(doc: unknown): doc is Node {
  return !!doc && typeof doc === 'object' && !Array.isArray(doc) && ('IODEF-Document' in doc || ('Incident' in doc && 'version' in doc));
}
