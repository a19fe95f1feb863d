import type { PipelineContext } from '../pipeline/context.js';
import type { JobType } from '../pipeline/worker.js';
import type { Tx } from '../storage/database.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import type { ActionRow } from '../storage/repositories/action.repository.js';
import { CaseRepository } from '../storage/repositories/case.repository.js';
import { EventRepository } from '../storage/repositories/event.repository.js';
import { InventoryRepository } from '../storage/repositories/inventory.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { WorkflowRepository } from '../storage/repositories/workflow.repository.js';
import { type ExecutionContext, type ExecutorRegistry, PermanentActionError } from './executors.js';
import { EXECUTE_JOB, policyOfCase } from './ladder.js';
import { categoryRules } from './policy.js';
import type { WorkflowRuntime } from './runtime.js';

/** Attempts before an action is given up and shown in the failed-actions queue. */
export const MAX_ACTION_ATTEMPTS = 5;

/** 30 s, 1 min, 2 min, 4 min, ... at most an hour between attempts. */
export function actionBackoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

/**
 * Carries out one approved action. The action is marked running (attempt counted) and committed
 * before the connector is called; the outcome is written with the job's completion. A worker that
 * dies in between leaves the action running and the job leased: the next worker takes the job when
 * the lease runs out and calls the connector again with the same idempotency key, so a receiver
 * that honours the key performs the step exactly once.
 */
export function executeJob(ctx: PipelineContext, rt: WorkflowRuntime): JobType<{ actionId: number }> {
  return {
    kind: EXECUTE_JOB,
    maxAttempts: 1000,
    async run(job, { actionId }) {
      const now = ctx.clock.now();
      const claimed = await ctx.db.transaction().execute(async (tx) => {
        const repo = new WorkflowRepository(tx);
        const a = await repo.action(actionId, true);
        const waiting = a?.status === 'running' && a.result !== null && (JSON.parse(a.result) as { waiting?: boolean }).waiting === true;
        if (!a || !['approved', 'running'].includes(a.status) || waiting) {
          await new JobRepository(tx).complete(job);
          return null;
        }
        const executor = rt.executorFor(a.kind);
        const attempts = a.attempts + 1;
        const patch = { attempts, connector: executor.connector ?? 'custom', started_at: a.started_at ?? now.toISOString() };
        const ok = await repo.transition(a.id, [a.status as 'approved' | 'running'], 'running', patch, now);
        if (!ok) throw new Error(`action ${a.id} changed under us`);
        await new AuditRepository(tx).append(now, [
          { actor: 'worker', entity: 'action', entityId: a.id, action: a.status === 'running' ? 'retried' : 'started', data: { attempt: attempts, connector: patch.connector } },
        ]);
        return { ...a, ...patch, status: 'running' } as ActionRow;
      });
      if (!claimed) return;

      let outcome: { ok: true; status: 'done' | 'waiting'; result: Record<string, unknown> } | { ok: false; error: string; permanent: boolean };
      try {
        const ectx = await context(ctx, rt, claimed);
        const r = await rt.executorFor(claimed.kind).execute(ectx);
        outcome = { ok: true, status: r.status, result: r.result ?? {} };
      } catch (err) {
        outcome = { ok: false, error: err instanceof Error ? err.message : String(err), permanent: err instanceof PermanentActionError };
      }

      const done = ctx.clock.now();
      await ctx.db.transaction().execute(async (tx) => {
        const repo = new WorkflowRepository(tx);
        const audit = new AuditRepository(tx);
        const fence = { attempts: claimed.attempts };
        if (outcome.ok && outcome.status === 'done') {
          if (await repo.transition(claimed.id, ['running'], 'done', { result: JSON.stringify(outcome.result), last_error: null, finished_at: done.toISOString() }, done, fence)) {
            await audit.append(done, [{ actor: 'worker', entity: 'action', entityId: claimed.id, action: 'done', data: { attempt: claimed.attempts, result: outcome.result } }]);
            await finished(rt.registry, tx, claimed.id, done);
          }
        } else if (outcome.ok) {
          await repo.noteAttempt(claimed.id, { result: JSON.stringify({ ...outcome.result, waiting: true }), last_error: null }, done);
          await audit.append(done, [{ actor: 'worker', entity: 'action', entityId: claimed.id, action: 'handed-over', data: { attempt: claimed.attempts, result: outcome.result } }]);
        } else if (outcome.permanent || claimed.attempts >= MAX_ACTION_ATTEMPTS) {
          if (await repo.transition(claimed.id, ['running'], 'failed', { last_error: outcome.error.slice(0, 4000), finished_at: done.toISOString() }, done, fence)) {
            await audit.append(done, [{ actor: 'worker', entity: 'action', entityId: claimed.id, action: 'failed', data: { attempt: claimed.attempts, error: outcome.error.slice(0, 500) } }]);
            await finished(rt.registry, tx, claimed.id, done);
          }
        } else {
          const retryAt = new Date(done.getTime() + actionBackoffMs(claimed.attempts));
          await repo.noteAttempt(claimed.id, { last_error: outcome.error.slice(0, 4000) }, done);
          await new JobRepository(tx).enqueue(EXECUTE_JOB, { actionId: claimed.id }, done, { runAt: retryAt, maxAttempts: 1000 });
          await audit.append(done, [{ actor: 'worker', entity: 'action', entityId: claimed.id, action: 'attempt-failed', data: { attempt: claimed.attempts, error: outcome.error.slice(0, 500), retryAt: retryAt.toISOString() } }]);
        }
        await new JobRepository(tx).complete(job);
      });
      if (!outcome.ok) ctx.log.warn({ action: claimed.id, kind: claimed.kind, attempt: claimed.attempts, err: outcome.error }, 'action attempt failed');
    },
  };
}

async function finished(registry: ExecutorRegistry, tx: Tx, actionId: number, now: Date): Promise<void> {
  if (!registry.actionFinished.length) return;
  const row = await new WorkflowRepository(tx).action(actionId);
  if (row) for (const l of registry.actionFinished) await l(tx, row, now);
}

async function context(ctx: PipelineContext, rt: WorkflowRuntime, action: ActionRow): Promise<ExecutionContext> {
  const kase = await new CaseRepository(ctx.db).get(action.case_id);
  if (!kase) throw new PermanentActionError(`case ${action.case_id} does not exist`);
  const customer = await new InventoryRepository(ctx.db).customer(kase.customer_id);
  if (!customer) throw new PermanentActionError(`customer ${kase.customer_id} does not exist`);
  const events = await new EventRepository(ctx.db).forCase(kase.id);
  const policy = await policyOfCase(ctx.db, kase, undefined, ctx.clock.now());
  const rules = policy ? categoryRules(policy, kase.category) : null;
  return {
    action,
    case: kase,
    customer,
    events,
    policy,
    rules,
    step: rules && action.step >= 0 && action.requested_by === 'policy' ? (rules.ladder[action.step] ?? null) : null,
    params: JSON.parse(action.params) as Record<string, unknown>,
    clock: ctx.clock,
    db: ctx.db,
    log: ctx.log.child({ action: action.id, kind: action.kind }),
    mailer: rt.mailer,
    config: rt.config,
    idempotencyKey: action.idempotency_key,
    attempt: action.attempts,
  };
}
