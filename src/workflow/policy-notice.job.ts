import type { PipelineContext } from '../pipeline/context.js';
import type { JobType } from '../pipeline/worker.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { InventoryRepository } from '../storage/repositories/inventory.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { PolicyRepository } from '../storage/repositories/policy.repository.js';
import { policyFromRow } from './policy.js';
import type { WorkflowRuntime } from './runtime.js';
import { POLICY_ANNOUNCE_JOB } from './service.js';

export const POLICY_NOTICE_JOB = 'policy-notice';
const BATCH = 200;

/**
 * A newly activated version is announced to every active customer once: the announce job fans
 * out one notice job per customer, a batch at a time (its cursor travels in the next job), and
 * each notice is recorded in policy_notices so that no customer hears twice.
 */
export function policyNoticeJobs(ctx: PipelineContext, rt: WorkflowRuntime): JobType[] {
  const announce: JobType<{ ref: string; after: string }> = {
    kind: POLICY_ANNOUNCE_JOB,
    maxAttempts: 1000,
    async run(job, { ref, after }) {
      const now = ctx.clock.now();
      await ctx.db.transaction().execute(async (tx) => {
        const customers = await new PolicyRepository(tx).customersToNotice(ref, after, BATCH);
        const jobs = new JobRepository(tx);
        for (const c of customers) await jobs.enqueue(POLICY_NOTICE_JOB, { ref, customerId: c.id }, now, { maxAttempts: 20 });
        if (customers.length === BATCH) await jobs.enqueue(POLICY_ANNOUNCE_JOB, { ref, after: customers[customers.length - 1].id }, now, { maxAttempts: 1000 });
        await jobs.complete(job);
      });
      ctx.nudge();
    },
  };

  const notice: JobType<{ ref: string; customerId: string }> = {
    kind: POLICY_NOTICE_JOB,
    maxAttempts: 20,
    async run(job, { ref, customerId }) {
      const repo = new PolicyRepository(ctx.db);
      const [row, customer, already] = await Promise.all([repo.byRef(ref), new InventoryRepository(ctx.db).customer(customerId), repo.noticed(ref, customerId)]);
      let messageId: string | null = null;
      if (row && customer && !already && customer.status === 'active') {
        const policy = policyFromRow(row);
        const to = (JSON.parse(customer.contacts) as unknown[]).filter((x): x is string => typeof x === 'string');
        if (to.length) {
          const domain = rt.config.mailFrom.split('@').pop()?.replace(/>$/, '') || 'abusedesk.invalid';
          const r = await rt.mailer.send({
            to,
            subject: `Acceptable Use Policy update: version ${policy.version} effective ${policy.effectiveFrom}`,
            text: [
              `Dear ${customer.name},`,
              '',
              `Our Acceptable Use Policy changes: version ${policy.version} takes effect on ${policy.effectiveFrom}.`,
              policy.description ? `\n${policy.description}\n` : '',
              'Cases opened from that moment on are handled under the new version; earlier cases keep the version they opened under.',
              '',
            ].join('\n'),
            // One Message-ID per version and customer: a notice sent again after a crash is recognizably the same one.
            messageId: `<policy-${ref.replace(/[^A-Za-z0-9.-]/g, '_')}-${customerId.replace(/[^A-Za-z0-9.-]/g, '_')}@${domain}>`,
          });
          messageId = r.messageId;
        }
      }
      const now = ctx.clock.now();
      await ctx.db.transaction().execute(async (tx) => {
        if (row && customer && !already && (await new PolicyRepository(tx).markNoticed(ref, customerId, now, messageId))) {
          await new AuditRepository(tx).append(now, [{ actor: 'policy', entity: 'customer', entityId: customerId, action: 'policy-noticed', data: { policy: ref, messageId } }]);
        }
        await new JobRepository(tx).complete(job);
      });
    },
  };
  return [announce, notice];
}
