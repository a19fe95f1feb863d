import type { ParseResult } from '../types.js';
import { parseGzip, parseZip } from './archive.parser.js';
import { isGzip, isZip } from './archive.util.js';
import { extractAcnsFromText } from './acns.parser.js';
import { parseCsvReport } from './csv.parser.js';
import type { StructuredHints } from './event.util.js';
import { extractJsonReports, parseStructuredJson } from './json.parser.js';
import { parseXmlReport } from './xml-reports.parser.js';

export type { StructuredHints } from './event.util.js';
export type { RowMapper } from './shadowserver.mapper.js';

/** Structured reports larger than this are refused whole: the streaming API handles big CSVs. */
export const MAX_STRUCTURED_BYTES = 64 * 1024 * 1024;

/**
 * Entry point for machine-readable report formats (XARF JSON, ACNS, IODEF, Shadowserver and
 * other CSV feeds, XML reports, zip/gzip archives of those). Detection is by content; the file
 * name and content type are hints only. Returns null when the bytes are not a structured format
 * we recognize, so the caller can try the next parser. Never throws.
 */
export async function parseStructured(bytes: Uint8Array, hints: StructuredHints = {}): Promise<ParseResult | null> {
  return detect(bytes, hints, 0);
}

async function detect(bytes: Uint8Array, hints: StructuredHints, depth: number): Promise<ParseResult | null> {
  try {
    return await detectAndParse(bytes, hints, depth);
  } catch (err) {
    return { format: 'structured', events: [], error: `structured parser failed: ${(err as Error)?.message ?? String(err)}` };
  }
}

async function detectAndParse(bytes: Uint8Array, hints: StructuredHints, depth: number): Promise<ParseResult | null> {
  if (bytes.length === 0) return null;
  if (isZip(bytes)) return parseZip(bytes, hints, depth, detect);
  if (isGzip(bytes)) return parseGzip(bytes, hints, depth, detect);
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    if (bytes.length > MAX_STRUCTURED_BYTES) return { format: 'json', events: [], error: `JSON report too large (${bytes.length} bytes)` };
    const json = parseStructuredJson(new TextDecoder('utf-8').decode(bytes), hints);
    if (json) return json;
  }
  if (bytes.length > MAX_STRUCTURED_BYTES) return null;
  // Binary content (images, PDFs) is no structured report: a NUL byte early on says so.
  if (head.includes('\u0000')) return null;
  const text = new TextDecoder('utf-8').decode(bytes);
  const acns = extractAcnsFromText(text, hints);
  if (acns) return acns;
  if (head.startsWith('<')) {
    const xml = parseXmlReport(text, hints);
    if (xml) return xml;
  }
  const csv = parseCsvReport(text, hints);
  if (csv) return csv;
  const inlineJson = extractJsonReports(text, hints);
  if (inlineJson) return inlineJson;
  return null;
}

export { extractAcnsFromText } from './acns.parser.js';
export { streamShadowserverCsv, streamCsvBatches, CsvStreamError } from './shadowserver.stream.js';
