import { decodeCharset, decodeTransfer, decodeWords } from './mail/charset.js';
import { Headers, addressOf, displayNameOf, parseHeaderSection, parseHeaderValue, splitHeaderBody } from './mail/headers.js';
import { htmlToText } from './mail/html.js';
import { parseMailDate } from './mail/dates.js';

export { Headers } from './mail/headers.js';

/**
 * Limits for hostile mail. A MIME bomb (deep nesting, thousands of parts, a megabyte header)
 * is refused with a MimeLimitError instead of being walked; everything else is tolerated.
 */
export interface MimeLimits {
  maxBytes: number;
  maxDepth: number;
  maxParts: number;
  maxHeaderBytes: number;
}

export const DEFAULT_MIME_LIMITS: MimeLimits = {
  maxBytes: 40 * 1024 * 1024,
  maxDepth: 24,
  maxParts: 1000,
  maxHeaderBytes: 512 * 1024,
};

export class MimeLimitError extends Error {}

/** A leaf of the MIME tree that is not the main body: attachments, reports, embedded messages. */
export interface MailAttachment {
  filename: string | null;
  contentType: string;
  charset: string | null;
  disposition: string | null;
  /** Transfer-decoded bytes (for message/rfc822: the raw embedded message). */
  content: Uint8Array;
}

export interface MailMessage {
  headers: Headers;
  subject: string;
  /** Bare sender address, lower case. */
  from: string | null;
  fromName: string | null;
  /** The Date header as ISO UTC, or null when absent or unreadable. */
  date: string | null;
  messageId: string | null;
  contentType: string;
  /** The readable body: text/plain parts, or the text of the HTML parts when there is no plain text. */
  text: string;
  html: string;
  htmlText: string;
  attachments: MailAttachment[];
  /** Embedded message/rfc822 (and message/global) parts, parsed. */
  embedded: MailMessage[];
  /** text/rfc822-headers parts, parsed (ARF's third part is often only the headers). */
  rfc822Headers: Headers[];
}

interface Entity {
  headers: Headers;
  type: string;
  params: Record<string, string>;
  disposition: string | null;
  filename: string | null;
  children: Entity[];
  /** For message/rfc822: the embedded message. */
  message?: Entity;
  messageRaw?: Uint8Array;
  body: Uint8Array;
}

interface WalkState {
  parts: number;
  limits: MimeLimits;
}

function parseEntity(binary: string, state: WalkState, depth: number, defaultType = 'text/plain'): Entity {
  if (depth > state.limits.maxDepth) {
    throw new MimeLimitError(`MIME nesting deeper than ${state.limits.maxDepth} levels`);
  }
  if (++state.parts > state.limits.maxParts) {
    throw new MimeLimitError(`more than ${state.limits.maxParts} MIME parts`);
  }
  const [head, rawBody] = splitHeaderBody(binary);
  if (head.length > state.limits.maxHeaderBytes) {
    throw new MimeLimitError(`header section larger than ${Math.round(state.limits.maxHeaderBytes / 1024)} KiB`);
  }
  const headers = parseHeaderSection(head);
  const ct = parseHeaderValue(headers.get('content-type'));
  const type = /^[\w.+-]+\/[\w.+-]+$/.test(ct.value) ? ct.value : defaultType;
  const cd = parseHeaderValue(headers.get('content-disposition'));
  const filename = cd.params.filename || ct.params.name || null;
  const entity: Entity = {
    headers,
    type,
    params: ct.params,
    disposition: cd.value || null,
    filename: filename ? decodeWords(filename) : null,
    children: [],
    body: new Uint8Array(0),
  };
  const cte = headers.get('content-transfer-encoding');
  if (type.startsWith('multipart/') && ct.params.boundary) {
    const childDefault = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    let segments = splitMultipart(rawBody, ct.params.boundary);
    if (!segments.length) {
      // Hand-edited or mangled mail: the declared boundary never occurs. Use the delimiter the
      // body actually repeats, if it does.
      const sniffed = /^--([^\s-][^\s]{0,199}|-[^\s]{1,199})[ \t]*\r?$/m.exec(rawBody)?.[1]?.replace(/--$/, '');
      if (sniffed && rawBody.split('--' + sniffed).length > 2) segments = splitMultipart(rawBody, sniffed);
    }
    for (const seg of segments) {
      entity.children.push(parseEntity(seg, state, depth + 1, childDefault));
    }
    return entity;
  }
  const body = decodeTransfer(rawBody, cte);
  if (type === 'message/rfc822' || type === 'message/global') {
    entity.messageRaw = body;
    entity.message = parseEntity(Buffer.from(body).toString('latin1'), state, depth + 1);
    return entity;
  }
  entity.body = body;
  return entity;
}

/** The parts of a multipart body between `--boundary` lines; tolerant of a missing close line. */
function splitMultipart(body: string, boundary: string): string[] {
  const delim = '--' + boundary;
  const segments: string[] = [];
  let pos = 0;
  let start = -1;
  for (;;) {
    const i = body.indexOf(delim, pos);
    if (i < 0) break;
    const atLineStart = i === 0 || body[i - 1] === '\n';
    pos = i + delim.length;
    if (!atLineStart) continue;
    const closing = body.startsWith('--', pos);
    if (start >= 0) {
      let end = i;
      if (body[end - 1] === '\n') end--;
      if (body[end - 1] === '\r') end--;
      segments.push(body.slice(start, Math.max(start, end)));
    }
    if (closing) { start = -1; break; }
    const eol = body.indexOf('\n', pos);
    if (eol < 0) { start = -1; break; }
    start = eol + 1;
  }
  if (start >= 0 && start < body.length) segments.push(body.slice(start));
  return segments;
}

function entityText(e: Entity): string {
  return decodeCharset(e.body, e.params.charset);
}

function isAttachmentLike(e: Entity): boolean {
  return e.disposition === 'attachment' || (!!e.filename && e.disposition !== 'inline');
}

interface Collected {
  text: string[];
  html: string[];
  attachments: MailAttachment[];
  embedded: MailMessage[];
  rfc822Headers: Headers[];
}

function collect(e: Entity, out: Collected): void {
  if (e.children.length) {
    if (e.type === 'multipart/alternative') {
      const plain = e.children.find((c) => c.type === 'text/plain' && !isAttachmentLike(c));
      const html = e.children.find((c) => c.type === 'text/html' && !isAttachmentLike(c));
      const nested = e.children.filter((c) => c.children.length > 0);
      if (plain) out.text.push(entityText(plain));
      if (html) out.html.push(entityText(html));
      for (const c of nested) collect(c, out);
      for (const c of e.children) {
        if (c !== plain && c !== html && !c.children.length) collect(c, out);
      }
      return;
    }
    for (const c of e.children) collect(c, out);
    return;
  }
  if (e.message && e.messageRaw) {
    out.embedded.push(buildMessage(e.message));
    out.attachments.push({ filename: e.filename, contentType: e.type, charset: null, disposition: e.disposition, content: e.messageRaw });
    return;
  }
  if ((e.type === 'text/plain' || e.type === 'text/html') && !isAttachmentLike(e)) {
    (e.type === 'text/plain' ? out.text : out.html).push(entityText(e));
    return;
  }
  if (e.type === 'text/rfc822-headers' || e.type === 'text/rfc822-header') {
    const [head] = splitHeaderBody(Buffer.from(e.body).toString('latin1') + '\n\n');
    out.rfc822Headers.push(parseHeaderSection(head));
  }
  out.attachments.push({
    filename: e.filename,
    contentType: e.type,
    charset: e.params.charset ?? null,
    disposition: e.disposition,
    content: e.body,
  });
}

function buildMessage(root: Entity): MailMessage {
  const out: Collected = { text: [], html: [], attachments: [], embedded: [], rfc822Headers: [] };
  collect(root, out);
  const h = root.headers;
  const fromRaw = h.get('from');
  const html = out.html.join('\n');
  const htmlText = html ? htmlToText(html) : '';
  const plain = out.text.join('\n').trim();
  return {
    headers: h,
    subject: (h.get('subject') ?? '').replace(/\s+/g, ' ').trim(),
    from: addressOf(fromRaw),
    fromName: displayNameOf(fromRaw),
    date: parseMailDate(h.get('date')),
    messageId: h.get('message-id'),
    contentType: root.type,
    text: plain || htmlText,
    html,
    htmlText,
    attachments: out.attachments,
    embedded: out.embedded,
    rfc822Headers: out.rfc822Headers,
  };
}

/**
 * Parse a mail into a MailMessage. Throws MimeLimitError past the limits (the dispatcher turns it
 * into a stored error); everything else malformed is tolerated.
 */
export function parseMail(bytes: Uint8Array, limits: MimeLimits = DEFAULT_MIME_LIMITS): MailMessage {
  if (bytes.length > limits.maxBytes) {
    throw new MimeLimitError(`message larger than ${Math.round(limits.maxBytes / 1048576)} MiB`);
  }
  const binary = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const root = parseEntity(binary, { parts: 0, limits }, 0);
  return buildMessage(root);
}

/** Does this look like an Internet message at all (a header section with at least two known fields)? */
export function looksLikeMail(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 8192)).toString('latin1');
  const [section] = splitHeaderBody(head);
  const known = section.match(/^(received|from|to|subject|date|message-id|mime-version|content-type|return-path|delivered-to|x-[\w-]+|authentication-results|dkim-signature|reply-to|sender)\s*:/gim);
  return (known?.length ?? 0) >= 2;
}
