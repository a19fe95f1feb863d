import type { NormalizedEvent } from '../domain/event.js';
import { makeEvent, type EventContext } from './event.js';
import { decodeEntities } from './mail/html.js';
import type { MailMessage } from './mime.js';
import type { ParseResult } from './types.js';

/**
 * Safe Browsing network notifications as XML (`<notification_message>` with `<list type="N">`
 * of `<url_info url=".." ip=".."/>`), inline or attached. List type 0 names compromised sites
 * serving malware, type 1 social-engineering (phishing) pages. The text variant of the same
 * notice is read by the free-text parser ("URL (IP)" lines).
 */
export function parseSafeBrowsingXml(mail: MailMessage, ctx: EventContext): ParseResult | null {
  const sources = [mail.text, ...mail.attachments.filter((a) => /xml|text\/plain/.test(a.contentType)).map((a) => Buffer.from(a.content).toString('utf8'))];
  const doc = sources.find((s) => /<notification_message\b/i.test(s));
  if (!doc) return null;
  const date = /<notification_message\b[^>]*\bdate="(\d{4}-\d{2}-\d{2})"/i.exec(doc)?.[1];
  const when = date ? new Date(`${date}T00:00:00Z`).toISOString() : null;
  const events: NormalizedEvent[] = [];
  for (const list of doc.matchAll(/<list\b[^>]*\btype="(\d+)"[^>]*>([\s\S]*?)<\/list>/gi)) {
    const phishing = list[1] === '1';
    for (const info of list[2].matchAll(/<url_info\b([^>]*)\/?>/gi)) {
      const url = /\burl="([^"]*)"/i.exec(info[1])?.[1];
      const ip = /\bip="([^"]*)"/i.exec(info[1])?.[1];
      if (!url && !ip) continue;
      events.push(
        makeEvent(
          {
            category: phishing ? 'phishing' : 'compromised-host',
            type: phishing ? 'social-engineering' : 'malware-site',
            url: url ? decodeEntities(url) : null,
            ip: ip ?? null,
            occurredAt: when,
            evidence: { format: 'safebrowsing-xml', listType: list[1] },
          },
          ctx,
        ),
      );
      if (events.length >= 5000) break;
    }
  }
  return { format: 'safebrowsing-xml', events, error: events.length ? null : 'Safe Browsing notification without url_info entries' };
}
