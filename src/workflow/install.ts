import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AbuseDesk } from '../app.js';
import type { PipelineHooks } from '../pipeline/hooks.js';
import type { JobType } from '../pipeline/worker.js';
import type { Tx } from '../storage/database.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { PolicyRepository } from '../storage/repositories/policy.repository.js';
import { SWEEP_JOB, WorkflowRepository } from '../storage/repositories/workflow.repository.js';
import { CONSENT_CATEGORIES, ConsentService, consentFor } from './consents.js';
import { executeJob } from './execute.job.js';
import { executorRegistry } from './executors.js';
import { decideCase, ensureSweep, flushLadder, type LadderTx, onTimer } from './ladder.js';
import { activePolicy, parsePolicy } from './policy.js';
import { policyNoticeJobs } from './policy-notice.job.js';
import { connectorSettings, WorkflowRuntime } from './runtime.js';
import { WorkflowService } from './service.js';

export const DECIDE_JOB = 'decide-case';
const SWEEP_BATCH = 250;

/** The shipped default policy, activated on first use when no version was ever activated. */
export const DEFAULT_POLICY_FILE = fileURLToPath(new URL('../../policies/default-policy.yaml', import.meta.url));

export interface Workflow {
  service: WorkflowService;
  consents: ConsentService;
  runtime: WorkflowRuntime;
}

const installed = new WeakMap<AbuseDesk, Workflow>();

/** The workflow of a desk (installed by the AbuseDesk constructor). */
export function workflowOf(desk: AbuseDesk): Workflow {
  const w = installed.get(desk);
  if (!w) throw new Error('the workflow is not installed on this desk');
  return w;
}

/**
 * Wires the policy engine into a desk: the pipeline hooks (consent registry, policy version,
 * decide job written in the correlate transaction), the job types (decide, timer sweep, action
 * execution, policy notices) and the services the CLI and API use.
 */
export function installWorkflow(desk: AbuseDesk): Workflow {
  const ctx = desk.ctx;
  const registry = executorRegistry(desk);
  const runtime = new WorkflowRuntime(registry, desk.config, connectorSettings());
  const service = new WorkflowService(ctx, registry);
  const consents = new ConsentService(ctx.db, ctx.clock);
  const ladder = async <T>(tx: Tx, fn: (l: LadderTx) => Promise<T>): Promise<T> => {
    const l: LadderTx = { tx, now: ctx.clock.now(), audit: [], registry, queued: false };
    const v = await fn(l);
    await flushLadder(l);
    await new AuditRepository(tx).append(l.now, l.audit);
    return v;
  };

  const decide: JobType<{ caseId: number }> = {
    kind: DECIDE_JOB,
    async run(job, { caseId }) {
      await ctx.db.transaction().execute(async (tx) => {
        await ladder(tx, (l) => decideCase(l, caseId));
        await new JobRepository(tx).complete(job);
      });
      ctx.nudge();
    },
  };

  const sweep: JobType = {
    kind: SWEEP_JOB,
    maxAttempts: 1000,
    async run(job) {
      const seen = new Set<number>();
      for (;;) {
        const more = await ctx.db.transaction().execute(async (tx) => {
          const repo = new WorkflowRepository(tx);
          const due = await repo.due(ctx.clock.now(), SWEEP_BATCH);
          const ids = due.filter((id) => !seen.has(id));
          for (const id of ids) seen.add(id);
          const preloaded = await repo.loadMany(ids);
          await ladder(tx, async (l) => {
            l.preloaded = preloaded;
            for (const id of ids) await onTimer(l, id);
          });
          // A full batch of cases not seen before: there may be more. (A case seen twice is one whose timer
          // could not be cleared; it waits for the next sweep rather than spinning this one.)
          if (due.length === SWEEP_BATCH && ids.length > 0) return true;
          // The last batch: this sweep is done, and the next one is booked for the earliest timer left.
          const next = await new WorkflowRepository(tx).nextTimer();
          await new JobRepository(tx).complete(job);
          if (next) await ladder(tx, (l) => ensureSweep(l, next > l.now.toISOString() ? next : l.now));
          return false;
        });
        ctx.nudge();
        if (!more) break;
      }
    },
  };

  desk.worker.register(decide).register(sweep).register(executeJob(ctx, runtime));
  for (const t of policyNoticeJobs(ctx, runtime)) desk.worker.register(t);

  let defaultText: string | null = null;
  const hooks: PipelineHooks = {
    async consentFor(tx, event, match) {
      const now = ctx.clock.now();
      return consentFor(tx, event, match, now, async (category) => {
        const p = await activePolicy(tx, now);
        return p ? (p.categories[category as keyof typeof p.categories]?.consent ?? null) : (CONSENT_CATEGORIES[category] ?? null);
      });
    },
    async policyVersion(tx) {
      const now = ctx.clock.now();
      const p = await activePolicy(tx, now);
      if (p) return p.ref;
      // First use of a fresh desk: the shipped default comes into force, quietly (there is no
      // earlier version customers need to hear about).
      defaultText ??= readFileSync(DEFAULT_POLICY_FILE, 'utf8');
      const def = parsePolicy(defaultText, DEFAULT_POLICY_FILE);
      const stored = await new PolicyRepository(tx).insert({ policyId: def.id, version: def.version, ref: def.ref, effectiveFrom: new Date(Math.min(Date.parse(def.effectiveFrom), now.getTime())).toISOString(), document: defaultText, sha256: def.sha256, activatedAt: now, activatedBy: 'system' });
      if (stored) await new AuditRepository(tx).append(now, [{ actor: 'system', entity: 'policy', entityId: def.ref, action: 'activated', data: { default: true, sha256: def.sha256 } }]);
      return def.ref;
    },
    async afterCorrelate(tx, changes, now) {
      const jobs = new JobRepository(tx);
      for (const c of changes) await jobs.enqueue(DECIDE_JOB, { caseId: c.caseId }, now);
    },
  };
  ctx.hooks = compose(ctx.hooks, hooks);

  // The mailer keeps a connection pool: it must close with the desk or a CLI command never exits.
  const close = desk.close.bind(desk);
  desk.close = async () => {
    runtime.close();
    await close();
  };

  const w = { service, consents, runtime };
  installed.set(desk, w);
  return w;
}

/** Hooks a test or another part set first keep precedence; ours run where they left a gap. */
function compose(first: PipelineHooks, ours: PipelineHooks): PipelineHooks {
  return {
    consentFor: first.consentFor
      ? async (tx, e, m) => (await first.consentFor!(tx, e, m)) ?? ours.consentFor!(tx, e, m)
      : ours.consentFor,
    policyVersion: first.policyVersion ?? ours.policyVersion,
    afterCorrelate: first.afterCorrelate
      ? async (tx, changes, now) => {
          await first.afterCorrelate!(tx, changes, now);
          await ours.afterCorrelate!(tx, changes, now);
        }
      : ours.afterCorrelate,
  };
}
