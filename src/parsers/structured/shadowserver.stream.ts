import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { Unzip, UnzipInflate } from 'fflate';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import type { NormalizedEvent } from '../../domain/event.js';
import { csvOptions, mapperFor, sniffDelimiter, MAX_CSV_COLUMNS } from './csv.parser.js';
import type { StructuredHints } from './event.util.js';
import type { RowMapper } from './shadowserver.mapper.js';

/** Events are handed out in batches of about this many: one database transaction's worth. */
const BATCH = 1000;

type Input = AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

/** A clear failure of a streamed CSV (unknown header, hostile record): the pipeline stores its message. */
export class CsvStreamError extends Error {}

/**
 * Streams a (possibly gzip- or zip-compressed) Shadowserver or other known CSV table into batches of
 * events, holding one parser buffer and one batch in memory whatever the file's size. The pipeline
 * stores a batch per transaction; `streamShadowserverCsv` flattens these for simple consumers.
 */
export async function* streamCsvBatches(input: Input, hints: StructuredHints = {}): AsyncGenerator<NormalizedEvent[]> {
  const source = await openSource(input);
  const parser = parse(csvOptions(source.delimiter));
  source.stream.on('error', (err) => parser.destroy(err));
  source.stream.pipe(parser);
  let mapper: RowMapper | null = null;
  let batch: NormalizedEvent[] = [];
  try {
    for await (const rec of parser as AsyncIterable<string[]>) {
      if (!mapper) {
        if (rec.length > MAX_CSV_COLUMNS) throw new CsvStreamError(`CSV header has ${rec.length} columns: not a report table`);
        mapper = mapperFor(rec, hints);
        if (!mapper) throw new CsvStreamError(`not a Shadowserver or other known CSV report (header: ${rec.slice(0, 8).join(',').slice(0, 200)})`);
        continue;
      }
      mapper.map(rec, batch);
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (err) {
    if (err instanceof CsvStreamError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'CSV_MAX_RECORD_SIZE') throw new CsvStreamError(`CSV record larger than the limit: refused as hostile or broken (${(err as Error).message})`);
    throw new CsvStreamError(`malformed CSV: ${(err as Error).message}`);
  } finally {
    source.stream.unpipe?.(parser);
    if (!parser.destroyed) parser.destroy();
    (source.stream as Readable).destroy?.();
  }
  if (batch.length) yield batch;
}

/** The streaming API for one big Shadowserver CSV: events one by one, in file order. */
export async function* streamShadowserverCsv(input: Input, hints: StructuredHints = {}): AsyncGenerator<NormalizedEvent> {
  for await (const batch of streamCsvBatches(input, hints)) yield* batch;
}

/**
 * Reads chunks until `enough` says the bytes so far suffice (or the input ends), and returns them
 * with a stream that replays them followed by the rest of the input.
 */
async function peek(iterator: AsyncIterator<unknown>, enough: (b: Buffer) => boolean): Promise<{ head: Buffer; replay: AsyncGenerator<Uint8Array> }> {
  const chunks: Buffer[] = [];
  let head = Buffer.alloc(0);
  while (!enough(head)) {
    const n = await iterator.next();
    if (n.done) break;
    chunks.push(Buffer.from(toBytes(n.value)));
    head = Buffer.concat(chunks);
  }
  const replay = async function* () {
    if (head.length) yield head;
    for (;;) {
      const n = await iterator.next();
      if (n.done) return;
      yield toBytes(n.value);
    }
  };
  return { head, replay: replay() };
}

/** Peeks at the first bytes to choose zip, gzip or plain, and at the first line for the delimiter. */
async function openSource(input: Input): Promise<{ stream: Readable; delimiter: string }> {
  const source = (Symbol.asyncIterator in (input as object) ? (input as AsyncIterable<Uint8Array>) : Readable.from(input as NodeJS.ReadableStream))[Symbol.asyncIterator]();
  const raw = await peek(source, (b) => b.length >= 4);
  const m = raw.head;
  const zip = m[0] === 0x50 && m[1] === 0x4b && m[2] === 3 && m[3] === 4;
  const gzip = m[0] === 0x1f && m[1] === 0x8b;
  const decoded: Readable = zip ? unzipFirstEntry(raw.replay) : gzip ? Readable.from(raw.replay).pipe(createGunzip()) : Readable.from(raw.replay);
  // The delimiter is read from the first line of the (inflated) text.
  const text = await peek(decoded[Symbol.asyncIterator](), (b) => b.includes(10) || b.length >= 65536);
  const line = /^\uFEFF?([^\r\n]*)/.exec(text.head.subarray(0, 65536).toString('utf8'))?.[1] ?? '';
  return { stream: Readable.from(text.replay, { objectMode: false }), delimiter: sniffDelimiter(line) };
}

/** Inflated bytes past this from one streamed archive are refused (a real report is far smaller). */
const MAX_STREAM_INFLATED = 8 * 1024 ** 3;

/**
 * The first file of a zip archive (Shadowserver mails one CSV per zip), inflated as it streams.
 * Output is paced by the consumer: after each input chunk we wait until the parser has drained.
 */
function unzipFirstEntry(chunks: AsyncIterable<Uint8Array>): Readable {
  const out = new PassThrough();
  const uz = new Unzip();
  uz.register(UnzipInflate);
  let picked = false;
  let inflated = 0;
  uz.onfile = (file) => {
    if (picked || file.name.endsWith('/')) return;
    picked = true;
    file.ondata = (err, chunk, final) => {
      if (err) return void out.destroy(new CsvStreamError(`corrupt zip entry ${file.name}: ${err.message}`));
      inflated += chunk.length;
      if (inflated > MAX_STREAM_INFLATED) {
        file.terminate();
        return void out.destroy(new CsvStreamError(`zip entry ${file.name} inflates past ${MAX_STREAM_INFLATED} bytes: refused as a zip bomb`));
      }
      out.write(chunk);
      if (final) out.end();
    };
    file.start();
  };
  (async () => {
    for await (const chunk of chunks) {
      if (out.destroyed) return;
      uz.push(chunk);
      if (out.writableNeedDrain) await once(out, 'drain');
    }
    uz.push(new Uint8Array(0), true);
    if (!picked) out.destroy(new CsvStreamError('zip archive holds no file'));
  })().catch((err: Error) => out.destroy(err instanceof CsvStreamError ? err : new CsvStreamError(`corrupt zip archive: ${err.message}`)));
  return out;
}

function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  throw new CsvStreamError('stream yielded something other than bytes');
}
