import { TextDecoder } from 'node:util';

/**
 * Byte-level decoding for mail: transfer encodings, charsets and RFC 2047 encoded words.
 * Written here rather than borrowed so that every step is bounded and tolerant: a broken
 * charset or a malformed encoding degrades to replacement characters, never to an exception.
 */

const CHARSET_ALIASES: Record<string, string> = {
  utf8: 'utf-8',
  'utf-8': 'utf-8',
  ascii: 'utf-8',
  'us-ascii': 'utf-8',
  'ansi_x3.4-1968': 'utf-8',
  latin1: 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'ks_c_5601-1987': 'euc-kr',
  'x-sjis': 'shift_jis',
  'x-gbk': 'gbk',
  gb2312: 'gbk',
  'x-mac-roman': 'macintosh',
};

const decoders = new Map<string, TextDecoder>();

function decoderFor(charset: string | undefined | null): TextDecoder {
  let label = (charset ?? 'utf-8').trim().toLowerCase().replace(/^["']|["']$/g, '');
  label = CHARSET_ALIASES[label] ?? label;
  // UTF-7 can smuggle markup past filters (+ADw-script+AD4-); keep it as literal ASCII.
  if (label.startsWith('utf-7') || label.startsWith('unicode-1-1-utf-7')) label = 'utf-8';
  let d = decoders.get(label);
  if (!d) {
    try {
      d = new TextDecoder(label, { fatal: false });
    } catch {
      d = decoders.get('utf-8') ?? new TextDecoder('utf-8', { fatal: false });
    }
    decoders.set(label, d);
  }
  return d;
}

/** Bytes in a declared charset -> text; unknown charsets fall back to UTF-8 with U+FFFD. */
export function decodeCharset(bytes: Uint8Array, charset?: string | null): string {
  try {
    return decoderFor(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  }
}

/** Quoted-printable (RFC 2045 6.7) -> bytes. Malformed escapes are kept literally. */
export function decodeQuotedPrintable(input: string): Uint8Array {
  const text = input.replace(/[ \t]+(\r?\n)/g, '$1').replace(/=\r?\n/g, '');
  const out = Buffer.alloc(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61 /* = */ && i + 2 < text.length + 0 && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out[n++] = parseInt(text.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      out[n++] = c & 0xff;
    }
  }
  return out.subarray(0, n);
}

/** Base64 -> bytes, ignoring whitespace and garbage (Buffer's decoder is lenient by design). */
export function decodeBase64(input: string): Uint8Array {
  return Buffer.from(input.replace(/[^A-Za-z0-9+/=_-]/g, ''), 'base64');
}

/** Decode a body by its Content-Transfer-Encoding; the input is the raw part as latin1 text. */
export function decodeTransfer(raw: string, encoding: string | null | undefined): Uint8Array {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === 'base64') return decodeBase64(raw);
  if (enc === 'quoted-printable') return decodeQuotedPrintable(raw);
  return Buffer.from(raw, 'latin1');
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=/g;

/** RFC 2047 encoded words in a header value -> text. Raw 8-bit header bytes are read as UTF-8. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 6.2).
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  return joined.replace(ENCODED_WORD, (_m, charset: string, kind: string, data: string) => {
    const cs = charset.split('*')[0];
    const bytes =
      kind.toLowerCase() === 'b' ? decodeBase64(data) : decodeQuotedPrintable(data.replace(/_/g, ' '));
    return decodeCharset(bytes, cs);
  });
}

/** Latin1 "binary string" (one char per byte) -> text, treating 8-bit bytes as UTF-8 when they form it. */
export function binaryToText(binary: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x80-\xff]/.test(binary)) return binary;
  return decodeCharset(Buffer.from(binary, 'latin1'), 'utf-8');
}
