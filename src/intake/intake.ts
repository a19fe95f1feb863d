import type { AbuseDesk } from '../app.js';
import type { Receipt, Submission } from '../services/ingest.service.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { IntakeRepository } from '../storage/repositories/intake.repository.js';
import { ackDecision } from './auto-reply.js';
import type { SmtpFacts } from './mail-auth.js';

export const ACK_JOB = 'acknowledge-report';
export const AUTH_JOB = 'authenticate-report';
/** Written once the follow-ups of a report are planned: what reconcile() looks for. */
const PLANNED = 'planned';
/** The channels whose reports get follow-ups; files from the CLI get none. */
const LIVE_CHANNELS = ['smtp', 'imap', 'form', 'api'];
const BATCH = 500;

interface StoredReport {
  id: number;
  raw: Buffer;
  channel: string;
  reporter: string | null;
  meta: string;
}

interface Followup {
  kind: string;
  payload: unknown;
  skip: string | null;
}

/**
 * Every channel's way in. receive() returns once desk.ingest.submit committed the report, so a
 * channel may answer "stored" (SMTP 250) at once. The follow-ups (SPF/DKIM/DMARC check,
 * acknowledgement) are planned from the stored report alone, afterwards and in batches: one
 * commit for many reports instead of a second one on every 250. Planning is idempotent (each
 * follow-up is claimed once per report), and reconcile() plans whatever a crash left unplanned.
 */
export class Intake {
  private pending = new Set<number>();
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly desk: AbuseDesk,
    private readonly opts: { acknowledge: boolean; ownAddresses: readonly string[] },
  ) {}

  async receive(s: Submission): Promise<Receipt> {
    const receipt = await this.desk.ingest.submit(s);
    if (LIVE_CHANNELS.includes(s.channel)) {
      this.pending.add(receipt.reportId);
      this.schedule();
    }
    return receipt;
  }

  /** Plans the follow-ups of every report received so far; resolves when they are committed. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const ids = [...this.pending].slice(0, BATCH);
    this.flushing = this.plan(ids)
      .then(() => ids.forEach((id) => this.pending.delete(id)))
      .finally(() => (this.flushing = null));
    await this.flushing;
    if (this.pending.size) await this.flush();
  }

  /** Plans the follow-ups of stored reports that never got them (after a crash). Returns how many. */
  async reconcile(): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await new IntakeRepository(this.desk.ctx.db).reportsWithoutFollowups(LIVE_CHANNELS, PLANNED, BATCH);
      if (!ids.length) return total;
      await this.plan(ids);
      total += ids.length;
    }
  }

  /** Stops the background flush and plans what is pending. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush().catch((err) => this.desk.ctx.log.error({ err: String(err) }, 'intake follow-ups not planned; reconcile will plan them at the next start'));
  }

  private schedule(): void {
    if (this.timer) return;
    // A few milliseconds gather the reports of concurrent sessions into one commit.
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch((err) => {
        this.desk.ctx.log.error({ err: err instanceof Error ? err.message : String(err) }, 'planning intake follow-ups failed; will retry');
        setTimeout(() => this.schedule(), 1000).unref();
      });
    }, 5);
  }

  private async plan(ids: number[]): Promise<void> {
    const now = this.desk.ctx.clock.now();
    let queued = false;
    await this.desk.ctx.db.transaction().execute(async (tx) => {
      const repo = new IntakeRepository(tx);
      for (const id of ids) {
        if (!(await repo.claimFollowup(id, PLANNED, 'done', null, now))) continue;
        const report = await repo.reportForFollowup(id);
        if (!report) continue;
        for (const f of this.followupsOf(report)) {
          const fresh = await repo.claimFollowup(id, f.kind, f.skip ? 'skipped' : 'queued', f.skip, now);
          if (fresh && !f.skip) {
            await new JobRepository(tx).enqueue(f.kind, f.payload, now);
            queued = true;
          }
        }
      }
    });
    if (queued) this.desk.ctx.nudge();
  }

  /** What a stored report calls for, read from its channel and the metadata its channel recorded. */
  private followupsOf(r: StoredReport): Followup[] {
    const meta = safeJson(r.meta);
    const out: Followup[] = [];
    const ack = (o: { envelopeSender?: string; contact?: string | null }) => {
      const d = this.opts.acknowledge ? ackDecision(r.raw, { ...o, ownAddresses: this.opts.ownAddresses }) : { skip: 'no outbound relay configured' };
      out.push({ kind: ACK_JOB, payload: { reportId: r.id, to: 'to' in d ? d.to : null }, skip: 'skip' in d ? d.skip : null });
    };
    const auth = (smtp: Partial<SmtpFacts>) => out.push({ kind: AUTH_JOB, payload: { reportId: r.id, smtp }, skip: null });
    // A reply to one of our case mails (abuse+case-N@) is a message in that case, not a new report: no acknowledgement.
    if (typeof meta.caseId === 'number') {
      if (r.channel === 'smtp') auth({ clientAddress: meta.smtp?.clientAddress ?? null, helo: meta.smtp?.helo ?? null, mailFrom: meta.smtp?.mailFrom ?? null });
      return out;
    }
    if (r.channel === 'smtp') {
      const s = (meta.smtp ?? {}) as Partial<SmtpFacts>;
      auth({ clientAddress: s.clientAddress ?? null, helo: s.helo ?? null, mailFrom: s.mailFrom ?? null });
      ack({ envelopeSender: s.mailFrom ?? undefined });
    } else if (r.channel === 'imap') {
      auth({});
      ack({});
    } else if (r.channel === 'form') {
      ack({ contact: r.reporter });
    } else if (r.channel === 'api' && !meta.trusted) {
      // Fields: the reporter gave a contact. A raw mail: its own headers say whom to answer. XARF: a machine, no reply.
      if (meta.fields) ack({ contact: r.reporter });
      else if (meta.kind === 'message') {
        auth({});
        ack({});
      }
    }
    return out;
  }
}

function safeJson(text: string): Record<string, any> {
  try {
    return JSON.parse(text) as Record<string, any>;
  } catch {
    return {};
  }
}
