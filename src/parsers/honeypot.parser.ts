import type { Category } from '../domain/categories.js';
import type { NormalizedEvent } from '../domain/event.js';
import { canonicalIp } from '../domain/ip.js';
import { makeEvent, type EventContext } from './event.js';
import type { MailMessage } from './mime.js';
import type { ParseResult } from './types.js';

/**
 * Honeypot monitor digests (Project Honey Pot style): sections "IPs Engaged In <activity> On
 * Your Network:" each listing addresses with a letter code and the times they were seen.
 * The activity in the section title is the category.
 */

const SECTION = /^\s*IPs\s+Engaged\s+In\s+(.+?)\s+On\s+Your\s+Network:?\s*$|^\s*Other\s+Potentially\s+Suspicious\s+IPs\s+On\s+Your\s+Network:?\s*$/i;

function categoryOf(activity: string): { category: Category; type: string } {
  const a = activity.toLowerCase();
  if (a.includes('harvest')) return { category: 'harvesting', type: 'harvesting' };
  if (a.includes('dictionary')) return { category: 'compromised-host', type: 'dictionary-attack' };
  if (a.includes('comment')) return { category: 'spam', type: 'comment-spam' };
  if (a.includes('spam')) return { category: 'spam', type: 'spam' };
  return { category: 'unclassified', type: 'suspicious' };
}

/** "Mon, 21 Sep 2015 11:00AM PDT" -> ISO. */
function honeypotDate(s: string): string | null {
  const m = /(\d{1,2})\s+(\w{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})\s*(AM|PM)\s*([A-Z]{2,4})?/i.exec(s);
  if (!m) return null;
  const zones: Record<string, number> = { PDT: -7, PST: -8, MDT: -6, MST: -7, CDT: -5, CST: -6, EDT: -4, EST: -5, UTC: 0, GMT: 0 };
  const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  const mon = months.indexOf(m[2].toLowerCase());
  if (mon < 0) return null;
  let h = +m[4] % 12;
  if (m[6].toUpperCase() === 'PM') h += 12;
  const off = zones[(m[7] ?? 'UTC').toUpperCase()] ?? 0;
  return new Date(Date.UTC(+m[3], mon, +m[1], h - off, +m[5])).toISOString();
}

export function parseHoneypotDigest(mail: MailMessage, ctx: EventContext): ParseResult | null {
  const text = mail.text || mail.htmlText;
  if (!/IPs\s+Engaged\s+In\s+.+\s+On\s+Your\s+Network/i.test(text)) return null;
  const events: NormalizedEvent[] = [];
  let current: { category: Category; type: string } | null = null;
  let last: { ip: string; cat: { category: Category; type: string }; when: string | null; subject?: string } | null = null;
  const flush = () => {
    if (last) events.push(makeEvent({ category: last.cat.category, type: last.cat.type, ip: last.ip, occurredAt: last.when, evidence: { format: 'honeypot-digest', spamSubject: last.subject } }, ctx));
    last = null;
  };
  for (const line of text.split(/\r?\n/)) {
    const sec = SECTION.exec(line);
    if (sec) { flush(); current = categoryOf(sec[1] ?? 'other'); continue; }
    if (!current) continue;
    const ipLine = /^\s*([0-9a-f:.]{3,45})\s*(\([A-Z]+\))?\s*$/i.exec(line);
    const ip = ipLine ? canonicalIp(ipLine[1]) : null;
    if (ip) { flush(); last = { ip, cat: current, when: null }; continue; }
    if (last) {
      const d = /^\s*-\s+(\w{3},.*)$/.exec(line);
      if (d && !last.when) last.when = honeypotDate(d[1]);
      const subj = /^\s*-\s+Subject:\s*(.*)$/.exec(line);
      if (subj && !last.subject) last.subject = subj[1].slice(0, 200);
    }
  }
  flush();
  return { format: 'honeypot-digest', events, error: events.length ? null : 'honeypot digest lists no addresses' };
}
