import type { Category } from '../domain/categories.js';
import type { NormalizedEvent } from '../domain/event.js';
import { canonicalIp } from '../domain/ip.js';
import { classifyLabel, classifyText } from './classify.js';
import { makeEvent, type EventContext } from './event.js';
import { findIps, findUrls, hostOf, refang } from './extract.js';
import { decodeCharset } from './mail/charset.js';
import { parseMailDate } from './mail/dates.js';
import type { MailMessage } from './mime.js';

/**
 * X-ARF 0.1/0.2 mail (the YAML `report.txt` part; blocklist.de, Netcraft, clean-mx and others).
 * The YAML is read line by line rather than by a YAML library: senders write unquoted values
 * with colons, hashes and ampersands that a strict parser rejects, and only flat fields matter.
 * Unknown Report-Types are classified from their words, then from the human-readable part.
 */

/** Flat `Key: value` fields of a YAML-ish block; the first occurrence of a key wins. */
export function readYamlFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | null = null;
  for (const line of text.split(/\r?\n/).slice(0, 500)) {
    if (/^---\s*$|^\.\.\.\s*$/.test(line)) continue;
    const m = /^([A-Za-z][\w-]*)\s*:(?:\s+(.*)|\s*)$/.exec(line);
    if (m) {
      last = m[1].toLowerCase();
      let v = (m[2] ?? '').trim();
      if (/^(['"]).*\1$/.test(v)) v = v.slice(1, -1);
      if (!fields.has(last)) fields.set(last, v);
      else last = null;
      continue;
    }
    // Indented continuation of a folded value; list items ("- x") of a key are joined with a space.
    if (last && /^\s+\S/.test(line)) {
      const prev = fields.get(last) ?? '';
      fields.set(last, (prev + ' ' + line.trim().replace(/^-\s+/, '')).trim());
    }
  }
  return fields;
}

function looksLikeXarf(fields: Map<string, string>): boolean {
  const has = (k: string) => fields.has(k);
  return (has('reported-from') || has('report-id') || has('schema-url')) && (has('source') || has('source-type')) && (has('report-type') || has('category'));
}

/** The X-ARF field blocks of a mail (the report part, or an inline block in the body). */
export function findXarfBlocks(mail: MailMessage): Map<string, string>[] {
  const blocks: Map<string, string>[] = [];
  const candidates: string[] = [];
  for (const a of mail.attachments) {
    if (/^(text\/|application\/(octet-stream|x-yaml|yaml))/.test(a.contentType) && a.content.length < 1_000_000) {
      const t = decodeCharset(a.content, a.charset);
      if (/^(Reported-From|Report-Type|Source-Type|Schema-URL)\s*:/im.test(t)) candidates.push(t);
    }
  }
  if (!candidates.length && /^(Reported-From|Report-Type)\s*:/im.test(mail.text)) candidates.push(mail.text);
  for (const c of candidates) {
    const f = readYamlFields(c);
    if (looksLikeXarf(f)) blocks.push(f);
  }
  return blocks;
}

function categoryOf(fields: Map<string, string>, mail: MailMessage): { category: Category; type: string } {
  const reportType = fields.get('report-type') ?? '';
  const xCategory = (fields.get('category') ?? '').toLowerCase();
  const byType = classifyLabel(reportType);
  if (byType && byType.score >= 3) return { category: byType.category, type: reportType.toLowerCase() || byType.type };
  if (xCategory === 'abuse' && /\b(attack(ed|s)?|abused|brute|intrusion|login)\b/i.test(mail.subject + ' ' + mail.text)) {
    return { category: 'compromised-host', type: reportType.toLowerCase() || 'attack' };
  }
  if (xCategory === 'fraud') return { category: 'phishing', type: reportType.toLowerCase() || 'fraud' };
  const byText = classifyText(mail.text, mail.subject);
  if (byText && byText.score >= 3) return { category: byText.category, type: reportType.toLowerCase() || byText.type };
  if (xCategory === 'abuse') return { category: 'compromised-host', type: reportType.toLowerCase() || 'abuse' };
  return { category: 'unclassified', type: reportType.toLowerCase() || 'x-arf' };
}

/** An address the human part pairs with a host name: "host ... [1.2.3.4]" or the single IP named. */
function ipNearHost(text: string, host: string): string | null {
  const i = text.toLowerCase().indexOf(host.toLowerCase());
  if (i >= 0) {
    const near = findIps(text.slice(i, i + host.length + 400).replace(/[[\]()]/g, ' '));
    if (near.length) return near[0];
  }
  const all = findIps(text);
  return all.length === 1 ? all[0] : null;
}

export function parseXarfMail(mail: MailMessage, ctx: EventContext): NormalizedEvent[] | null {
  const blocks = findXarfBlocks(mail);
  if (!blocks.length) return null;
  const human = refang(mail.subject + '\n' + mail.text);
  const events: NormalizedEvent[] = [];
  for (const f of blocks) {
    const { category, type } = categoryOf(f, mail);
    const source = refang(f.get('source') ?? '').trim();
    const sourceType = (f.get('source-type') ?? '').toLowerCase();
    const when = parseMailDate(f.get('date')) ?? null;
    let ip: string | null = null;
    let url: string | null = null;
    let domain: string | null = f.get('domain')?.toLowerCase() || null;
    if (sourceType.startsWith('ip') || canonicalIp(source.split(/\s+/)[0] ?? '')) {
      ip = canonicalIp(source.split(/\s+/)[0] ?? '') ?? findIps(source)[0] ?? null;
    } else if (/^[a-z]+:\/\//i.test(source)) {
      url = source;
      const host = hostOf(source);
      ip = host ? canonicalIp(host) ?? ipNearHost(human, host) : null;
      domain = domain ?? (host && !canonicalIp(host) ? host : null);
    } else if (source) {
      // A bare host or "host/path" source.
      const asUrl = findUrls('http://' + source)[0];
      url = asUrl ?? null;
      domain = domain ?? (asUrl ? hostOf(asUrl) : source.toLowerCase());
    }
    if (!ip && !url && !domain) ip = findIps(human)[0] ?? null;
    events.push(
      makeEvent(
        {
          category,
          type,
          ip,
          port: f.get('port') ?? f.get('destination-port') ?? null,
          url,
          domain,
          occurredAt: when,
          evidence: {
            format: 'x-arf',
            reportType: f.get('report-type'),
            xarfCategory: f.get('category'),
            service: f.get('service'),
            reportId: f.get('report-id'),
            reportedFrom: f.get('reported-from'),
            userAgent: f.get('user-agent'),
            source,
            sourceType,
            excerpt: mail.text.slice(0, 1024),
          },
        },
        { ...ctx, reporter: ctx.reporter ?? f.get('reported-from') ?? null },
      ),
    );
  }
  return events;
}
