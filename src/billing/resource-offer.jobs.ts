import type { AbuseDesk } from '../app.js';
import type { NotificationsModule } from '../notifications/module.js';
import type { JobType } from '../pipeline/worker.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { OFFER_DUE_JOB, offerFollowUp, RESOURCE_FEE_JOB, recurringFee } from './resource-offer.service.js';

/** The offer's timers as durable jobs: each decision is written with the job's completion. */
export function offerDueJob(desk: AbuseDesk, mod: NotificationsModule): JobType<{ caseId: number }> {
  return {
    kind: OFFER_DUE_JOB,
    maxAttempts: 20,
    async run(job, { caseId }) {
      const now = desk.ctx.clock.now();
      const outcome = await desk.ctx.db.transaction().execute(async (tx) => {
        const r = await offerFollowUp(tx, mod, caseId, now);
        await new JobRepository(tx).complete(job);
        return r;
      });
      desk.ctx.log.info({ case: caseId, outcome }, 'resource offer follow-up');
      desk.ctx.nudge();
    },
  };
}

export function resourceFeeJob(desk: AbuseDesk, mod: NotificationsModule): JobType<{ caseId: number; period: number }> {
  return {
    kind: RESOURCE_FEE_JOB,
    maxAttempts: 20,
    async run(job, { caseId, period }) {
      const now = desk.ctx.clock.now();
      await desk.ctx.db.transaction().execute(async (tx) => {
        await recurringFee(tx, mod, caseId, period, now);
        await new JobRepository(tx).complete(job);
      });
      desk.ctx.nudge();
    },
  };
}
