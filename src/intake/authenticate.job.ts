import type { PipelineContext } from '../pipeline/context.js';
import type { JobType } from '../pipeline/worker.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { IntakeRepository } from '../storage/repositories/intake.repository.js';
import { AUTH_JOB } from './intake.js';
import { authenticateMessage, type DnsResolver, type SmtpFacts } from './mail-auth.js';

/**
 * SPF, DKIM and DMARC of a received mail, stored in the report's meta as `authentication`. Run
 * after the 250, not before it: DNS answers take their time and a report must never wait on a
 * reporter's DNS to be stored.
 */
export function authenticateJob(ctx: PipelineContext, resolver: DnsResolver, mta: string): JobType<{ reportId: number; smtp: Partial<SmtpFacts> }> {
  return {
    kind: AUTH_JOB,
    maxAttempts: 3,
    async run(job, { reportId, smtp }) {
      const report = await new IntakeRepository(ctx.db).reportForFollowup(reportId);
      if (!report) throw new Error(`report ${reportId} does not exist`);
      const results = await authenticateMessage(report.raw, { clientAddress: smtp.clientAddress ?? null, helo: smtp.helo ?? null, mailFrom: smtp.mailFrom ?? null }, { resolver, mta });
      await ctx.db.transaction().execute(async (tx) => {
        const repo = new IntakeRepository(tx);
        await repo.mergeReportMeta(reportId, { authentication: results });
        await repo.setFollowup(reportId, AUTH_JOB, 'done', results.error, ctx.clock.now());
        await new JobRepository(tx).complete(job);
      });
    },
    async giveUp(_job, { reportId }, error) {
      await new IntakeRepository(ctx.db).setFollowup(reportId, AUTH_JOB, 'failed', error, ctx.clock.now());
    },
  };
}
