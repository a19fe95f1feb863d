import type { ParseResult } from '../types.js';
import type { StructuredHints } from './event.util.js';
import { parseCsvReport } from './csv.parser.js';
import { parseStructuredJson } from './json.parser.js';

export type { StructuredHints } from './event.util.js';

/** Structured reports larger than this are refused whole: the streaming API handles big CSVs. */
export const MAX_STRUCTURED_BYTES = 64 * 1024 * 1024;

/**
 * Entry point for machine-readable report formats (XARF JSON, ACNS, IODEF, Shadowserver and
 * other CSV feeds, XML reports, zip archives of those). Detection is by content; the file name
 * and content type are hints only. Returns null when the bytes are not a structured format we
 * recognize, so the caller can try the next parser. Never throws.
 */
export async function parseStructured(bytes: Uint8Array, hints: StructuredHints = {}): Promise<ParseResult | null> {
  try {
    return await detectAndParse(bytes, hints);
  } catch (err) {
    return { format: 'structured', events: [], error: `structured parser failed: ${(err as Error)?.message ?? String(err)}` };
  }
}

async function detectAndParse(bytes: Uint8Array, hints: StructuredHints): Promise<ParseResult | null> {
  if (bytes.length === 0) return null;
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    if (bytes.length > MAX_STRUCTURED_BYTES) return { format: 'json', events: [], error: `JSON report too large (${bytes.length} bytes)` };
    return parseStructuredJson(new TextDecoder('utf-8').decode(bytes), hints);
  }
  if (bytes.length > MAX_STRUCTURED_BYTES) return null;
  const text = new TextDecoder('utf-8').decode(bytes);
  const csv = parseCsvReport(text, hints);
  if (csv) return csv;
  return null;
}
