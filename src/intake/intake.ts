import type { AbuseDesk } from '../app.js';
import type { Receipt, Submission } from '../services/ingest.service.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { IntakeRepository } from '../storage/repositories/intake.repository.js';
import { ackDecision } from './auto-reply.js';
import type { SmtpFacts } from './mail-auth.js';

export const ACK_JOB = 'acknowledge-report';
export const AUTH_JOB = 'authenticate-report';

export interface ReceiveOptions {
  /** Acknowledge to the reporter: the SMTP envelope sender and/or a contact given outside the headers. */
  ack?: { envelopeSender?: string; contact?: string | null } | false;
  /** Check SPF/DKIM/DMARC; SMTP passes what the client said, IMAP passes {} (read from Received). */
  authenticate?: Partial<SmtpFacts> | false;
}

/**
 * Every channel's way in: the report is stored (desk.ingest.submit commits before returning),
 * then its follow-ups are queued, each at most once per report. A report seen again (a client
 * retrying after we failed to answer) gets the follow-ups it missed, never a second copy.
 */
export class Intake {
  constructor(
    private readonly desk: AbuseDesk,
    private readonly opts: { acknowledge: boolean; ownAddresses: readonly string[] },
  ) {}

  async receive(s: Submission, o: ReceiveOptions = {}): Promise<Receipt> {
    const receipt = await this.desk.ingest.submit(s);
    const jobs: { kind: string; payload: unknown; skip: string | null }[] = [];
    if (o.authenticate) jobs.push({ kind: AUTH_JOB, payload: { reportId: receipt.reportId, smtp: o.authenticate }, skip: null });
    if (o.ack) {
      const d = this.opts.acknowledge ? ackDecision(s.raw, { ...o.ack, ownAddresses: this.opts.ownAddresses }) : { skip: 'no outbound relay configured' };
      jobs.push({ kind: ACK_JOB, payload: { reportId: receipt.reportId, to: 'to' in d ? d.to : null }, skip: 'skip' in d ? d.skip : null });
    }
    if (jobs.length) await this.queue(receipt.reportId, jobs);
    return receipt;
  }

  private async queue(reportId: number, jobs: { kind: string; payload: unknown; skip: string | null }[]): Promise<void> {
    const now = this.desk.ctx.clock.now();
    let queued = false;
    await this.desk.ctx.db.transaction().execute(async (tx) => {
      const repo = new IntakeRepository(tx);
      for (const j of jobs) {
        const fresh = await repo.claimFollowup(reportId, j.kind, j.skip ? 'skipped' : 'queued', j.skip, now);
        if (fresh && !j.skip) {
          await new JobRepository(tx).enqueue(j.kind, j.payload, now);
          queued = true;
        }
      }
    });
    if (queued) this.desk.ctx.nudge();
  }
}
