import type { NormalizedEvent } from '../../domain/event.js';
import type { ParseResult } from '../types.js';
import { ArchiveLimitError, gunzipLimited, unzipLimited } from './archive.util.js';
import type { StructuredHints } from './event.util.js';

type Inner = (bytes: Uint8Array, hints: StructuredHints, depth: number) => Promise<ParseResult | null>;

/** Archives nest at most this deep (a zip in a zip is seen; deeper is refused). */
const MAX_DEPTH = 2;

/**
 * A zip archive: every entry parsed as a structured report of its own, events merged. Null when
 * no entry is a format we know, so the caller can treat the attachment as opaque evidence.
 */
export async function parseZip(bytes: Uint8Array, hints: StructuredHints, depth: number, inner: Inner): Promise<ParseResult | null> {
  if (depth >= MAX_DEPTH) return { format: 'zip', events: [], error: 'zip archive nested too deeply' };
  let entries;
  try {
    entries = unzipLimited(bytes);
  } catch (err) {
    return { format: 'zip', events: [], error: (err as Error).message };
  }
  const events: NormalizedEvent[] = [];
  const formats = new Set<string>();
  const errors: string[] = [];
  let recognized = 0;
  for (const entry of entries) {
    const r = await inner(entry.data, { ...hints, filename: entry.name.split('/').pop() }, depth + 1);
    if (!r) continue;
    recognized++;
    formats.add(r.format);
    for (const e of r.events) events.push(e);
    if (r.error) errors.push(`${entry.name}: ${r.error}`);
  }
  if (!recognized) return null;
  const format = formats.size === 1 ? [...formats][0] : 'zip';
  return { format, events, error: events.length === 0 && errors.length ? errors.join('; ') : null };
}

export async function parseGzip(bytes: Uint8Array, hints: StructuredHints, depth: number, inner: Inner): Promise<ParseResult | null> {
  if (depth >= MAX_DEPTH) return { format: 'gzip', events: [], error: 'gzip data nested too deeply' };
  let data: Uint8Array;
  try {
    data = gunzipLimited(bytes);
  } catch (err) {
    return { format: 'gzip', events: [], error: err instanceof ArchiveLimitError ? err.message : (err as Error).message };
  }
  return inner(data, { ...hints, filename: hints.filename?.replace(/\.gz$/i, '') }, depth + 1);
}
