import type { EventContext } from './event.js';
import { findUrls } from './extract.js';
import type { MailMessage } from './mime.js';
import type { ParseResult } from './types.js';

/**
 * Feed notices that carry no data, only a download link ("The report content can be obtained
 * from the following link"). A parser is pure and never fetches, so the report is rejected with
 * the link in the reason: an operator (or a fetcher in the pipeline) can retrieve it.
 */
export function parseDownloadNotice(mail: MailMessage, _ctx: EventContext): ParseResult | null {
  const text = mail.text || mail.htmlText;
  if (!/report\s+(content|data)\s+can\s+be\s+(obtained|downloaded)\s+from\s+the\s+following\s+link/i.test(text)) return null;
  if (mail.attachments.some((a) => !/signature|pgp|pkcs7/.test(a.contentType))) return null;
  const link = findUrls(text)[0] ?? 'unknown';
  return { format: 'download-notice', events: [], error: `report data is not in the mail, only behind a download link: ${link.slice(0, 300)}` };
}
