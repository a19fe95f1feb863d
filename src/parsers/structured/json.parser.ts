import type { ParseResult } from '../types.js';
import type { StructuredHints } from './event.util.js';
import { looksLikeIodefJson, parseIodef } from './iodef.parser.js';
import { looksLikeXarfV3, parseXarfV3 } from './xarf-v3.parser.js';
import { looksLikeXarfV4, parseXarfV4 } from './xarf-v4.parser.js';

/** JSON documents: XARF v4, XARF v3, JSON-IODEF. Null when the JSON is none of them. */
export function parseStructuredJson(text: string, hints: StructuredHints): ParseResult | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    // Only claim broken JSON when it says it is a report; otherwise let another parser try.
    if (/"xarf_version"|"ReporterInfo"|"IODEF-Document"/.test(text.slice(0, 65536))) {
      return { format: 'json', events: [], error: `malformed JSON report: ${(err as Error).message}` };
    }
    return null;
  }
  if (looksLikeXarfV4(doc)) return parseXarfV4(doc, hints);
  if (looksLikeXarfV3(doc)) return parseXarfV3(doc, hints);
  if (looksLikeIodefJson(doc)) return parseIodef(doc, hints);
  return null;
}
