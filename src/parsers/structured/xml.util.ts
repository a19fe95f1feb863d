import { XMLParser } from 'fast-xml-parser';

/** XML reports above this are refused: no real notice is this large. */
export const MAX_XML_BYTES = 16 * 1024 * 1024;

export class XmlRefusedError extends Error {}

/**
 * Reports are hostile input: an XML document that declares entities (an internal DTD subset)
 * is how XXE and "billion laughs" attacks work, and no report format we read needs one. Such a
 * document is refused with a clear reason; a bare external DOCTYPE line is dropped unread.
 */
export function assertSafeXml(text: string): void {
  if (text.length > MAX_XML_BYTES) throw new XmlRefusedError(`XML document too large (${text.length} characters)`);
  if (/<!ENTITY/i.test(text)) throw new XmlRefusedError('XML declares entities (<!ENTITY>): refused, entity expansion and external entities (XXE) are never processed');
  if (/<!DOCTYPE[^>]*\[/i.test(text)) throw new XmlRefusedError('XML carries an internal DTD subset: refused, DTDs are never processed');
}

export function stripDoctype(text: string): string {
  return text.replace(/<!DOCTYPE[^>[]*>/gi, '');
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Entities are decoded by us, only the five XML ones and character references, after parsing.
  processEntities: false,
  htmlEntities: false,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  maxNestedTags: 64,
});

/** Parses XML after the safety checks; throws XmlRefusedError or the parser's error. */
export function parseXml(text: string): Record<string, unknown> {
  assertSafeXml(text);
  return parser.parse(stripDoctype(text)) as Record<string, unknown>;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five XML entities and numeric character references; anything else stays as written. */
export function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|lt|gt|amp|quot|apos);/gi, (m, e: string) => {
    if (e[0] !== '#') return NAMED[e.toLowerCase()] ?? m;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

/** Text of a parsed node: strings as they are, `#text` of an element with attributes, else null. */
export function textOf(node: unknown): string | null {
  if (node === undefined || node === null) return null;
  if (typeof node === 'string') return decodeXmlText(node).trim() || null;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return textOf(node[0]);
  if (typeof node === 'object' && '#text' in (node as object)) return textOf((node as Record<string, unknown>)['#text']);
  return null;
}

export function asArray<T>(v: T | T[] | undefined | null): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Unescaped `&` (not starting an entity or character reference) becomes `&amp;`: the usual breakage. */
export function escapeStrayAmpersands(text: string): string {
  return text.replace(/&(?!(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});)/gi, '&amp;');
}
