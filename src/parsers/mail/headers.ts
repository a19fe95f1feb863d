import { TextDecoder } from 'node:util';
import { binaryToText, decodeWords } from './charset.js';

/** One header field as it appeared: lower-case name, unfolded value (8-bit bytes as UTF-8). */
export interface HeaderField {
  name: string;
  value: string;
}

/** An ordered header section with case-insensitive lookup; repeated fields keep their order. */
export class Headers {
  constructor(readonly fields: HeaderField[]) {}

  /** The first value of a field, RFC 2047 words decoded, or null. */
  get(name: string): string | null {
    const key = name.toLowerCase();
    const f = this.fields.find((x) => x.name === key);
    return f ? decodeWords(f.value).trim() : null;
  }

  /** Every raw (undecoded) value of a field, in order of appearance (top first). */
  getAll(name: string): string[] {
    const key = name.toLowerCase();
    return this.fields.filter((x) => x.name === key).map((x) => x.value);
  }

  has(name: string): boolean {
    const key = name.toLowerCase();
    return this.fields.some((x) => x.name === key);
  }

  get size(): number {
    return this.fields.length;
  }
}

/**
 * Parse a header section (already split from the body) into fields. Tolerant: lines without a
 * colon are dropped, an mbox "From " line is skipped, folded lines are joined.
 */
export function parseHeaderSection(binary: string): Headers {
  const fields: HeaderField[] = [];
  const lines = binary.split(/\r?\n/);
  let current: HeaderField | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (i === 0 && line.startsWith('From ')) continue;
    if (/^[ \t]/.test(line)) {
      if (current) current.value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trimEnd() : '';
    if (!name || !/^[!-9;-~]+$/.test(name)) {
      current = null;
      continue;
    }
    current = { name: name.toLowerCase(), value: binaryToText(line.slice(colon + 1).trim()) };
    fields.push(current);
  }
  return new Headers(fields);
}

/** Split a message (latin1 binary string) at its first empty line: [header section, body]. */
export function splitHeaderBody(binary: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(binary);
  if (!m) {
    // A part that is only headers, or only body (no header lines at all).
    return /^[\w-]+:/.test(binary) ? [binary, ''] : ['', binary];
  }
  // A part that starts with an empty line has no headers.
  if (m.index === 0) return ['', binary.slice(m[0].length)];
  return [binary.slice(0, m.index), binary.slice(m.index + m[0].length)];
}

export interface ParsedHeaderValue {
  value: string;
  params: Record<string, string>;
}

/** `type/subtype; a=b; c="d"` with RFC 2231 continuations and charsets -> value and lower-case params. */
export function parseHeaderValue(raw: string | null | undefined): ParsedHeaderValue {
  const text = raw ?? '';
  const params: Record<string, string> = {};
  const semi = text.indexOf(';');
  const value = (semi < 0 ? text : text.slice(0, semi)).trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (semi < 0) return { value, params };
  const rest = text.slice(semi + 1);
  const re = /\s*([^=;\s]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]*)\s*;?/g;
  const continued: Record<string, { idx: number; val: string; enc: boolean }[]> = {};
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(rest)) && guard++ < 200) {
    if (m[0] === '') { re.lastIndex++; continue; }
    const key = m[1].toLowerCase();
    const val = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2].trim();
    const c = /^(.+?)\*(\d+)?(\*)?$/.exec(key);
    if (c) {
      (continued[c[1]] ??= []).push({ idx: c[2] ? +c[2] : 0, val, enc: !!c[3] || (!c[2] && key.endsWith('*')) });
    } else {
      params[key] = decodeWords(val);
    }
  }
  for (const [key, pieces] of Object.entries(continued)) {
    pieces.sort((a, b) => a.idx - b.idx);
    let charset = 'utf-8';
    const bytes: number[] = [];
    pieces.forEach((p, i) => {
      let v = p.val;
      if (p.enc) {
        if (i === 0) {
          const m2 = /^([^']*)'[^']*'(.*)$/.exec(v);
          if (m2) { charset = m2[1] || 'utf-8'; v = m2[2]; }
        }
        v.replace(/%([0-9a-fA-F]{2})|([\s\S])/g, (_x, hex: string, ch: string) => {
          if (hex) bytes.push(parseInt(hex, 16));
          else for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
          return '';
        });
      } else {
        for (const b of Buffer.from(v, 'utf8')) bytes.push(b);
      }
    });
    try {
      params[key] = new TextDecoder(charset, { fatal: false }).decode(Uint8Array.from(bytes));
    } catch {
      params[key] = Buffer.from(bytes).toString('utf8');
    }
  }
  return { value, params };
}

/** The bare address of an address header value (`"Name" <a@b>` -> a@b), lower case, or null. */
export function addressOf(value: string | null | undefined): string | null {
  if (!value) return null;
  const angle = /<\s*([^<>\s]+@[^<>\s]+)\s*>/.exec(value);
  const bare = angle ? angle[1] : /([^\s<>"',;:()]+@[^\s<>"',;:()]+)/.exec(value)?.[1];
  return bare ? bare.toLowerCase().replace(/\.$/, '') : null;
}

/** The display name of an address header value, or null. */
export function displayNameOf(value: string | null | undefined): string | null {
  if (!value) return null;
  const m = /^\s*"?([^"<]*?)"?\s*</.exec(value);
  const name = m?.[1]?.trim();
  return name ? name : null;
}
