/**
 * Parse rate of the whole shared corpus (every report listed in ../shared/corpus/LABELS.tsv):
 * reports per second through parseReport, beside mailparser's simpleParser over the same bytes
 * in the same run (a bare MIME parse, no format detection or events). Files are read into memory
 * first: this measures parsing, not the disk. Best of three rounds after a warm-up round.
 *
 *   npm run bench -- corpus
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { parseReport } from '../src/parsers/index.js';

const corpus = resolve(process.cwd(), '../shared/corpus');
const rows = readFileSync(resolve(corpus, 'LABELS.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[0]);
const reports = rows.map((p) => ({ name: basename(p), bytes: readFileSync(resolve(corpus, p)) }));
const bytes = reports.reduce((n, r) => n + r.bytes.length, 0);

async function round(fn: (r: (typeof reports)[number]) => Promise<unknown>): Promise<number> {
  const t = performance.now();
  for (const r of reports) await fn(r);
  return reports.length / ((performance.now() - t) / 1000);
}

async function best(fn: (r: (typeof reports)[number]) => Promise<unknown>): Promise<number> {
  await round(fn);
  let top = 0;
  for (let i = 0; i < 3; i++) top = Math.max(top, await round(fn));
  return top;
}

let events = 0;
let errors = 0;
const counted = new Set<string>();
const ours = await best(async (r) => {
  const res = await parseReport(r.bytes, { filename: r.name, receivedAt: '2026-11-30T00:00:00Z' });
  if (!counted.has(r.name)) {
    counted.add(r.name);
    events += res.events.length;
    if (res.error) errors++;
  }
});
const bare = await best((r) => simpleParser(r.bytes));

console.log(`${reports.length} corpus reports, ${(bytes / 1048576).toFixed(1)} MB (${events} events, ${errors} rejected with a reason)`);
console.log(`bare MIME parsing (simpleParser)  ${bare.toFixed(0).padStart(6)} reports/s`);
console.log(`parseReport (detect + parse)      ${ours.toFixed(0).padStart(6)} reports/s   ${((bytes / 1048576) * (ours / reports.length)).toFixed(1)} MB/s`);
console.log(`parseReport / bare MIME parsing: ${(ours / bare).toFixed(2)}x`);
