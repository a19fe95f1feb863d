import type { Mailer } from '../connectors/mailer.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { JobType } from '../pipeline/worker.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { IntakeRepository } from '../storage/repositories/intake.repository.js';
import { automaticReport } from './auto-reply.js';
import { ACK_JOB } from './intake.js';

/**
 * The automatic reply that gives a reporter the reference of their report. Sent at most once:
 * the follow-up row is marked `attempted` before the relay is called, so a crash in the middle
 * of a send leaves a visible `failed` rather than a second mail to the reporter.
 */
export function acknowledgeJob(ctx: PipelineContext, mailer: Mailer, from: string): JobType<{ reportId: number; to: string }> {
  const domain = from.split('@')[1] ?? 'abusedesk.invalid';
  return {
    kind: ACK_JOB,
    maxAttempts: 5,
    backoffMs: (n) => Math.min(60_000 * 2 ** (n - 1), 3_600_000),
    async run(job, { reportId, to }) {
      const state = await new IntakeRepository(ctx.db).followup(reportId, ACK_JOB);
      if (state && (state.state === 'done' || state.state === 'skipped' || state.state === 'failed' || state.state === 'attempted')) {
        await ctx.db.transaction().execute(async (tx) => {
          if (state.state === 'attempted') {
            await new IntakeRepository(tx).setFollowup(reportId, ACK_JOB, 'failed', 'interrupted while sending; not resent so the reporter never gets it twice', ctx.clock.now());
          }
          await new JobRepository(tx).complete(job);
        });
        return;
      }
      const report = await new IntakeRepository(ctx.db).reportForFollowup(reportId);
      if (!report) throw new Error(`report ${reportId} does not exist`);
      // Parsed by now as a rule (its parse job was queued first); the headers alone did not show it.
      const automatic = automaticReport({ ...report, meta: safeMeta(report.meta) });
      if (automatic) {
        await ctx.db.transaction().execute(async (tx) => {
          await new IntakeRepository(tx).setFollowup(reportId, ACK_JOB, 'skipped', automatic, ctx.clock.now());
          await new JobRepository(tx).complete(job);
        });
        return;
      }
      await new IntakeRepository(ctx.db).setFollowup(reportId, ACK_JOB, 'attempted', null, ctx.clock.now());
      let messageId: string;
      try {
        const subject = report.subject ? `Re: ${report.subject.replace(/^(re:\s*)+/i, '')}` : 'Your abuse report';
        const sent = await mailer.send({
          to,
          subject: `[AbuseDesk report ${reportId}] ${subject}`.slice(0, 300),
          text: [
            'Thank you for your report. It has been received and will be handled under our Acceptable Use Policy.',
            '',
            `Reference: report ${reportId}`,
            '',
            'Please quote this reference in any further correspondence about this matter.',
            'This is an automatic reply; replies to it reach the abuse desk.',
          ].join('\n'),
          messageId: `<ack-report-${reportId}@${domain}>`,
          headers: {
            'Auto-Submitted': 'auto-replied',
            'X-AbuseDesk-Report': String(reportId),
            ...(report.message_id ? { 'In-Reply-To': `<${report.message_id}>`, References: `<${report.message_id}>` } : {}),
          },
        });
        messageId = sent.messageId;
      } catch (err) {
        // The relay refused or was unreachable: nothing went out, a retry is safe.
        await new IntakeRepository(ctx.db).setFollowup(reportId, ACK_JOB, 'queued', `send failed: ${err instanceof Error ? err.message : String(err)}`, ctx.clock.now());
        throw err;
      }
      await ctx.db.transaction().execute(async (tx) => {
        await new IntakeRepository(tx).setFollowup(reportId, ACK_JOB, 'done', `sent to ${to} as ${messageId}`, ctx.clock.now());
        await new JobRepository(tx).complete(job);
      });
    },
    async giveUp(_job, { reportId }, error) {
      await new IntakeRepository(ctx.db).setFollowup(reportId, ACK_JOB, 'failed', error, ctx.clock.now());
    },
  };
}

function safeMeta(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}
