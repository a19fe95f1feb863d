import { expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock.js';
import { describeEachEngine } from '../support/databases.js';
import { openDesk } from '../support/desk.js';
import { arfReport, inventory } from '../support/fixtures.js';

describeEachEngine('a crash between stages', (db) => {
  it('loses nothing and repeats nothing', async () => {
    const clock = new FakeClock('2025-05-01T12:00:00Z');
    let crashes = 1;
    const seen: number[] = [];
    const desk = await openDesk(db(), {
      clock,
      worker: { leaseMs: 30_000 },
      hooks: {
        // The workflow's hook runs inside the correlate transaction: dying here must undo the case too.
        async afterCorrelate(_tx, changes) {
          if (crashes-- > 0) throw new Error('worker died mid-transaction');
          seen.push(...changes.map((c) => c.newEvents));
        },
      },
    });
    await desk.inventory.import(inventory);
    for (const day of ['01', '02', '03']) {
      await desk.ingest.submit({ raw: Buffer.from(arfReport({ ip: '198.51.100.9', arrival: `2025-04-${day}T10:00:00Z` })), channel: 'smtp' });
    }
    await desk.worker.runUntilIdle();
    // The failed correlate job waits for its retry; nothing of its transaction is visible.
    const before = await desk.cases.list();
    expect(before.reduce((n, c) => n + c.eventCount, 0)).toBe(2);

    clock.advance(60_000);
    await desk.worker.runUntilIdle();
    const after = await desk.cases.list();
    expect(after).toHaveLength(1);
    expect(after[0].eventCount).toBe(3);
    expect(seen).toEqual([1, 1, 1]);
    const reports = await desk.reports.list();
    expect(reports.map((r) => r.status)).toEqual(['parsed', 'parsed', 'parsed']);
    await desk.close();
  });
});
