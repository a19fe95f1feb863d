import type { MailMessage } from './mime.js';

/** A piece of a mail that may be a structured document, for parseStructured. */
export interface StructuredCandidate {
  content: Uint8Array;
  filename: string | null;
  contentType: string;
}

// Parts that are never structured reports: signatures, images, the ARF/DSN machinery.
const SKIP = /^(image|audio|video)\/|^application\/(pgp-signature|pkcs7-signature|x-pkcs7-signature|pgp-keys)|^message\/(feedback-report|delivery-status|rfc822|global)|^text\/rfc822-headers|^multipart\//;
const MAX_INLINE_DOCS = 20;

/**
 * Attachments, and documents pasted inline into a body (ACNS XML in text/plain, XARF JSON),
 * that the structured parsers should see. Embedded messages are searched too, since a report
 * forwarded by a colleague keeps its attachment inside the forwarded message.
 */
export function structuredParts(mail: MailMessage, depth = 0): StructuredCandidate[] {
  const out: StructuredCandidate[] = [];
  for (const a of mail.attachments) {
    if (SKIP.test(a.contentType) || a.content.length === 0) continue;
    // Plain text attachments are scanned by the mail parsers unless their name says otherwise.
    if (a.contentType === 'text/plain' && !/\.(csv|xml|json|zip|gz)$/i.test(a.filename ?? '') && !looksStructured(a.content)) continue;
    if (a.contentType === 'text/html') continue;
    out.push({ content: a.content, filename: a.filename, contentType: a.contentType });
  }
  for (const body of [mail.text, mail.html ? '' : '']) {
    if (!body) continue;
    for (const doc of inlineXmlDocuments(body)) out.push({ content: Buffer.from(doc, 'utf8'), filename: null, contentType: 'application/xml' });
    const t = body.trim();
    if (t.startsWith('{') && t.endsWith('}')) out.push({ content: Buffer.from(t, 'utf8'), filename: null, contentType: 'application/json' });
    // A feed pasted as the body: a header row of delimited column names (possibly behind a
    // comment mark) among the first lines; the table reader decides whether it is one it knows.
    else if (TABLE_HEADER.test(t.slice(0, 8000))) out.push({ content: Buffer.from(t, 'utf8'), filename: null, contentType: 'text/csv' });
  }
  if (depth < 2) for (const m of mail.embedded) out.push(...structuredParts(m, depth + 1));
  return out;
}

const TABLE_HEADER = /^[ \t#]*"?[a-z][\w .-]{0,30}"?([,;|\t]"?[a-z][\w .-]{0,30}"?){3,}[ \t]*$/im;

function looksStructured(content: Uint8Array): boolean {
  const head = Buffer.from(content.subarray(0, 512)).toString('utf8').trimStart();
  return head.startsWith('<?xml') || head.startsWith('{') || /^"?[\w ]+"?([,;\t|]"?[\w ]+"?){2,}\r?\n/.test(head);
}

/** XML documents pasted into a text body: from `<?xml` (or a bare root element) to its close tag. */
export function inlineXmlDocuments(text: string): string[] {
  const docs: string[] = [];
  const re = /<\?xml[^>]*\?>|<(Infringement|IODEF-Document)\b/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && docs.length < MAX_INLINE_DOCS) {
    const start = m.index;
    const rootMatch = /<([A-Za-z][\w:.-]*)[\s>]/.exec(text.slice(m[0].startsWith('<?xml') ? start + m[0].length : start, start + 20_000));
    if (!rootMatch) break;
    const root = rootMatch[1];
    const close = text.indexOf(`</${root}>`, start);
    const end = close >= 0 ? close + root.length + 3 : Math.min(text.length, start + 200_000);
    docs.push(text.slice(start, end));
    re.lastIndex = end;
  }
  return docs;
}
