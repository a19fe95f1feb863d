/**
 * A small, bounded reading of a raw mail for display only: headers unfolded, the first text part
 * decoded, every other part listed as an attachment. Everything it returns is shown as text; it
 * never produces markup. Deep or broken structures stop at fixed limits instead of looping.
 */
export interface MailPart {
  contentType: string;
  filename: string | null;
  size: number;
  text: string | null;
  bytes: Uint8Array | null;
}

export interface MailView {
  headers: { name: string; value: string }[];
  body: string;
  bodyType: string;
  attachments: MailPart[];
}

const MAX_PARTS = 200;
const MAX_DEPTH = 8;

function splitHead(raw: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(raw);
  return m ? [raw.slice(0, m.index), raw.slice(m.index + m[0].length)] : [raw, ''];
}

function parseHeaders(head: string): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && out.length) out[out.length - 1].value += ` ${line.trim()}`;
    else {
      const i = line.indexOf(':');
      if (i > 0) out.push({ name: line.slice(0, i).trim(), value: line.slice(i + 1).trim() });
    }
  }
  return out.map((h) => ({ name: h.name, value: decodeWords(h.value) }));
}

function bytesOf(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

function decodeCharset(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset || 'utf-8', { fatal: false }).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function base64Bytes(s: string): Uint8Array {
  try {
    return bytesOf(atob(s.replace(/[^A-Za-z0-9+/=]/g, '')));
  } catch {
    return bytesOf(s);
  }
}

function qpBytes(s: string): Uint8Array {
  const t = s.replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(t.slice(i + 1, i + 3))) {
      out.push(parseInt(t.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(t.charCodeAt(i) & 0xff);
  }
  return new Uint8Array(out);
}

/** RFC 2047 encoded words (=?utf-8?B?...?=) in a header value. */
export function decodeWords(v: string): string {
  return v.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=(\s+(?==\?))?/g, (_m, cs: string, enc: string, text: string) => {
    const bytes = enc.toUpperCase() === 'B' ? base64Bytes(text) : qpBytes(text.replace(/_/g, ' '));
    return decodeCharset(bytes, cs);
  });
}

function param(value: string, name: string): string | null {
  const re = new RegExp(`(?:^|;)\\s*${name}\\*?=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i');
  const m = re.exec(value);
  if (!m) return null;
  let v = m[1] ?? m[2] ?? '';
  const ext = /^([\w-]+)'[^']*'(.*)$/.exec(v);
  if (ext) {
    try {
      v = decodeURIComponent(ext[2]);
    } catch {
      v = ext[2];
    }
  }
  return decodeWords(v);
}

function header(hs: { name: string; value: string }[], name: string): string {
  return hs.find((h) => h.name.toLowerCase() === name)?.value ?? '';
}

/** The raw message as a latin-1 string (one char per byte) so decoding stays byte-exact. */
export function readMail(raw: string): MailView {
  const view: MailView = { headers: [], body: '', bodyType: 'text/plain', attachments: [] };
  let parts = 0;
  const walk = (chunk: string, depth: number, top: boolean) => {
    if (parts++ > MAX_PARTS || depth > MAX_DEPTH) return;
    const [head, body] = splitHead(chunk);
    const hs = parseHeaders(head);
    if (top) view.headers = hs;
    const ct = header(hs, 'content-type') || 'text/plain';
    const type = ct.split(';')[0].trim().toLowerCase();
    const boundary = param(ct, 'boundary');
    if (type.startsWith('multipart/') && boundary) {
      const sections = body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`));
      for (const s of sections.slice(1)) if (s.trim()) walk(s, depth + 1, false);
      return;
    }
    if (type === 'message/rfc822' && !top) {
      view.attachments.push({ contentType: type, filename: 'attached message (.eml)', size: body.length, text: body, bytes: bytesOf(body) });
      return;
    }
    const enc = header(hs, 'content-transfer-encoding').toLowerCase();
    const bytes = enc === 'base64' ? base64Bytes(body) : enc === 'quoted-printable' ? qpBytes(body) : bytesOf(body);
    const disp = header(hs, 'content-disposition');
    const filename = param(disp, 'filename') ?? param(ct, 'name');
    const isText = type.startsWith('text/') || type === 'message/feedback-report' || type === 'message/rfc822-headers';
    const text = isText ? decodeCharset(bytes, param(ct, 'charset') ?? 'utf-8') : null;
    if (!view.body && isText && !filename && !/attachment/i.test(disp) && (type === 'text/plain' || type === 'text/html')) {
      view.body = text ?? '';
      view.bodyType = type;
    } else view.attachments.push({ contentType: type, filename, size: bytes.length, text, bytes });
  };
  walk(raw, 0, true);
  return view;
}

/** SHA-256 in hex, where the browser offers WebCrypto (secure contexts); null elsewhere. */
export async function sha256Hex(bytes: Uint8Array): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** SPF, DKIM and DMARC verdicts out of Authentication-Results (or the server's own record). */
export function authResults(headers: { name: string; value: string }[], meta: Record<string, unknown>): { spf: string; dkim: string; dmarc: string } {
  const fromMeta = (meta.authentication ?? meta.auth ?? {}) as Record<string, unknown>;
  const verdict = (v: unknown): string | null => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const r = o.result ?? o.status ?? o.verdict;
      if (typeof r === 'string') return r;
      if (r && typeof r === 'object' && typeof (r as Record<string, unknown>).result === 'string') return (r as Record<string, string>).result;
    }
    return null;
  };
  const ar = headers.filter((h) => /^(arc-)?authentication-results$/i.test(h.name)).map((h) => h.value).join('; ');
  const pick = (k: 'spf' | 'dkim' | 'dmarc') => verdict(fromMeta[k]) ?? new RegExp(`\\b${k}=(\\w+)`, 'i').exec(ar)?.[1]?.toLowerCase() ?? 'none';
  return { spf: pick('spf'), dkim: pick('dkim'), dmarc: pick('dmarc') };
}
