import { expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock.js';
import { describeEachEngine } from '../support/databases.js';
import { openDesk } from '../support/desk.js';
import { arfReport } from '../support/fixtures.js';

describeEachEngine('ingest', (db) => {
  it('stores concurrent submissions in shared commits, each once, duplicates in one commit included', async () => {
    const desk = await openDesk(db(), { clock: new FakeClock('2025-05-01T12:00:00Z') });
    const reports = Array.from({ length: 60 }, (_, i) => Buffer.from(arfReport({ ip: `198.51.100.${i % 40}`, arrival: `2025-04-01T10:${String(i % 40).padStart(2, '0')}:00Z` })));
    const commits: number[] = [];
    const original = desk.database.db.transaction.bind(desk.database.db);
    (desk.database.db as { transaction: typeof original }).transaction = () => {
      commits.push(1);
      return original();
    };
    const receipts = await Promise.all(reports.map((raw) => desk.ingest.submit({ raw, channel: 'smtp' })));
    expect(new Set(receipts.map((r) => r.reportId)).size).toBe(40);
    expect(receipts.filter((r) => r.duplicate)).toHaveLength(20);
    expect(commits.length).toBeLessThan(60);
    expect(await desk.reports.list({ limit: 1000 })).toHaveLength(40);
    await desk.close();
  });

  it('tells every caller of a failed commit that nothing was stored', async () => {
    const desk = await openDesk(db());
    const bad = { raw: Buffer.from('x'), channel: 'smtp', meta: { loop: 1n } as unknown as Record<string, unknown> };
    const good = { raw: Buffer.from(arfReport({ ip: '192.0.2.1', arrival: '2025-04-01T00:00:00Z' })), channel: 'smtp' };
    const results = await Promise.allSettled([desk.ingest.submit(good), desk.ingest.submit(bad), desk.ingest.submit(good)]);
    expect(results[0].status).toBe('fulfilled');
    expect(results[1].status).toBe('rejected');
    const stored = await desk.reports.list();
    expect(stored.map((r) => r.size)).not.toContain(1);
    await desk.close();
  });
});
