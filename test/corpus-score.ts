import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NormalizedEvent } from '../src/domain/event.js';
import { canonicalIp } from '../src/domain/ip.js';
import { parseReport } from '../src/parsers/index.js';
import type { ParseResult } from '../src/parsers/types.js';

/**
 * Scores parseReport over the shared corpus exactly like ../shared/corpus/tools/score.py:
 * the most frequent category against the label (with the compatible pairs), every listed
 * resource found, no events for expect=none; plus expect=error rejected with a reason.
 */

export const CORPUS_DIR = path.resolve(process.cwd(), '../shared/corpus');

export interface LabelRow {
  path: string;
  format: string;
  categories: string;
  expect: string;
  resources: string;
}

export interface RowOutcome {
  row: LabelRow;
  result: ParseResult;
  categoryOk: boolean | null;
  got: string | null;
  resourcesMissed: string[];
  /** Missed only because LABELS.tsv writes an IPv6 address uncompressed and events carry RFC 5952 text. */
  ipv6FormOnly: number;
  resourcesTotal: number;
  noneOk: boolean | null;
  errorOk: boolean | null;
}

export interface CorpusFigures {
  samples: number;
  errors: number;
  category: { ok: number; n: number; strict: number; pct: number };
  resources: { hit: number; n: number; pct: number };
  none: { ok: number; n: number; pct: number };
  rejected: { ok: number; n: number };
  rows: RowOutcome[];
  millis: number;
}

const COMPATIBLE = [new Set(['spam', 'spamvertising']), new Set(['malware', 'compromised-host']), new Set(['phishing', 'fraud'])];
const compatible = (expected: string, got: string | null) =>
  expected === got || (got !== null && COMPATIBLE.some((s) => s.has(expected) && s.has(got)));

function normUrl(u: string): string {
  return u.trim().toLowerCase().replace(/^hxxp/, 'http').replaceAll('[.]', '.').replace(/^https?:\/\//, '').replace(/\/+$/, '');
}
const hostOfNorm = (u: string) => normUrl(u).split('/')[0].split(':')[0];

export function readLabels(): LabelRow[] {
  const lines = readFileSync(path.join(CORPUS_DIR, 'LABELS.tsv'), 'utf8').split('\n').filter((l) => l.trim());
  const head = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const cells = l.split('\t');
    const get = (k: string) => cells[head.indexOf(k)] ?? '';
    return { path: get('path'), format: get('format'), categories: get('categories'), expect: get('expect'), resources: get('resources') };
  });
}

function mostFrequent(events: NormalizedEvent[]): string | null {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.category, (counts.get(e.category) ?? 0) + 1);
  let best: string | null = null;
  let n = 0;
  for (const [k, v] of counts) if (v > n) { best = k; n = v; }
  return best;
}

export function scoreRow(row: LabelRow, result: ParseResult): RowOutcome {
  const evs = result.events ?? [];
  const out: RowOutcome = { row, result, categoryOk: null, got: null, resourcesMissed: [], ipv6FormOnly: 0, resourcesTotal: 0, noneOk: null, errorOk: null };
  if (row.expect === 'error') out.errorOk = evs.length === 0 && typeof result.error === 'string' && result.error.length > 0;
  if (row.expect === 'none') {
    out.noneOk = evs.length === 0;
    return out;
  }
  if (row.categories) {
    const got = mostFrequent(evs);
    out.got = got;
    out.categoryOk = row.categories.split(';').some((x) => compatible(x, got));
  }
  if (row.resources) {
    const ips = new Set(evs.filter((e) => e.ip).map((e) => String(e.ip).toLowerCase()));
    const urls = new Set(evs.filter((e) => e.url).map((e) => normUrl(e.url!)));
    const hosts = new Set([...evs.filter((e) => e.url).map((e) => hostOfNorm(e.url!)), ...evs.filter((e) => e.domain).map((e) => String(e.domain).toLowerCase())]);
    for (const x of row.resources.split(/\s+/).filter(Boolean)) {
      out.resourcesTotal++;
      let hit: boolean;
      if ((/^[0-9a-f:.]+$/.test(x.toLowerCase()) && x.includes(':')) || /^\d+\.\d+\.\d+\.\d+$/.test(x)) hit = ips.has(x.toLowerCase());
      else if (x.includes('@') && !x.includes('/')) hit = evs.some((e) => String(e.email ?? '').toLowerCase() === x.toLowerCase());
      else hit = urls.has(normUrl(x)) || (!normUrl(x).includes('/') && hosts.has(hostOfNorm(x)));
      if (!hit) {
        out.resourcesMissed.push(x);
        const canon = x.includes(':') ? canonicalIp(x) : null;
        if (canon && canon !== x.toLowerCase() && ips.has(canon)) out.ipv6FormOnly++;
      }
    }
  }
  return out;
}

export async function scoreCorpus(filter?: (row: LabelRow) => boolean): Promise<CorpusFigures> {
  const rows = readLabels().filter((r) => (filter ? filter(r) : true));
  const started = performance.now();
  const outcomes: RowOutcome[] = [];
  for (const row of rows) {
    const bytes = readFileSync(path.join(CORPUS_DIR, row.path));
    const result = await parseReport(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { filename: path.basename(row.path) });
    outcomes.push(scoreRow(row, result));
  }
  const millis = performance.now() - started;
  const pct = (a: number, b: number) => (b ? (100 * a) / b : 100);
  const cat = outcomes.filter((o) => o.categoryOk !== null);
  const catOk = cat.filter((o) => o.categoryOk).length;
  const strict = cat.filter((o) => o.row.categories.split(';').includes(o.got ?? '')).length;
  const resN = outcomes.reduce((s, o) => s + o.resourcesTotal, 0);
  const resHit = resN - outcomes.reduce((s, o) => s + o.resourcesMissed.length, 0);
  const none = outcomes.filter((o) => o.noneOk !== null);
  const noneOk = none.filter((o) => o.noneOk).length;
  const rej = outcomes.filter((o) => o.errorOk !== null);
  return {
    samples: rows.length,
    errors: outcomes.filter((o) => o.result.error).length,
    category: { ok: catOk, n: cat.length, strict, pct: pct(catOk, cat.length) },
    resources: { hit: resHit, n: resN, pct: pct(resHit, resN) },
    none: { ok: noneOk, n: none.length, pct: pct(noneOk, none.length) },
    rejected: { ok: rej.filter((o) => o.errorOk).length, n: rej.length },
    rows: outcomes,
    millis,
  };
}

/** The figures as score.py prints them, plus the rejection line and the misses for a reader. */
export function formatFigures(f: CorpusFigures, misses = 30): string {
  const lines = [
    `samples ${f.samples}; errors ${f.errors}; ${(f.samples / (f.millis / 1000)).toFixed(0)} reports/s`,
    `category ${f.category.pct.toFixed(1)}% of ${f.category.n} (strict ${((100 * f.category.strict) / Math.max(1, f.category.n)).toFixed(1)}%)`,
    `resources ${f.resources.pct.toFixed(1)}% of ${f.resources.n} (${f.rows.reduce((n, o) => n + o.ipv6FormOnly, 0)} of the misses are IPv6 addresses the label writes uncompressed; their RFC 5952 form was found)`,
    `not-actionable ${f.none.pct.toFixed(1)}% of ${f.none.n}`,
    `expect=error rejected with a reason: ${f.rejected.ok} of ${f.rejected.n}`,
  ];
  const bad = f.rows.filter((o) => o.categoryOk === false || o.resourcesMissed.length || o.noneOk === false || o.errorOk === false);
  for (const o of bad.slice(0, misses)) {
    const why = [
      o.categoryOk === false ? `category ${o.row.categories} got ${o.got}` : '',
      o.resourcesMissed.length ? `missed ${o.resourcesMissed.length}/${o.resourcesTotal}: ${o.resourcesMissed.slice(0, 3).join(' ').slice(0, 160)}` : '',
      o.noneOk === false ? `expected none, got ${o.result.events.length} events` : '',
      o.errorOk === false ? `expected rejection, got ${o.result.events.length} events, error ${o.result.error}` : '',
    ].filter(Boolean);
    lines.push(`  miss ${o.row.path} [${o.result.format}]: ${why.join('; ')}`);
  }
  return lines.join('\n');
}
