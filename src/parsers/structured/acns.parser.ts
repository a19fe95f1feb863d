import type { NormalizedEvent } from '../../domain/event.js';
import type { ParseResult } from '../types.js';
import { makeEvent, type StructuredHints } from './event.util.js';
import { asArray, assertSafeXml, decodeXmlText, escapeStrayAmpersands, parseXml, textOf, XmlRefusedError } from './xml.util.js';

/** At most this many notices per document and URLs per notice: a flood, not a report. */
const MAX_NOTICES = 500;
const MAX_ITEMS = 50;

const OPEN = /<(?:[\w-]+:)?Infringement\b/g;
const CLOSE = /<\/(?:[\w-]+:)?Infringement\s*>/g;

/** The notice blocks, found in one linear pass (a lazy regex would rescan hostile text per opening tag). */
function* blocks(text: string): Generator<string> {
  let from = 0;
  for (;;) {
    OPEN.lastIndex = from;
    const open = OPEN.exec(text);
    if (!open) return;
    CLOSE.lastIndex = open.index;
    const close = CLOSE.exec(text);
    if (!close) return;
    from = close.index + close[0].length;
    yield text.slice(open.index, from);
  }
}

/** Does this text carry an ACNS notice (either namespace, or none declared)? */
export function hasAcns(text: string): boolean {
  return /<(?:[\w-]+:)?Infringement\b/.test(text) && /<\/(?:[\w-]+:)?Infringement\s*>/.test(text) && /acns\.net|<Complainant>|<Service_Provider>/i.test(text);
}

/**
 * Every ACNS notice in a text: a whole XML document, an attachment, or a mail body that carries
 * the XML inline (plain, or HTML-escaped in an HTML part). Returns null when there is none.
 */
export function extractAcnsFromText(text: string, hints: StructuredHints = {}): ParseResult | null {
  let source = text;
  if (!hasAcns(source) && /&lt;(?:[\w-]+:)?Infringement\b/.test(source)) source = decodeXmlText(source.replace(/<[^>]+>/g, ''));
  if (!hasAcns(source)) {
    // A document that is an ACNS notice from its first element but never closes it was cut off
    // (a size limit, a broken relay): rejected with the reason rather than read as prose.
    const head = source.replace(/^\uFEFF/, '').trimStart().slice(0, 2048);
    if (/^(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<(?:[\w-]+:)?Infringement\b/.test(head) && /acns\.net|<(?:[\w-]+:)?(Complainant|Case)>/i.test(head)) {
      return { format: 'acns', events: [], error: 'ACNS notice is truncated: the document never closes its <Infringement> element' };
    }
    return null;
  }
  try {
    assertSafeXml(source);
  } catch (err) {
    return { format: 'acns', events: [], error: (err as Error).message };
  }
  const events: NormalizedEvent[] = [];
  const problems: string[] = [];
  let n = 0;
  for (const block of blocks(source)) {
    if (++n > MAX_NOTICES) {
      problems.push(`more than ${MAX_NOTICES} notices: the rest ignored`);
      break;
    }
    try {
      events.push(...noticeEvents(block, hints));
    } catch (err) {
      if (err instanceof XmlRefusedError) return { format: 'acns', events: [], error: err.message };
      problems.push((err as Error).message);
    }
  }
  if (!events.length) return { format: 'acns', events, error: problems[0] ?? 'ACNS notice names no IP address or URL' };
  return { format: 'acns', events, error: null };
}

type Node = Record<string, unknown>;

function noticeEvents(xml: string, hints: StructuredHints): NormalizedEvent[] {
  let notice: Node | null = null;
  let recovered = false;
  try {
    const doc = parseXml(escapeStrayAmpersands(xml));
    notice = (doc.Infringement as Node) ?? null;
  } catch (err) {
    if (err instanceof XmlRefusedError) throw err;
  }
  if (!notice || typeof notice !== 'object') {
    // Too broken for a parser: read the few fields we act on, one element at a time.
    notice = recoverFields(xml);
    recovered = true;
  }
  const source = (notice.Source ?? {}) as Node;
  const complainant = (notice.Complainant ?? {}) as Node;
  const kase = (notice.Case ?? {}) as Node;
  const items = asArray((notice.Content as Node | undefined)?.Item as Node | Node[] | undefined).slice(0, MAX_ITEMS);
  const ip = textOf(source.IP_Address);
  const port = textOf(source.Port);
  const sourceType = textOf(source.Type) ?? 'unknown';
  const subType = source.SubType as Node | undefined;
  const protocol = subType && typeof subType === 'object' ? textOf(subType['@Protocol']) : null;
  const time = textOf(source.TimeStamp) ?? textOf(items[0]?.TimeStamp);
  const reporter = textOf(complainant.Email) ?? textOf(complainant.Entity);
  const evidence = {
    caseId: textOf(kase.ID),
    complainant: textOf(complainant.Entity),
    sourceType,
    protocol,
    dnsName: textOf(source.DNS_Name),
    titles: items.map((i) => textOf(i.Title)).filter(Boolean).slice(0, 5),
    fileName: textOf(items[0]?.FileName),
    hash: textOf(items[0]?.Hash),
    recovered: recovered || undefined,
  };
  const urls = [...new Set([textOf(source.URL_Base), ...items.map((i) => textOf(i.URL))].filter((u): u is string => !!u && /^[a-z]+:\/\//i.test(u)))];
  const type = `acns-${sourceType.toLowerCase()}`;
  if (!ip && !urls.length) throw new Error('ACNS notice names no IP address or URL');
  // A P2P notice is about the address sharing files; a web notice about each URL named.
  if (!urls.length) return [makeEvent({ category: 'copyright', type, ip, port, occurredAt: time, reporter, evidence }, hints)];
  return urls.map((url) => makeEvent({ category: 'copyright', type, ip, port, url, occurredAt: time, reporter, evidence }, hints));
}

function recoverFields(xml: string): Node {
  const get = (tag: string, scope = xml) => {
    const m = new RegExp(`<(?:[\\w-]+:)?${tag}\\b[^>]*>([^<]{0,2048})</(?:[\\w-]+:)?${tag}\\s*>`).exec(scope);
    return m ? decodeXmlText(m[1]).trim() : undefined;
  };
  const section = (tag: string) => new RegExp(`<${tag}\\b[\\s\\S]*?</${tag}\\s*>`).exec(xml)?.[0] ?? '';
  const src = section('Source');
  const comp = section('Complainant');
  const items = [...xml.matchAll(/<Item\b[\s\S]*?<\/Item\s*>/g)].slice(0, MAX_ITEMS).map((m) => ({ TimeStamp: get('TimeStamp', m[0]), Title: get('Title', m[0]), URL: get('URL', m[0]), FileName: get('FileName', m[0]) }));
  if (!src && !items.length) throw new Error('ACNS notice too broken to read');
  return {
    Case: { ID: get('ID', section('Case')) },
    Complainant: { Entity: get('Entity', comp), Email: get('Email', comp) },
    Source: { TimeStamp: get('TimeStamp', src), IP_Address: get('IP_Address', src), Port: get('Port', src), Type: get('Type', src), URL_Base: get('URL_Base', src), DNS_Name: get('DNS_Name', src) },
    Content: { Item: items },
  };
}
