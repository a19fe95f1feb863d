import type { NormalizedEvent } from '../domain/event.js';
import { canonicalIp } from '../domain/ip.js';
import { findFeedbackFields } from './arf.parser.js';
import { makeEvent, type EventContext } from './event.js';
import { findIps, findUrls } from './extract.js';
import { parseMailDate } from './mail/dates.js';
import { parseHeaderSection } from './mail/headers.js';
import type { MailMessage } from './mime.js';
import { receivedOrigin } from './received.js';
import type { ParseResult } from './types.js';

/**
 * SpamCop, both of its formats: the native report ("[ SpamCop V5.x ]" with "Email from IP",
 * "Spamvertised web site: URL" and "URL is IP" lines, then the offending message), the ARF
 * variant (same lines plus a feedback-report part), and the summary report (a table of IPs).
 * Also when another desk forwards one with "> " quoting.
 */

const BANNER = /\[\s*SpamCop\s+(V[\d.]+|Summary Report)\s*\]/i;

/** Only the bytes of URLs: SpamCop cuts its own links at the first non-ASCII character. */
function asciiUrl(u: string): string {
  const cut = u.search(/[^\x21-\x7e]/);
  return (cut >= 0 ? u.slice(0, cut) : u).replace(/[?.,;]+$/, '');
}

export function parseSpamcop(mail: MailMessage, ctx: EventContext): ParseResult | null {
  const raw = mail.text || mail.htmlText;
  const at = raw.search(BANNER);
  if (at < 0) return null;
  // Undo "> " quoting of a forwarded report; keep line structure.
  const text = raw.slice(at).replace(/^[ \t]*(?:>[ \t]?)+/gm, '');
  const events: NormalizedEvent[] = [];
  const summary = /Summary Report/i.test(text.slice(0, 60));

  if (summary) {
    for (const line of text.split(/\r?\n/)) {
      const m = /^\s*([0-9a-f:.]{7,45})\s+(\w{3}\s+\d{1,2}\s+\d{1,2}h\/\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*(.*)$/i.exec(line);
      const ip = m ? canonicalIp(m[1]) : null;
      if (!m || !ip) continue;
      events.push(makeEvent({ category: 'spam', type: 'spamcop-summary', ip, evidence: { format: 'spamcop', start: m[2], trap: +m[3], user: +m[4], mole: +m[5], simple: +m[6], comments: m[7].trim() || undefined } }, ctx));
    }
    return { format: 'spamcop', events, error: events.length ? null : 'SpamCop summary report without any address rows' };
  }

  const offendingAt = text.search(/^\[\s*Offending message\s*\]/im);
  const head = offendingAt >= 0 ? text.slice(0, offendingAt) : text.slice(0, 20_000);
  // "Email from 1.2.3.4 / date" (native) or "received from IP source 1.2.3.4 on date" (ARF variant).
  const from = /Email from\s+([0-9a-f:.]+)\s*\/\s*([^\n]+)/i.exec(head) ?? /received from IP source\s+([0-9a-f:.]+)\s+on\s+([^\n]+)/i.exec(head);
  const arf = findFeedbackFields(mail);
  const headerIp = mail.headers.get('x-spamcop-sourceip');
  let sourceIp = (from && canonicalIp(from[1])) || (arf && findIps(arf.get('source-ip') ?? '')[0]) || (headerIp && canonicalIp(headerIp)) || null;
  let sourceTime = from ? parseMailDate(from[2]) : null;
  if (!sourceIp && offendingAt >= 0) {
    const offending = parseHeaderSection(text.slice(offendingAt).replace(/^\[[^\]]*\]\s*\r?\n/, '').split(/\r?\n\r?\n/)[0]);
    sourceIp = receivedOrigin(offending, ['spamcop.net']).origin;
    sourceTime ??= parseMailDate(offending.get('date'));
  }
  const id = /id:(\d+)/.exec(mail.subject)?.[1];
  if (sourceIp) {
    events.push(makeEvent({ category: 'spam', type: 'spam', ip: sourceIp, occurredAt: sourceTime, evidence: { format: 'spamcop', spamcopId: id } }, ctx));
  }
  // Spamvertised sites, with the address SpamCop resolved them to when it says so.
  const resolved = new Map<string, { ip: string; when: string | null }>();
  for (const m of head.matchAll(/^(\S+:\/\/\S+)\s+is\s+([0-9a-f:.]+);\s*([^\n]*)$/gim)) {
    const ip = canonicalIp(m[2]);
    if (ip) resolved.set(asciiUrl(m[1]), { ip, when: parseMailDate(m[3]) });
  }
  const sites = new Set<string>();
  for (const m of head.matchAll(/^Spamvertised web site:\s*(\S+)/gim)) {
    const url = asciiUrl(findUrls(m[1])[0] ?? m[1]);
    if (url) sites.add(url);
  }
  for (const u of arf?.getAll('reported-uri') ?? []) {
    const url = asciiUrl(findUrls(u)[0] ?? '');
    if (url && !/spamcop\.net\/(w3m|sc|mcgi)/.test(url)) sites.add(url);
  }
  // Long links wrap over several lines: "<tail of the link> is 1.2.3.4; date" then matches no
  // site exactly. Those addresses go, in order, to the sites left without one.
  const unmatched: { ip: string; when: string | null }[] = [];
  for (const m of head.matchAll(/^(\S*)\s+is\s+([0-9a-f:.]{3,45});\s*([^\n]*)$/gim)) {
    const ip = canonicalIp(m[2]);
    if (ip && !/^\S+:\/\//.test(m[1])) unmatched.push({ ip, when: parseMailDate(m[3]) });
  }
  for (const url of sites) {
    const r = resolved.get(url) ?? unmatched.shift();
    events.push(makeEvent({ category: 'spamvertising', type: 'spamvertised', url, ip: r?.ip ?? null, occurredAt: r?.when ?? sourceTime, evidence: { format: 'spamcop', spamcopId: id } }, ctx));
  }
  if (!events.length) return null;
  return { format: 'spamcop', events, error: null };
}
