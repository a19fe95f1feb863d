import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { AuditRepository } from '../src/storage/repositories/audit.repository.js';
import { JobRepository, StaleJobError } from '../src/storage/repositories/job.repository.js';
import { describeEachEngine } from './support/databases.js';

const t0 = new Date('2025-01-01T00:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

describeEachEngine('job queue', (db) => {
  it('leases due jobs once, re-leases after a worker dies, and fences the stale worker', async () => {
    const jobs = new JobRepository(db().db);
    const id = await jobs.enqueue('k', { n: 1 }, t0);
    await jobs.enqueue('k', { n: 2 }, t0, { runAt: later(60_000) });

    const first = await jobs.claim(t0, 1000, 10);
    expect(first.map((j) => j.id)).toEqual([id]);
    expect(await jobs.claim(t0, 1000, 10)).toEqual([]);

    // The first worker "dies": its lease runs out and another worker takes the job.
    const second = await jobs.claim(later(2000), 1000, 10);
    expect(second.map((j) => [j.id, j.attempts])).toEqual([[id, 2]]);
    await expect(jobs.complete(first[0])).rejects.toBeInstanceOf(StaleJobError);
    await jobs.complete(second[0]);
    expect(await jobs.counts()).toEqual({ pending: 1 });

    const due = await jobs.claim(later(60_000), 1000, 10);
    expect(due.map((j) => JSON.parse(j.payload).n)).toEqual([2]);
    await jobs.fail(due[0], 'boom', later(60_000), null);
    expect((await jobs.failed()).map((j) => j.last_error)).toEqual(['boom']);
  });

  it('commits a job completion only with the transaction that did the work', async () => {
    const id = await new JobRepository(db().db).enqueue('tx', {}, t0);
    const [job] = await new JobRepository(db().db).claim(t0, 1000, 10, ['tx']);
    await expect(
      db().db.transaction().execute(async (tx) => {
        await new JobRepository(tx).complete(job);
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    const again = await new JobRepository(db().db).claim(later(5000), 1000, 10, ['tx']);
    expect(again.map((j) => j.id)).toEqual([id]);
  });
});

describeEachEngine('audit log', (db) => {
  it('chains entries and names the one that was altered or removed', async () => {
    const audit = new AuditRepository(db().db);
    for (let i = 0; i < 5; i++) await audit.append(later(i), [{ actor: 'test', entity: 'case', entityId: i, action: 'opened', data: { i } }]);
    expect(await audit.verify()).toEqual({ rows: 5, problems: [] });

    const rows = await db().db.selectFrom('audit_log').select('id').orderBy('id').execute();
    await db().db.updateTable('audit_log').set({ data: '{"i":99}' }).where('id', '=', rows[2].id).execute();
    const changed = await audit.verify();
    expect(changed.problems.map((p) => [p.id, p.problem])).toEqual([[rows[2].id, 'changed']]);

    await db().db.deleteFrom('audit_log').where('id', '=', rows[1].id).execute();
    const removed = await audit.verify();
    expect(removed.problems.map((p) => [p.id, p.problem])).toContainEqual([rows[2].id, 'removed-before']);

    await db().db.deleteFrom('audit_log').where('id', '=', rows[4].id).execute();
    expect((await audit.verify()).problems.map((p) => p.problem)).toContain('head-mismatch');
  });

  it('keeps one chain under concurrent writers', async () => {
    await db().db.deleteFrom('audit_log').execute();
    await db().db.deleteFrom('meta').where('key', '=', 'audit_head').execute();
    await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        db().db.transaction().execute(async (tx) => {
          for (let i = 0; i < 5; i++) await new AuditRepository(tx).append(t0, [{ actor: `w${w}`, entity: 'x', entityId: i, action: 'a' }]);
        }),
      ),
    );
    const result = await new AuditRepository(db().db).verify();
    expect(result).toEqual({ rows: 40, problems: [] });
    const n = await sql<{ n: number }>`select count(*) as n from audit_log`.execute(db().db);
    expect(Number(n.rows[0].n)).toBe(40);
  });
});
