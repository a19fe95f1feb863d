import type { ParseResult } from '../types.js';
import type { NormalizedEvent } from '../../domain/event.js';
import type { StructuredHints } from './event.util.js';
import { shadowserverMapper } from './shadowserver.mapper.js';
import { genericTableMapper } from './table.mapper.js';
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
  const rows = jsonRows(doc);
  if (rows) return parseJsonRows(rows, hints);
  return null;
}

/** The JSON object starting at `start` (string-aware brace matching), or null when it does not close. */
function balancedObject(text: string, start: number, max = 4 * 1024 * 1024): string | null {
  let depth = 0;
  let inString = false;
  const end = Math.min(text.length, start + max);
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return text.slice(start, i + 1);
  }
  return null;
}

/**
 * XARF JSON pasted into a mail body between prose (some senders put the document inline under a
 * banner). Only objects that name XARF's own keys are tried; null when there is none.
 */
export function extractJsonReports(text: string, hints: StructuredHints): ParseResult | null {
  if (!/"(?:ReporterInfo|xarf_version)"/.test(text)) return null;
  const results: ParseResult[] = [];
  let from = 0;
  for (let tries = 0; tries < 20; tries++) {
    const at = text.indexOf('{', from);
    if (at < 0) break;
    const obj = balancedObject(text, at);
    if (!obj) break;
    from = at + obj.length;
    if (!/"(?:ReporterInfo|xarf_version)"/.test(obj)) {
      from = at + 1;
      continue;
    }
    const r = parseStructuredJson(obj, hints);
    if (r) results.push(r);
  }
  if (!results.length) return null;
  const events = results.flatMap((r) => r.events);
  return { format: results[0].format, events, error: events.length ? null : results.find((r) => r.error)?.error ?? null };
}

const MAX_JSON_ROWS = 100_000;

/** A JSON feed of flat records: a top-level array, or the array under `events`/`data`/`results`. */
function jsonRows(doc: unknown): Record<string, unknown>[] | null {
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' ? ['events', 'data', 'results', 'items'].map((k) => (doc as Record<string, unknown>)[k]).find(Array.isArray) : null;
  if (!list || !list.length || typeof list[0] !== 'object' || list[0] === null || Array.isArray(list[0])) return null;
  return list as Record<string, unknown>[];
}

/** Flat JSON records read like a CSV table whose header is the first record's keys. */
function parseJsonRows(rows: Record<string, unknown>[], hints: StructuredHints): ParseResult | null {
  const header = Object.keys(rows[0]).slice(0, 512);
  const mapper = shadowserverMapper(header, hints) ?? genericTableMapper(header, hints, 'json-feed');
  if (!mapper) return null;
  if (rows.length > MAX_JSON_ROWS) return { format: mapper.format, events: [], error: `JSON feed has more than ${MAX_JSON_ROWS} records` };
  const events: NormalizedEvent[] = [];
  for (const row of rows) {
    if (!row || typeof row !== 'object') continue;
    mapper.map(header.map((h) => (row[h] === undefined || row[h] === null ? '' : typeof row[h] === 'object' ? JSON.stringify(row[h]) : String(row[h]))), events);
  }
  return { format: mapper.format === 'shadowserver-csv' ? 'shadowserver-json' : mapper.format, events, error: null };
}
