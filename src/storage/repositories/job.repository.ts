import { sql } from 'kysely';
import type { Executor } from '../database.js';
import { onPostgres } from '../dialect.js';
import type { JobTable } from '../schema.js';
import type { Selectable } from 'kysely';

export type JobRow = Selectable<JobTable>;

export class StaleJobError extends Error {
  constructor(id: number) {
    super(`job ${id} was taken over by another worker`);
  }
}

/** The durable job queue: a job is written in the same transaction as the fact that calls for it. */
export class JobRepository {
  constructor(private readonly db: Executor) {}

  async enqueue(kind: string, payload: unknown, now: Date, opts: { runAt?: Date; maxAttempts?: number } = {}): Promise<number> {
    const at = now.toISOString();
    const row = await this.db
      .insertInto('jobs')
      .values({
        kind,
        payload: JSON.stringify(payload),
        status: 'pending',
        run_at: (opts.runAt ?? now).toISOString(),
        attempts: 0,
        max_attempts: opts.maxAttempts ?? 5,
        locked_until: null,
        last_error: null,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /**
   * Leases up to `limit` due jobs (pending and due, or running with an expired lease: its worker
   * died). Each claim bumps `attempts`, which fences a worker whose lease ran out (see complete()).
   */
  async claim(now: Date, leaseMs: number, limit: number, kinds?: string[]): Promise<JobRow[]> {
    const at = now.toISOString();
    let due = this.db
      .selectFrom('jobs')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', at)]),
          eb.and([eb('status', '=', 'running'), eb('locked_until', '<=', at)]),
        ]),
      )
      .orderBy('run_at')
      .orderBy('id')
      .limit(limit);
    if (kinds) due = due.where('kind', 'in', kinds);
    if (onPostgres(this.db)) due = due.forUpdate().skipLocked();
    return this.db
      .updateTable('jobs')
      .set({
        status: 'running',
        attempts: sql`attempts + 1`,
        locked_until: new Date(now.getTime() + leaseMs).toISOString(),
        updated_at: at,
      })
      .where('id', 'in', due)
      .returningAll()
      .execute();
  }

  /** Removes a finished job, inside the transaction that wrote its results; throws if another worker took it over. */
  async complete(job: Pick<JobRow, 'id' | 'attempts'>): Promise<void> {
    const r = await this.db.deleteFrom('jobs').where('id', '=', job.id).where('status', '=', 'running').where('attempts', '=', job.attempts).executeTakeFirst();
    if (Number(r.numDeletedRows) !== 1) throw new StaleJobError(job.id);
  }

  /** Records a failed attempt: retried at `retryAt`, or failed for good when it is null. */
  async fail(job: Pick<JobRow, 'id' | 'attempts'>, error: string, now: Date, retryAt: Date | null): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({
        status: retryAt ? 'pending' : 'failed',
        run_at: (retryAt ?? now).toISOString(),
        locked_until: null,
        last_error: error.slice(0, 4000),
        updated_at: now.toISOString(),
      })
      .where('id', '=', job.id)
      .where('attempts', '=', job.attempts)
      .execute();
  }

  /** When the next pending job falls due, for a worker deciding how long to sleep. */
  async nextDue(): Promise<string | null> {
    const row = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.min<string>(eb.fn.coalesce('locked_until', 'run_at')).as('at'))
      .where('status', 'in', ['pending', 'running'])
      .executeTakeFirst();
    return row?.at ?? null;
  }

  async counts(): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  async failed(limit = 100): Promise<JobRow[]> {
    return this.db.selectFrom('jobs').selectAll().where('status', '=', 'failed').orderBy('id', 'desc').limit(limit).execute();
  }
}
