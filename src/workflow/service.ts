import { randomUUID } from 'node:crypto';
import { ACTION_KINDS } from '../domain/categories.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { Tx } from '../storage/database.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import type { ActionRow } from '../storage/repositories/action.repository.js';
import { CaseRepository } from '../storage/repositories/case.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { PolicyRepository } from '../storage/repositories/policy.repository.js';
import { type ActionFilter, type ActionStatus, WorkflowRepository } from '../storage/repositories/workflow.repository.js';
import { presentAction } from '../services/presenters.js';
import { type ExecutorRegistry, executorRegistry } from './executors.js';
import { closeCase, customerReplied, EXECUTE_JOB, flushLadder, type LadderTx, resumeClock } from './ladder.js';
import { activePolicy, type Policy, policyFromRow, parsePolicy } from './policy.js';

export const POLICY_ANNOUNCE_JOB = 'policy-announce';

export class WorkflowError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'conflict' | 'forbidden' | 'invalid' = 'conflict',
  ) {
    super(message);
  }
}

export type Role = 'operator' | 'supervisor';

async function inLadder<T>(tx: Tx, now: Date, registry: ExecutorRegistry, fn: (l: LadderTx) => Promise<T>): Promise<{ value: T; queued: boolean }> {
  const l: LadderTx = { tx, now, audit: [], registry, queued: false };
  const value = await fn(l);
  await flushLadder(l);
  await new AuditRepository(tx).append(now, l.audit);
  return { value, queued: l.queued };
}

/**
 * A customer's reply (mail to the case's plus-address, the portal) reached a case: call inside the
 * transaction that threads the reply. The deadline pauses, restarts or runs on as the policy says.
 */
export async function onCustomerReply(tx: Tx, caseId: number, now: Date): Promise<'paused' | 'restarted' | 'unchanged' | 'no-case'> {
  return (await inLadder(tx, now, executorRegistry({}), (l) => customerReplied(l, caseId))).value;
}

/** Adds an action to a case outside its ladder (an operator's, or a workflow such as the resource-abuse offer's). */
export async function proposeAction(
  tx: Tx,
  caseId: number,
  spec: { kind: string; scope?: string | null; params?: Record<string, unknown>; approval?: 'none' | 'operator' | 'supervisor'; dueAt?: string | null; reason?: string; idempotencyKey?: string },
  now: Date,
  actor: string,
): Promise<ActionRow | null> {
  const kase = await new CaseRepository(tx).get(caseId);
  if (!kase) throw new WorkflowError(`no case ${caseId}`, 'not_found');
  if (kase.closed_at) throw new WorkflowError(`case ${caseId} is ${kase.status}`);
  if (!(ACTION_KINDS as readonly string[]).includes(spec.kind) && !spec.kind.startsWith('x-')) throw new WorkflowError(`unknown action kind "${spec.kind}"`, 'invalid');
  const auto = (spec.approval ?? 'operator') === 'none';
  const row = await new WorkflowRepository(tx).insertAction(
    {
      caseId,
      kind: spec.kind,
      scope: spec.scope ?? null,
      status: auto ? 'approved' : 'proposed',
      step: -1,
      dueAt: spec.dueAt ?? null,
      approval: auto ? null : (spec.approval ?? 'operator'),
      approvedBy: auto ? actor : null,
      reason: spec.reason ?? `added by ${actor}`,
      idempotencyKey: spec.idempotencyKey ?? `case-${caseId}-${actor}-${randomUUID()}`,
      params: { ...spec.params, policy: kase.policy_version },
      requestedBy: actor,
    },
    now,
  );
  if (!row) return null;
  await new AuditRepository(tx).append(now, [{ actor, entity: 'action', entityId: row.id, action: auto ? 'approved' : 'proposed', data: { case: caseId, kind: spec.kind, scope: spec.scope ?? null, reason: row.reason } }]);
  if (auto) await new JobRepository(tx).enqueue(EXECUTE_JOB, { actionId: row.id }, now, { maxAttempts: 1000 });
  return row;
}

/** Finishes an action an executor handed over (`waiting`): manual work, a digest mail sent later. */
export async function completeAction(tx: Tx, actionId: number, outcome: { ok: boolean; result?: Record<string, unknown>; error?: string }, now: Date, actor: string, registry?: ExecutorRegistry): Promise<boolean> {
  const repo = new WorkflowRepository(tx);
  const a = await repo.action(actionId, true);
  if (!a) throw new WorkflowError(`no action ${actionId}`, 'not_found');
  const prior = a.result ? (JSON.parse(a.result) as Record<string, unknown>) : {};
  const { waiting: _w, ...kept } = prior;
  const ok = outcome.ok
    ? await repo.transition(actionId, ['running'], 'done', { result: JSON.stringify({ ...kept, ...outcome.result, completedBy: actor }), finished_at: now.toISOString(), last_error: null }, now)
    : await repo.transition(actionId, ['running'], 'failed', { last_error: (outcome.error ?? 'failed').slice(0, 4000), finished_at: now.toISOString() }, now);
  if (!ok) return false;
  await new AuditRepository(tx).append(now, [{ actor, entity: 'action', entityId: actionId, action: outcome.ok ? 'done' : 'failed', data: { result: outcome.result ?? null, error: outcome.error ?? null } }]);
  const row = await repo.action(actionId);
  if (row && registry) for (const l of registry.actionFinished) await l(tx, row, now);
  return true;
}

/** The operators' side of the workflow: actions, case resolution, the policy versions. */
export class WorkflowService {
  constructor(
    private readonly ctx: PipelineContext,
    private readonly registry: ExecutorRegistry,
  ) {}

  async listActions(f: ActionFilter = {}) {
    return (await new WorkflowRepository(this.ctx.db).actions(f)).map(presentAction);
  }

  async getAction(id: number) {
    const a = await new WorkflowRepository(this.ctx.db).action(id);
    return a ? presentAction(a) : null;
  }

  /** proposed -> approved (queued for execution). A supervisor step needs a supervisor. */
  async approve(id: number, by: string, role: Role, reason: string | null) {
    return this.change(id, async (tx, a, now) => {
      if (a.status !== 'proposed') throw new WorkflowError(`action ${id} is ${a.status}, only a proposed action can be approved`);
      if (a.approval === 'supervisor' && role !== 'supervisor') throw new WorkflowError(`action ${id} needs a supervisor's approval`, 'forbidden');
      const ok = await new WorkflowRepository(tx).transition(id, ['proposed'], 'approved', { approved_by: by, approved_at: now.toISOString(), reason: reason ?? a.reason }, now);
      if (!ok) throw new WorkflowError(`action ${id} changed meanwhile`);
      await new JobRepository(tx).enqueue(EXECUTE_JOB, { actionId: id }, now, { maxAttempts: 1000 });
      await this.refreshCaseStatus(tx, a.case_id, now);
      return { action: 'approved', data: { by, role, reason } };
    });
  }

  /** proposed, approved, failed or handed-over (manual) -> cancelled. */
  async cancel(id: number, by: string, reason: string | null) {
    return this.change(id, async (tx, a, now) => {
      const waiting = a.status === 'running' && a.result !== null && (JSON.parse(a.result) as { waiting?: boolean }).waiting === true;
      const from: ActionStatus[] = waiting ? ['running'] : ['proposed', 'approved', 'failed'];
      if (!from.includes(a.status as ActionStatus)) throw new WorkflowError(`action ${id} is ${a.status}${a.status === 'running' ? ' (being carried out)' : ''} and cannot be cancelled`);
      const ok = await new WorkflowRepository(tx).transition(id, from, 'cancelled', { reason: reason ?? `cancelled by ${by}`, finished_at: now.toISOString() }, now);
      if (!ok) throw new WorkflowError(`action ${id} changed meanwhile`);
      await this.refreshCaseStatus(tx, a.case_id, now);
      return { action: 'cancelled', data: { by, reason } };
    });
  }

  /** An operator carried out a manual action (or confirms a handed-over one): running -> done. */
  async markDone(id: number, by: string, note: string | null) {
    const now = this.ctx.clock.now();
    const ok = await this.ctx.db.transaction().execute((tx) => completeAction(tx, id, { ok: true, result: { note } }, now, by, this.registry));
    if (!ok) throw new WorkflowError(`action ${id} is not waiting for an operator`);
    return this.getAction(id);
  }

  /** A failed action is tried again (failed -> approved): the failed-actions queue's way out. */
  async retry(id: number, by: string) {
    return this.change(id, async (tx, a, now) => {
      if (a.status !== 'failed') throw new WorkflowError(`action ${id} is ${a.status}, only a failed action can be retried`);
      await new WorkflowRepository(tx).transition(id, ['failed'], 'approved', { finished_at: null, attempts: 0 }, now);
      await new JobRepository(tx).enqueue(EXECUTE_JOB, { actionId: id }, now, { maxAttempts: 1000 });
      return { action: 'retry', data: { by, previousError: a.last_error } };
    });
  }

  async propose(caseId: number, spec: Parameters<typeof proposeAction>[2], by: string) {
    const now = this.ctx.clock.now();
    const row = await this.ctx.db.transaction().execute((tx) => proposeAction(tx, caseId, spec, now, by));
    this.ctx.nudge();
    return row ? presentAction(row) : null;
  }

  /** The case is dealt with: outstanding proposals are cancelled and the case closes as resolved. */
  async resolveCase(caseId: number, by: string, reason: string) {
    await this.endCase(caseId, 'resolved', by, reason);
  }

  /**
   * The case needs nothing more without being resolved (an operator's close, a bulk close): the
   * same path as resolving, so proposals are cancelled, timers stop, listeners (reporter outcomes)
   * hear of it and the audit says who closed it and why.
   */
  async closeCase(caseId: number, by: string, reason: string) {
    await this.endCase(caseId, 'closed', by, reason);
  }

  /** Closes a case inside a transaction the caller holds (another change that empties the case, such as a reclassification). */
  async closeCaseIn(tx: Tx, caseId: number, status: 'closed' | 'resolved', by: string, reason: string, now: Date): Promise<void> {
    const kase = await new CaseRepository(tx).get(caseId);
    if (!kase) throw new WorkflowError(`no case ${caseId}`, 'not_found');
    if (kase.closed_at) throw new WorkflowError(`case ${caseId} is already ${kase.status}`);
    await inLadder(tx, now, this.registry, (l) => closeCase(l, kase, status, reason, by));
  }

  private async endCase(caseId: number, status: 'closed' | 'resolved', by: string, reason: string) {
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction().execute((tx) => this.closeCaseIn(tx, caseId, status, by, reason, now));
    this.ctx.nudge();
  }

  async customerReplied(caseId: number) {
    const now = this.ctx.clock.now();
    return this.ctx.db.transaction().execute((tx) => onCustomerReply(tx, caseId, now));
  }

  async resumeClock(caseId: number, by: string) {
    const now = this.ctx.clock.now();
    const r = await this.ctx.db.transaction().execute((tx) => inLadder(tx, now, this.registry, (l) => resumeClock(l, caseId, by)));
    this.ctx.nudge();
    return r.value;
  }

  // ---- policy versions ----

  /**
   * Stores a version and makes it take effect at its effectiveFrom; every active customer is told
   * once (policy-announce job). Activating the same text twice is a no-op; a different text under
   * an existing id@version is refused (a version never changes once activated).
   */
  async activatePolicy(text: string, file: string, by: string, opts: { announce?: boolean } = {}): Promise<{ policy: Policy; stored: boolean }> {
    const policy = parsePolicy(text, file);
    const now = this.ctx.clock.now();
    const stored = await this.ctx.db.transaction().execute(async (tx) => {
      const repo = new PolicyRepository(tx);
      const existing = await repo.byRef(policy.ref);
      if (existing) {
        if (existing.sha256 !== policy.sha256) throw new WorkflowError(`${policy.ref} is already activated with a different text: give the new text a new version`);
        return false;
      }
      await repo.insert({ policyId: policy.id, version: policy.version, ref: policy.ref, effectiveFrom: new Date(policy.effectiveFrom).toISOString(), document: text, sha256: policy.sha256, activatedAt: now, activatedBy: by });
      await new AuditRepository(tx).append(now, [{ actor: by, entity: 'policy', entityId: policy.ref, action: 'activated', data: { effectiveFrom: policy.effectiveFrom, sha256: policy.sha256 } }]);
      if (opts.announce !== false) await new JobRepository(tx).enqueue(POLICY_ANNOUNCE_JOB, { ref: policy.ref, after: '' }, now, { maxAttempts: 1000 });
      return true;
    });
    if (stored) this.ctx.nudge();
    return { policy, stored };
  }

  async policyInForce(at?: Date): Promise<Policy | null> {
    return activePolicy(this.ctx.db, at ?? this.ctx.clock.now());
  }

  async policyVersions() {
    const now = this.ctx.clock.now();
    const inForce = await new PolicyRepository(this.ctx.db).inForce(now);
    return (await new PolicyRepository(this.ctx.db).list()).map((p) => ({
      ref: p.ref,
      id: p.policy_id,
      version: p.version,
      effectiveFrom: p.effective_from,
      activatedAt: p.activated_at,
      activatedBy: p.activated_by,
      sha256: p.sha256,
      inForce: inForce?.ref === p.ref,
      scheduled: p.effective_from > now.toISOString(),
    }));
  }

  async policyByRef(ref: string): Promise<Policy | null> {
    const row = await new PolicyRepository(this.ctx.db).byRef(ref);
    return row ? policyFromRow(row) : null;
  }

  private async change(id: number, fn: (tx: Tx, a: ActionRow, now: Date) => Promise<{ action: string; data: Record<string, unknown> }>) {
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction().execute(async (tx) => {
      const a = await new WorkflowRepository(tx).action(id, true);
      if (!a) throw new WorkflowError(`no action ${id}`, 'not_found');
      const { action, data } = await fn(tx, a, now);
      const actor = typeof data.by === 'string' ? data.by : 'operator';
      await new AuditRepository(tx).append(now, [{ actor, entity: 'action', entityId: id, action, data: { case: a.case_id, kind: a.kind, ...data } }]);
    });
    this.ctx.nudge();
    return (await this.getAction(id))!;
  }

  /** awaiting-approval while a proposal waits, in-progress otherwise (closed cases keep their status). */
  private async refreshCaseStatus(tx: Tx, caseId: number, now: Date): Promise<void> {
    const kase = await new CaseRepository(tx).get(caseId);
    if (!kase || kase.closed_at) return;
    const waiting = await new WorkflowRepository(tx).actionsOfCase(caseId, ['proposed']);
    const status = waiting.length ? 'awaiting-approval' : 'in-progress';
    if (kase.status !== status) await new CaseRepository(tx).setStatus(caseId, status, now);
  }
}
