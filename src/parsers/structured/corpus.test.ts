import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../domain/event.js';
import { pct, score, type LabelRow, type Outcome } from './corpus-score.util.js';
import { parseStructured } from './index.js';

/**
 * The structured rows of the shared corpus: XARF JSON, Shadowserver and other CSVs, and the mails
 * that only carry a zipped Shadowserver CSV (their attachments handed to parseStructured the way
 * the mail dispatcher does). Figures are counted the way tools/score.py counts them.
 */
const corpus = resolve(process.cwd(), '../shared/corpus');
const rows: LabelRow[] = readFileSync(resolve(corpus, 'LABELS.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'))
  .map(([path, format, categories, expect, resources]) => ({ path, format, categories, expect, resources }))
  .filter(
    (r) =>
      /xarf-v[34]|shadowserver|acns|safebrowsing/.test(r.format) ||
      r.path.endsWith('.csv') ||
      r.path.endsWith('.json') ||
      /\/(shadowserver|us_cert\.shadowserver|abusehub|acns|torrent_markmonitor|dmarc_xml|xarf2event|herrbischoff)[^/]*\.eml$/.test(r.path),
  );

async function outcomeOf(path: string): Promise<Outcome> {
  const bytes = readFileSync(resolve(corpus, path));
  const name = path.split('/').pop()!;
  if (!name.endsWith('.eml')) {
    const r = await parseStructured(bytes, { filename: name, receivedAt: '2020-01-01T00:00:00Z' });
    return { events: r?.events ?? [], error: r ? r.error : 'not recognized' };
  }
  const mail = await simpleParser(bytes);
  const events: NormalizedEvent[] = [];
  const errors: string[] = [];
  const receivedAt = mail.date?.toISOString();
  const parts = [
    ...mail.attachments.map((a) => ({ bytes: a.content as Uint8Array, filename: a.filename, contentType: a.contentType })),
    ...(mail.text ? [{ bytes: new TextEncoder().encode(mail.text), filename: undefined, contentType: 'text/plain' }] : []),
  ];
  for (const p of parts) {
    const r = await parseStructured(p.bytes, { filename: p.filename, contentType: p.contentType, receivedAt });
    if (r) events.push(...r.events);
    if (r?.error) errors.push(r.error);
  }
  return { events, error: events.length ? null : errors[0] ?? 'no structured part' };
}

describe('structured corpus rows', () => {
  it('meets the bar: category and resources >= 95%, every expect=error rejected', async () => {
    const outcomes = new Map<string, Outcome>();
    for (const r of rows) outcomes.set(r.path, await outcomeOf(r.path));
    const f = score(rows, outcomes);
    console.log(
      `structured corpus: ${rows.length} rows; category ${pct(f.cat).toFixed(1)}% of ${f.cat.n}; resources ${pct(f.res).toFixed(1)}% of ${f.res.n}; ` +
        `expect=error rejected ${f.error.ok}/${f.error.n}; expect=none ${f.none.ok}/${f.none.n}\n  misses: ${f.misses.slice(0, 20).join('\n          ')}`,
    );
    expect(rows.length).toBeGreaterThan(200);
    expect(pct(f.cat)).toBeGreaterThanOrEqual(95);
    expect(pct(f.res)).toBeGreaterThanOrEqual(95);
    expect(f.error.n).toBeGreaterThanOrEqual(50);
    expect(f.error.ok).toBe(f.error.n);
    for (const [path, o] of outcomes) {
      if (o.error && rows.find((r) => r.path === path)?.expect === 'error') expect(o.error.length).toBeGreaterThan(10);
    }
  }, 120_000);
});
