import { parse as parseSync, CsvError } from 'csv-parse/sync';
import type { NormalizedEvent } from '../../domain/event.js';
import type { ParseResult } from '../types.js';
import type { StructuredHints } from './event.util.js';
import { shadowserverMapper, type RowMapper } from './shadowserver.mapper.js';
import { genericTableMapper } from './table.mapper.js';

/** A single CSV record above this is hostile or broken, not a report row. */
export const MAX_CSV_RECORD_BYTES = 256 * 1024;
/** Columns in a header above this: not a report table. */
export const MAX_CSV_COLUMNS = 512;
/** Rows held in memory by the one-shot parser; larger tables go through the streaming API. */
export const MAX_CSV_ROWS_IN_MEMORY = 100_000;

export function csvOptions(delimiter: string) {
  return {
    bom: true,
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_CSV_RECORD_BYTES,
  } as const;
}

/** The delimiter of a header line: the one of , ; tab | that splits it into the most cells. */
export function sniffDelimiter(line: string): string {
  let best = ',';
  let bestN = 0;
  for (const d of [',', ';', '\t', '|']) {
    const n = line.split(d).length;
    if (n > bestN) {
      best = d;
      bestN = n;
    }
  }
  return best;
}

/** The first line, read as a CSV header, or null when it does not look like one. */
export function readHeader(text: string): { header: string[]; delimiter: string } | null {
  const firstLine = /^\uFEFF?\s*([^\r\n]{1,65536})/.exec(text)?.[1];
  if (!firstLine) return null;
  const delimiter = sniffDelimiter(firstLine);
  let header: string[];
  try {
    header = (parseSync(firstLine, { ...csvOptions(delimiter), to_line: 1 }) as string[][])[0] ?? [];
  } catch {
    return null;
  }
  if (header.length < 2 || header.length > MAX_CSV_COLUMNS) return null;
  // Header cells are short names; a line of prose or data is not a header.
  if (header.some((h) => h.length > 64) || header.filter((h) => /^[\w .&()/-]+$/.test(h.trim())).length < header.length * 0.8) return null;
  return { header, delimiter };
}

/** The mapper for a recognized header: Shadowserver first (its columns are specific), then generic tables. */
export function mapperFor(header: string[], hints: StructuredHints): RowMapper | null {
  return shadowserverMapper(header, hints) ?? genericTableMapper(header, hints);
}

/** Pipe tables (Clean-MX and other mailers) frame each row with `|`: drop the frame and rule lines. */
function unframePipes(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((l) => !/^\s*\|?[\s|:+=-]*$/.test(l) || !l.includes('-'))
    .map((l) => l.replace(/^\s*\|/, '').replace(/\|\s*$/, ''))
    .join('\n');
}

/**
 * Where a table starts: the first line, or (for a mail body with a few lines of prose before a
 * table) the first of the leading lines that reads as a header of a table we know.
 */
function locateTable(text: string, hints: StructuredHints): { body: string; header: string[]; delimiter: string; mapper: RowMapper; inline: boolean } | null {
  const lines = text.split(/\r?\n/, 300);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (i > 0 && !/[,;\t|].*[,;\t|]/.test(line)) continue;
    // Feed-style text files announce their columns in a comment line ("#category|address|...").
    const commented = /^\s*#\s*[\w"]/.test(line);
    const bare = commented ? line.replace(/^\s*#\s*/, '') : line;
    const delimiter = sniffDelimiter(bare);
    const candidate = delimiter === '|' ? bare.trim().replace(/^\|/, '').replace(/\|$/, '') : bare;
    const head = readHeader(candidate);
    if (!head) {
      continue;
    }
    const header = delimiter === '|' ? head.header.map((h) => h.trim()) : head.header;
    const mapper = mapperFor(header, hints);
    if (!mapper) continue;
    let rest = i === 0 ? text : text.slice(lineOffset(text, i));
    // The header without its comment mark, then the rows without the other comment lines.
    if (commented) rest = [candidate, ...rest.split(/\r?\n/).slice(1).filter((l) => !/^\s*#/.test(l))].join('\n');
    return { body: delimiter === '|' ? unframePipes(rest) : rest, header, delimiter: delimiter === '|' ? '|' : head.delimiter, mapper, inline: i > 0 };
  }
  return null;
}

function lineOffset(text: string, line: number): number {
  let at = 0;
  for (let k = 0; k < line; k++) at = text.indexOf('\n', at) + 1;
  return at;
}

/** One-shot parse of a CSV report held in memory. Null when the header is not one we know. */
export function parseCsvReport(text: string, hints: StructuredHints): ParseResult | null {
  const table = locateTable(text, hints);
  if (!table) return null;
  const { mapper } = table;
  let records: string[][];
  try {
    // Stop one row past the limit: a hostile file of millions of tiny rows must not become millions of arrays.
    records = parseSync(table.body, { ...csvOptions(table.delimiter), from_line: 2, to_line: MAX_CSV_ROWS_IN_MEMORY + 2, trim: table.delimiter === '|' }) as string[][];
  } catch (err) {
    // A table found inside prose is only a guess: when it does not parse, it was not one.
    if (table.inline) return null;
    return { format: mapper.format, events: [], error: csvErrorReason(err) };
  }
  if (records.length > MAX_CSV_ROWS_IN_MEMORY) {
    return { format: mapper.format, events: [], error: `CSV has more than ${MAX_CSV_ROWS_IN_MEMORY} rows, more than a single report may hold in memory; ingest it through the streaming CSV intake` };
  }
  const events: NormalizedEvent[] = [];
  for (const rec of records) mapper.map(rec, events);
  if (table.inline && !events.length) return null;
  return { format: mapper.format, events, error: null };
}

export function csvErrorReason(err: unknown): string {
  if (err instanceof CsvError) {
    if (err.code === 'CSV_MAX_RECORD_SIZE') return `CSV record larger than ${MAX_CSV_RECORD_BYTES} bytes (line ${(err as CsvError & { lines?: number }).lines ?? '?'}): refused as hostile or broken`;
    return `malformed CSV: ${err.message}`;
  }
  return `malformed CSV: ${(err as Error)?.message ?? String(err)}`;
}
