import type { NormalizedEvent } from '../../domain/event.js';

/**
 * The figures `shared/corpus/tools/score.py` computes, for use in tests: category agreement
 * (most frequent event category vs the label, with the same accepted pairs), resources found,
 * not-actionable rows without events, expect=error rows rejected.
 */
export interface LabelRow {
  path: string;
  categories: string;
  expect: string;
  resources: string;
}

export interface Outcome {
  events: NormalizedEvent[];
  error: string | null;
}

const COMPATIBLE = [['spam', 'spamvertising'], ['malware', 'compromised-host'], ['phishing', 'fraud']];
const compatible = (exp: string, got: string | null) => exp === got || COMPATIBLE.some((s) => s.includes(exp) && got !== null && s.includes(got));

const normUrl = (u: string) => u.trim().toLowerCase().replace(/^hxxp/, 'http').replaceAll('[.]', '.').replace(/^https?:\/\//, '').replace(/\/+$/, '');
const hostOf = (u: string) => normUrl(u).split('/')[0].split(':')[0];

export interface Figures {
  cat: { ok: number; n: number };
  res: { ok: number; n: number };
  none: { ok: number; n: number };
  error: { ok: number; n: number };
  misses: string[];
}

export function score(rows: LabelRow[], outcomes: Map<string, Outcome>): Figures {
  const f: Figures = { cat: { ok: 0, n: 0 }, res: { ok: 0, n: 0 }, none: { ok: 0, n: 0 }, error: { ok: 0, n: 0 }, misses: [] };
  for (const r of rows) {
    const o = outcomes.get(r.path) ?? { events: [], error: 'no output' };
    const evs = o.events;
    if (r.expect === 'error') {
      f.error.n++;
      if (o.error && evs.length === 0) f.error.ok++;
      else f.misses.push(`${r.path}: expected an error`);
      continue;
    }
    if (r.expect === 'none') {
      f.none.n++;
      if (evs.length === 0) f.none.ok++;
      else f.misses.push(`${r.path}: expected no events`);
      continue;
    }
    if (r.categories) {
      f.cat.n++;
      const counts = new Map<string, number>();
      for (const e of evs) counts.set(e.category, (counts.get(e.category) ?? 0) + 1);
      const got = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
      if (r.categories.split(';').some((x) => compatible(x, got))) f.cat.ok++;
      else f.misses.push(`${r.path}: category ${r.categories} got ${got}`);
    }
    if (r.resources) {
      const ips = new Set(evs.filter((e) => e.ip).map((e) => String(e.ip).toLowerCase()));
      const urls = new Set(evs.filter((e) => e.url).map((e) => normUrl(e.url!)));
      const hosts = new Set([...evs.filter((e) => e.url).map((e) => hostOf(e.url!)), ...evs.filter((e) => e.domain).map((e) => String(e.domain).toLowerCase())]);
      for (const x of r.resources.split(/\s+/).filter(Boolean)) {
        f.res.n++;
        const lx = x.toLowerCase();
        let hit: boolean;
        if ((/^[0-9a-f:.]+$/.test(lx) && lx.includes(':')) || /^\d+\.\d+\.\d+\.\d+$/.test(lx)) hit = ips.has(lx);
        else if (x.includes('@') && !x.includes('/')) hit = evs.some((e) => String(e.email ?? '').toLowerCase() === lx);
        else hit = urls.has(normUrl(x)) || (!normUrl(x).includes('/') && hosts.has(hostOf(x)));
        if (hit) f.res.ok++;
        else f.misses.push(`${r.path}: resource ${x} not found`);
      }
    }
  }
  return f;
}

export const pct = (x: { ok: number; n: number }) => (x.n ? (100 * x.ok) / x.n : 100);
