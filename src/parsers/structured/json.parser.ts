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
    // JSON lines (one record per line), as many feeds deliver them.
    const lines = jsonLines(text);
    if (lines) return parseJsonRows(lines, hints);
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

/** Records of a JSON-lines text, or null when its lines are not (almost all) JSON objects. */
function jsonLines(text: string): Record<string, unknown>[] | null {
  const lines = text.split(/\r?\n/, MAX_JSON_ROWS + 1).filter((l) => l.trim());
  if (lines.length < 2 || lines.length > MAX_JSON_ROWS) return null;
  const rows: Record<string, unknown>[] = [];
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith('{')) return null;
    try {
      const v = JSON.parse(t) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) rows.push(v as Record<string, unknown>);
    } catch {
      return null;
    }
  }
  return rows.length ? rows : null;
}

/** One level of nesting flattened ("source": {"ip": ..} -> "source_ip"), as feeds nest their fields. */
function flatten(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) if (!(`${k}_${k2}` in out)) out[`${k}_${k2}`] = v2;
    } else out[k] = v;
  }
  return out;
}

/** Flat JSON records read like a CSV table whose header is the first record's keys. */
function parseJsonRows(input: Record<string, unknown>[], hints: StructuredHints): ParseResult | null {
  const nested = Object.values(input[0]).some((v) => v && typeof v === 'object' && !Array.isArray(v));
  const rows = nested ? input.slice(0, MAX_JSON_ROWS + 1).map(flatten) : input;
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
