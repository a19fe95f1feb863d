import { parseDownloadNotice } from './download-notice.parser.js';
import type { EventContext } from './event.js';
import { parseHoneypotDigest } from './honeypot.parser.js';
import { parseSafeBrowsingXml } from './safebrowsing.parser.js';
import { parseTrapDelivery } from './trap.parser.js';
import type { MailMessage } from './mime.js';
import type { ParseResult } from './types.js';

type MailFormat = (mail: MailMessage, ctx: EventContext) => ParseResult | null;

/** The text formats carried in mail, most specific first; the first that claims the mail wins. */
const FORMATS: MailFormat[] = [parseSafeBrowsingXml, parseHoneypotDigest, parseTrapDelivery, parseDownloadNotice];

export function parseMailFormats(mail: MailMessage, ctx: EventContext): ParseResult | null {
  for (const f of FORMATS) {
    const r = f(mail, ctx);
    if (r) return r;
  }
  return null;
}
