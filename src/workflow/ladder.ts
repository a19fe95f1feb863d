import type { Executor, Tx } from '../storage/database.js';
import type { AuditEntry } from '../storage/repositories/audit.repository.js';
import { type CaseRow, CaseRepository } from '../storage/repositories/case.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { type CaseWorkflowRow, type NewAction, SWEEP_JOB, WorkflowRepository } from '../storage/repositories/workflow.repository.js';
import { addDuration, durationMs } from './duration.js';
import type { ExecutorRegistry } from './executors.js';
import { activePolicy, categoryRules, type Policy, policyByRef } from './policy.js';

export const EXECUTE_JOB = 'execute-action';

/** What the ladder functions share within one transaction: the audit entries are appended once at the end. */
export interface LadderTx {
  tx: Tx;
  now: Date;
  audit: AuditEntry[];
  registry: ExecutorRegistry;
  /** Set when an action was approved: the worker should look for execution jobs. */
  queued: boolean;
  /** Cases and ladder rows read in bulk by the sweep, so a batch costs two reads instead of two per case. */
  preloaded?: Map<number, { kase: CaseRow; wf: CaseWorkflowRow }>;
  /** A sweep job is known to be pending at or before this time (saves asking again for every case of a batch). */
  sweepBy?: string;
  /** Writes held back until flushLadder(): a sweep batch then costs a few statements, not a few per case. */
  pending?: Pending;
}

interface Pending {
  actions: { row: NewAction; auto: boolean; audit: Omit<AuditEntry, 'entityId'> }[];
  wf: Map<number, Partial<CaseWorkflowRow>>;
  status: Map<number, string>;
}

function pending(l: LadderTx): Pending {
  l.pending ??= { actions: [], wf: new Map(), status: new Map() };
  return l.pending;
}

function setWf(l: LadderTx, caseId: number, patch: Partial<CaseWorkflowRow>): void {
  const p = pending(l).wf;
  p.set(caseId, { ...p.get(caseId), ...patch });
}

function setCaseStatus(l: LadderTx, caseId: number, status: string): void {
  pending(l).status.set(caseId, status);
}

/**
 * Writes what the ladder held back: actions in multi-row inserts (their audit entries and
 * execution jobs follow, now that they have ids), ladder rows and case statuses grouped by the
 * values they get. Call before the transaction's audit entries are appended, and before reading
 * actions or ladder rows the same transaction may have changed.
 */
export async function flushLadder(l: LadderTx): Promise<void> {
  const p = l.pending;
  if (!p) return;
  l.pending = undefined;
  const repo = new WorkflowRepository(l.tx);
  if (p.actions.length) {
    const ids = await repo.insertActions(p.actions.map((a) => a.row), l.now);
    const jobs = new JobRepository(l.tx);
    for (const a of p.actions) {
      const id = ids.get(a.row.idempotencyKey);
      if (id === undefined) continue; // the same step proposed before: nothing new
      l.audit.push({ ...a.audit, entityId: id });
      if (a.auto) {
        await jobs.enqueue(EXECUTE_JOB, { actionId: id }, l.now, { maxAttempts: 1000 });
        l.queued = true;
      }
    }
  }
  const groups = new Map<string, number[]>();
  for (const [caseId, patch] of p.wf) {
    const key = JSON.stringify(Object.entries(patch).sort(([a], [b]) => (a < b ? -1 : 1)));
    const ids = groups.get(key);
    if (ids) ids.push(caseId);
    else groups.set(key, [caseId]);
  }
  for (const [key, ids] of groups) await repo.updateMany(ids, Object.fromEntries(JSON.parse(key) as [string, unknown][]), l.now);
  const byStatus = new Map<string, number[]>();
  for (const [caseId, status] of p.status) {
    const ids = byStatus.get(status);
    if (ids) ids.push(caseId);
    else byStatus.set(status, [caseId]);
  }
  for (const [status, ids] of byStatus) await repo.setCaseStatuses(ids, status, l.now);
}

type Rules = ReturnType<typeof categoryRules>;

/** The policy a case works under: the version it recorded when it opened, else the one in force now. */
export async function policyOfCase(tx: Executor, kase: CaseRow, wf: CaseWorkflowRow | undefined, now: Date): Promise<Policy | null> {
  const ref = kase.policy_version ?? wf?.policy_ref ?? null;
  if (ref) {
    const p = await policyByRef(tx, ref);
    if (p) return p;
  }
  return activePolicy(tx, now);
}

async function load(l: LadderTx, caseId: number) {
  const pre = l.preloaded?.get(caseId);
  const kase = pre?.kase ?? (await new CaseRepository(l.tx).get(caseId));
  if (!kase) return null;
  const repo = new WorkflowRepository(l.tx);
  let wf = pre ? pre.wf : await repo.get(caseId);
  const policy = await policyOfCase(l.tx, kase, wf, l.now);
  if (!policy) return null;
  if (!wf) wf = await repo.create(caseId, policy.ref, l.now);
  return { kase, wf, policy, rules: categoryRules(policy, kase.category), repo };
}

/**
 * New events reached a case (the decide job): push its auto-close back, start the ladder once the
 * category's threshold is met, or fire a `repeat` step that was waiting for them.
 */
export async function decideCase(l: LadderTx, caseId: number): Promise<void> {
  const s = await load(l, caseId);
  if (!s || s.kase.closed_at) return;
  const { kase, wf, rules, repo } = s;
  const patch: Partial<CaseWorkflowRow> = { last_event_at: l.now.toISOString(), close_at: addDuration(l.now, rules.autoCloseAfter).toISOString() };
  if (wf.step === -1) {
    let qualifies = rules.ladder.length > 0;
    if (qualifies && rules.notify) {
      const since = new Date(l.now.getTime() - durationMs(rules.notify.window)!).toISOString();
      const n = await repo.eventsSince(caseId, since);
      qualifies = n >= rules.notify.threshold;
      if (!qualifies && kase.status === 'open') {
        setCaseStatus(l, caseId, 'watching');
        l.audit.push({ actor: 'policy', entity: 'case', entityId: caseId, action: 'below-threshold', data: { events: n, threshold: rules.notify.threshold, window: rules.notify.window } });
      }
    }
    setWf(l, caseId, patch);
    if (qualifies) await fireStep(l, s, 0);
  } else if (wf.armed_step !== null) {
    setWf(l, caseId, patch);
    l.audit.push({ actor: 'policy', entity: 'case', entityId: caseId, action: 'repeat-seen', data: { step: wf.armed_step } });
    await fireStep(l, s, wf.armed_step);
  } else {
    setWf(l, caseId, patch);
  }
  await ensureSweep(l, patch.close_at!);
}

/** Proposes (or, where the policy needs no approval, approves and queues) the actions of step `j`. */
async function fireStep(l: LadderTx, s: NonNullable<Awaited<ReturnType<typeof load>>>, j: number): Promise<void> {
  const { kase, policy, rules } = s;
  const step = rules.ladder[j];
  const deadlineAt = step.deadline !== undefined ? addDuration(l.now, step.deadline).toISOString() : null;
  let proposed = 0;
  for (const [i, a] of step.actions.entries()) {
    const auto = step.approval === 'none';
    const params: Record<string, unknown> = {
      ...a.params,
      clause: rules.clause,
      section: rules.section,
      severity: rules.severity,
      policy: policy.ref,
      stepName: step.name,
      ...(step.price ? { price: step.price } : {}),
      ...(deadlineAt ? { deadline: deadlineAt } : {}),
    };
    pending(l).actions.push({
      row: {
        caseId: kase.id,
        kind: a.kind,
        scope: a.scope ?? null,
        status: auto ? 'approved' : 'proposed',
        step: j,
        dueAt: deadlineAt,
        approval: auto ? null : step.approval,
        approvedBy: auto ? 'policy' : null,
        reason: `${policy.ref} ${kase.category} step ${j + 1} (${step.name})${auto ? ': no approval needed' : `: needs ${step.approval} approval`}`,
        idempotencyKey: `case-${kase.id}-step-${j}-action-${i}`,
        params,
        requestedBy: 'policy',
      },
      auto,
      audit: { actor: 'policy', entity: 'action', action: auto ? 'approved' : 'proposed', data: { case: kase.id, kind: a.kind, scope: a.scope ?? null, step: j, dueAt: deadlineAt, by: auto ? 'policy' : null } },
    });
    if (!auto) proposed++;
  }
  setWf(l, kase.id, { step: j, step_started_at: l.now.toISOString(), deadline_at: deadlineAt, armed_step: null, paused_remaining_ms: null, resume_at: null, finished: j === rules.ladder.length - 1 && !deadlineAt ? 1 : 0 });
  setCaseStatus(l, kase.id, proposed ? 'awaiting-approval' : 'in-progress');
  l.audit.push({ actor: 'policy', entity: 'case', entityId: kase.id, action: 'step', data: { step: j, name: step.name, deadline: deadlineAt, policy: policy.ref } });
  if (deadlineAt) await ensureSweep(l, deadlineAt);
}

/**
 * A timer of the case fell due: a paused clock resumes, a deadline passes (the next step follows
 * as the ladder says), or the case, quiet for long enough, closes itself.
 */
export async function onTimer(l: LadderTx, caseId: number): Promise<void> {
  const s = await load(l, caseId);
  if (!s) {
    // No case or no policy: a timer nobody can act on must not come back on every sweep.
    setWf(l, caseId, { deadline_at: null, resume_at: null, close_at: null });
    return;
  }
  const { kase, wf, rules } = s;
  const now = l.now.toISOString();
  if (kase.closed_at) {
    setWf(l, caseId, { deadline_at: null, resume_at: null, close_at: null, finished: 1 });
    return;
  }
  if (wf.resume_at && wf.resume_at <= now) {
    // The clock runs again from when the pause ran out, however late the sweep comes to it.
    const deadline = new Date(Date.parse(wf.resume_at) + (wf.paused_remaining_ms ?? 0)).toISOString();
    setWf(l, caseId, { resume_at: null, paused_remaining_ms: null, deadline_at: deadline });
    l.audit.push({ actor: 'clock', entity: 'case', entityId: caseId, action: 'clock-resumed', data: { deadline } });
    wf.deadline_at = deadline;
    await ensureSweep(l, deadline);
  }
  if (wf.deadline_at && wf.deadline_at <= now) {
    l.audit.push({ actor: 'clock', entity: 'case', entityId: caseId, action: 'deadline-passed', data: { step: wf.step, deadline: wf.deadline_at } });
    await escalate(l, s, wf, rules);
  }
  if (wf.close_at && wf.close_at <= now) await autoClose(l, s);
}

/** The deadline of the current step passed: the next step that applies fires, a `repeat` step arms, or the ladder is done. */
async function escalate(l: LadderTx, s: NonNullable<Awaited<ReturnType<typeof load>>>, wf: CaseWorkflowRow, rules: Rules): Promise<void> {
  const replied = !!wf.last_reply_at && !!wf.step_started_at && wf.last_reply_at >= wf.step_started_at;
  for (let j = wf.step + 1; j < rules.ladder.length; j++) {
    const next = rules.ladder[j];
    if (next.when === 'deadline') return fireStep(l, s, j);
    if (next.when === 'no-reply') {
      if (!replied) return fireStep(l, s, j);
      l.audit.push({ actor: 'policy', entity: 'case', entityId: s.kase.id, action: 'step-skipped', data: { step: j, name: next.name, why: 'the customer replied' } });
      continue;
    }
    setWf(l, s.kase.id, { deadline_at: null, armed_step: j });
    l.audit.push({ actor: 'policy', entity: 'case', entityId: s.kase.id, action: 'armed', data: { step: j, name: next.name, why: 'waits for a repeat' } });
    return;
  }
  setWf(l, s.kase.id, { deadline_at: null, finished: 1 });
}

async function autoClose(l: LadderTx, s: NonNullable<Awaited<ReturnType<typeof load>>>): Promise<void> {
  const { kase, rules, repo } = s;
  await flushLadder(l);
  const busy = await repo.actionsOfCase(kase.id, ['approved', 'running']);
  if (busy.length) {
    // An action still being carried out: closing now would hide it; look again later.
    const later = addDuration(l.now, rules.autoCloseAfter).toISOString();
    setWf(l, kase.id, { close_at: later });
    await ensureSweep(l, later);
    return;
  }
  await closeCase(l, kase, 'closed', `no new events for ${rules.autoCloseAfter}`, 'clock');
}

/** Closes or resolves a case: outstanding proposals are cancelled, timers stopped, listeners told. */
export async function closeCase(l: LadderTx, kase: CaseRow, status: 'closed' | 'resolved', reason: string, actor: string): Promise<void> {
  await flushLadder(l);
  const repo = new WorkflowRepository(l.tx);
  for (const a of await repo.actionsOfCase(kase.id, ['proposed', 'approved'])) {
    if (await repo.transition(a.id, ['proposed', 'approved'], 'cancelled', { reason: `case ${status}: ${reason}`, finished_at: l.now.toISOString() }, l.now)) {
      l.audit.push({ actor, entity: 'action', entityId: a.id, action: 'cancelled', data: { why: `case ${status}` } });
    }
  }
  await new CaseRepository(l.tx).setStatus(kase.id, status, l.now, true);
  await repo.update(kase.id, { deadline_at: null, resume_at: null, close_at: null, armed_step: null, finished: 1 }, l.now);
  l.audit.push({ actor, entity: 'case', entityId: kase.id, action: status, data: { reason } });
  const closed = { ...kase, status, closed_at: l.now.toISOString() };
  for (const listener of l.registry.caseClosed) await listener(l.tx, closed, { status, reason, actor }, l.now);
}

/**
 * A customer's reply reached the case: the deadline pauses (until an operator resumes it or the
 * policy's longest pause runs out), restarts in full, or runs on, as the category's rules say.
 */
export async function customerReplied(l: LadderTx, caseId: number): Promise<'paused' | 'restarted' | 'unchanged' | 'no-case'> {
  const s = await load(l, caseId);
  if (!s || s.kase.closed_at) return 'no-case';
  const { wf, rules } = s;
  const step = wf.step >= 0 ? rules.ladder[wf.step] : undefined;
  let effect: 'paused' | 'restarted' | 'unchanged' = 'unchanged';
  const patch: Partial<CaseWorkflowRow> = { last_reply_at: l.now.toISOString() };
  if (wf.deadline_at && rules.onReply === 'pause') {
    patch.paused_remaining_ms = Math.max(0, Date.parse(wf.deadline_at) - l.now.getTime());
    patch.deadline_at = null;
    patch.resume_at = addDuration(l.now, rules.replyPauseMax).toISOString();
    effect = 'paused';
  } else if (rules.onReply === 'restart' && step?.deadline !== undefined && (wf.deadline_at || wf.resume_at)) {
    patch.deadline_at = addDuration(l.now, step.deadline).toISOString();
    patch.resume_at = null;
    patch.paused_remaining_ms = null;
    effect = 'restarted';
  }
  setWf(l, caseId, patch);
  l.audit.push({ actor: 'customer', entity: 'case', entityId: caseId, action: 'customer-replied', data: { clock: effect, deadline: patch.deadline_at ?? wf.deadline_at, resumeAt: patch.resume_at ?? null } });
  const next = patch.resume_at ?? patch.deadline_at;
  if (next) await ensureSweep(l, next);
  return effect;
}

/** An operator restarts a paused clock now (the customer's reply was read and answered). */
export async function resumeClock(l: LadderTx, caseId: number, actor: string): Promise<string | null> {
  const wf = await new WorkflowRepository(l.tx).get(caseId);
  if (!wf || wf.paused_remaining_ms === null) return null;
  const deadline = new Date(l.now.getTime() + wf.paused_remaining_ms).toISOString();
  setWf(l, caseId, { resume_at: null, paused_remaining_ms: null, deadline_at: deadline });
  l.audit.push({ actor, entity: 'case', entityId: caseId, action: 'clock-resumed', data: { deadline } });
  await ensureSweep(l, deadline);
  return deadline;
}

/** Makes sure a sweep job runs by `at` (the timers themselves are rows of case_workflow). */
export async function ensureSweep(l: LadderTx, at: string | Date): Promise<void> {
  const when = typeof at === 'string' ? new Date(at) : at;
  const iso = when.toISOString();
  if (l.sweepBy && l.sweepBy <= iso) return;
  if (!(await new WorkflowRepository(l.tx).sweepPendingBy(when))) {
    await new JobRepository(l.tx).enqueue(SWEEP_JOB, {}, l.now, { runAt: when < l.now ? l.now : when, maxAttempts: 1000 });
  }
  l.sweepBy = iso;
}
