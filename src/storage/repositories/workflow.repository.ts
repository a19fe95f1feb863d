import { type Selectable, type Updateable, sql } from 'kysely';
import type { Executor } from '../database.js';
import { chunk, onPostgres } from '../dialect.js';
import type { ActionTable, CaseWorkflowTable } from '../schema.js';
import type { ActionRow } from './action.repository.js';
import type { CaseRow } from './case.repository.js';

export type CaseWorkflowRow = Selectable<CaseWorkflowTable>;
export type ActionStatus = 'proposed' | 'approved' | 'running' | 'done' | 'failed' | 'cancelled';

export const SWEEP_JOB = 'workflow-sweep';

export interface NewAction {
  caseId: number;
  kind: string;
  scope: string | null;
  status: 'proposed' | 'approved';
  step: number;
  dueAt: string | null;
  approval: string | null;
  approvedBy: string | null;
  reason: string;
  idempotencyKey: string;
  params: Record<string, unknown>;
  requestedBy: string;
}

export interface ActionFilter {
  status?: string;
  caseId?: number;
  kind?: string;
  limit?: number;
}

/** A case's place on its ladder, its timers, and the action state machine: the workflow's queries. */
export class WorkflowRepository {
  constructor(private readonly db: Executor) {}

  /** The case's ladder row, locked for this transaction on PostgreSQL so two workers take turns on one case. */
  async get(caseId: number): Promise<CaseWorkflowRow | undefined> {
    let q = this.db.selectFrom('case_workflow').selectAll().where('case_id', '=', caseId);
    if (onPostgres(this.db)) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async create(caseId: number, policyRef: string | null, now: Date): Promise<CaseWorkflowRow> {
    await this.db
      .insertInto('case_workflow')
      .values({
        case_id: caseId,
        policy_ref: policyRef,
        step: -1,
        step_started_at: null,
        deadline_at: null,
        paused_remaining_ms: null,
        resume_at: null,
        armed_step: null,
        last_reply_at: null,
        last_event_at: null,
        close_at: null,
        finished: 0,
        updated_at: now.toISOString(),
      })
      .onConflict((oc) => oc.column('case_id').doNothing())
      .execute();
    return (await this.get(caseId))!;
  }

  /** The same change to many cases' ladder rows (a sweep batch moves many cases the same way). */
  async updateMany(caseIds: number[], patch: Updateable<CaseWorkflowTable>, now: Date): Promise<void> {
    for (const part of chunk(caseIds, 1)) {
      await this.db.updateTable('case_workflow').set({ ...patch, updated_at: now.toISOString() }).where('case_id', 'in', part).execute();
    }
  }

  /** Sets the status of open cases (closing goes through CaseRepository.setStatus, which stamps closed_at). */
  async setCaseStatuses(caseIds: number[], status: string, now: Date): Promise<void> {
    for (const part of chunk(caseIds, 1)) {
      await this.db.updateTable('cases').set({ status, updated_at: now.toISOString() }).where('id', 'in', part).where('closed_at', 'is', null).execute();
    }
  }

  async update(caseId: number, patch: Updateable<CaseWorkflowTable>, now: Date): Promise<void> {
    await this.db.updateTable('case_workflow').set({ ...patch, updated_at: now.toISOString() }).where('case_id', '=', caseId).execute();
  }

  /** Cases with a timer due (deadline, clock resume or auto-close); skips rows another worker holds. */
  async due(now: Date, limit: number): Promise<number[]> {
    const at = now.toISOString();
    // One indexed range per timer column: an OR over the three would scan the whole table on every batch.
    const ids = new Set<number>();
    for (const col of ['deadline_at', 'resume_at', 'close_at'] as const) {
      let q = this.db.selectFrom('case_workflow').select('case_id').where(col, '<=', at).orderBy(col).limit(limit);
      if (onPostgres(this.db)) q = q.forUpdate().skipLocked();
      for (const r of await q.execute()) ids.add(r.case_id);
      if (ids.size >= limit) break;
    }
    return [...ids].slice(0, limit);
  }

  /** Cases and their ladder rows by id, for a sweep batch (rows `due()` already locked in this transaction). */
  async loadMany(caseIds: number[]): Promise<Map<number, { kase: CaseRow; wf: CaseWorkflowRow }>> {
    const out = new Map<number, { kase: CaseRow; wf: CaseWorkflowRow }>();
    if (!caseIds.length) return out;
    const [cases, wfs] = await Promise.all([
      this.db.selectFrom('cases').selectAll().where('id', 'in', caseIds).execute(),
      this.db.selectFrom('case_workflow').selectAll().where('case_id', 'in', caseIds).execute(),
    ]);
    const byId = new Map(cases.map((c) => [c.id, c]));
    for (const wf of wfs) {
      const kase = byId.get(wf.case_id);
      if (kase) out.set(wf.case_id, { kase, wf });
    }
    return out;
  }

  /** The earliest timer of any case, to schedule the next sweep. */
  async nextTimer(): Promise<string | null> {
    const row = await this.db
      .selectFrom('case_workflow')
      .select((eb) => [eb.fn.min<string>('deadline_at').as('d'), eb.fn.min<string>('resume_at').as('r'), eb.fn.min<string>('close_at').as('c')])
      .executeTakeFirst();
    const all = [row?.d, row?.r, row?.c].filter((x): x is string => !!x).sort();
    return all[0] ?? null;
  }

  /**
   * Whether a sweep job is already waiting to run at or before `at`. The timers live in
   * case_workflow; one pending sweep job per earliest timer is what wakes the worker for them.
   */
  async sweepPendingBy(at: Date): Promise<boolean> {
    const row = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', SWEEP_JOB)
      .where('status', '=', 'pending')
      .where('run_at', '<=', at.toISOString())
      .limit(1)
      .executeTakeFirst();
    return !!row;
  }

  /** How many of a case's events occurred at or after `since` (the notify threshold's window). */
  async eventsSince(caseId: number, since: string): Promise<number> {
    const row = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('case_id', '=', caseId)
      .where('occurred_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // ---- actions ----

  /** Inserts an action; null when its idempotency key exists already (the same step proposed twice). */
  async insertAction(a: NewAction, now: Date): Promise<ActionRow | null> {
    const rows = await this.db
      .insertInto('actions')
      .values(actionRow(a, now.toISOString()))
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returningAll()
      .execute();
    return rows[0] ?? null;
  }

  /** Inserts many actions at once; returns the ids of those inserted by idempotency key (an existing key is skipped). */
  async insertActions(actions: NewAction[], now: Date): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const at = now.toISOString();
    for (const part of chunk(actions, 22)) {
      const rows = await this.db
        .insertInto('actions')
        .values(part.map((a) => actionRow(a, at)))
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning(['id', 'idempotency_key'])
        .execute();
      for (const r of rows) out.set(r.idempotency_key, r.id);
    }
    return out;
  }

  async action(id: number, lock = false): Promise<ActionRow | undefined> {
    let q = this.db.selectFrom('actions').selectAll().where('id', '=', id);
    if (lock && onPostgres(this.db)) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /**
   * Moves an action from one of `from` to `to` with the given fields; false when it was not in
   * one of those states (someone else moved it first). This is the state machine's only door.
   */
  async transition(id: number, from: ActionStatus[], to: ActionStatus, patch: Updateable<ActionTable>, now: Date, fence?: { attempts: number }): Promise<boolean> {
    let q = this.db
      .updateTable('actions')
      .set({ ...patch, status: to, updated_at: now.toISOString() })
      .where('id', '=', id)
      .where('status', 'in', from);
    if (fence) q = q.where('attempts', '=', fence.attempts);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Records an attempt's error and counts it, leaving the state as it is. */
  async noteAttempt(id: number, patch: Updateable<ActionTable>, now: Date): Promise<void> {
    await this.db.updateTable('actions').set({ ...patch, updated_at: now.toISOString() }).where('id', '=', id).execute();
  }

  async actions(f: ActionFilter = {}): Promise<ActionRow[]> {
    let q = this.db.selectFrom('actions').selectAll().orderBy('id', 'desc').limit(f.limit ?? 100);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.caseId) q = q.where('case_id', '=', f.caseId);
    if (f.kind) q = q.where('kind', '=', f.kind);
    return q.execute();
  }

  async actionsOfCase(caseId: number, statuses?: ActionStatus[]): Promise<ActionRow[]> {
    let q = this.db.selectFrom('actions').selectAll().where('case_id', '=', caseId).orderBy('id');
    if (statuses) q = q.where('status', 'in', statuses);
    return q.execute();
  }

  async countActions(): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('actions').select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}

/** The row of a new action: one definition for the single and the batch insert. */
function actionRow(a: NewAction, at: string) {
  return {
    case_id: a.caseId,
    kind: a.kind,
    scope: a.scope,
    status: a.status,
    step: a.step,
    due_at: a.dueAt,
    approval: a.approval,
    approved_by: a.approvedBy,
    approved_at: a.approvedBy ? at : null,
    reason: a.reason,
    idempotency_key: a.idempotencyKey,
    attempts: 0,
    last_error: null,
    params: JSON.stringify(a.params),
    result: null,
    created_at: at,
    updated_at: at,
    requested_by: a.requestedBy,
    connector: null,
    started_at: null,
    finished_at: null,
  };
}
