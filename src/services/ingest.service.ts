import { type Envelope, envelopeOf } from '../intake/envelope.js';
import type { PipelineContext } from '../pipeline/context.js';
import { PARSE_JOB } from '../pipeline/parse.step.js';
import type { Tx } from '../storage/database.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { ReportRepository } from '../storage/repositories/report.repository.js';

export interface Submission {
  raw: Uint8Array;
  /** smtp, imap, api, form, file */
  channel: string;
  filename?: string | null;
  /** Overrides what the mail headers say (the form's reporter, an API token's owner). */
  reporter?: string | null;
  meta?: Record<string, unknown>;
}

export interface Receipt {
  reportId: number;
  duplicate: boolean;
}

interface Waiting {
  s: Submission;
  env: Envelope;
  resolve(r: Receipt): void;
  reject(e: unknown): void;
}

/** Most reports one commit takes; a bound on transaction size, not a wait: nothing is held back to fill it. */
const MAX_GROUP = 256;

/**
 * Intake's one door into the system: the raw report is stored with its hash, and its parse job
 * queued, in one transaction. When submit() resolves, the report is durable.
 *
 * Group commit: submissions that arrive while a commit is under way are stored together in the
 * next one. Each commit costs a disk flush (synchronous=FULL), so under load (twenty SMTP clients)
 * many reports share one flush, and an idle desk still commits a lone report at once.
 */
export class IngestService {
  private readonly waiting: Waiting[] = [];
  private flushing = false;

  constructor(private readonly ctx: PipelineContext) {}

  async submit(s: Submission): Promise<Receipt> {
    const env = envelopeOf(s.raw);
    return new Promise<Receipt>((resolve, reject) => {
      this.waiting.push({ s, env, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.waiting.length) {
        const group = this.waiting.splice(0, MAX_GROUP);
        try {
          const now = this.ctx.clock.now();
          const receipts = await this.ctx.db.transaction().execute(async (tx) => {
            const out: Receipt[] = [];
            for (const w of group) out.push(await this.store(tx, w, now));
            return out;
          });
          group.forEach((w, i) => w.resolve(receipts[i]));
          if (receipts.some((r) => !r.duplicate)) this.ctx.nudge();
        } catch (err) {
          // Nothing of the group was stored: every caller hears so (SMTP answers 451, the client retries).
          for (const w of group) w.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async store(tx: Tx, { s, env }: Waiting, now: Date): Promise<Receipt> {
    const raw = Buffer.from(s.raw.buffer, s.raw.byteOffset, s.raw.byteLength);
    const { id, duplicate } = await new ReportRepository(tx).insertOnce({
      sha256: env.sha256,
      channel: s.channel,
      reporter: s.reporter ?? env.reporter,
      messageId: env.messageId,
      subject: env.subject,
      filename: s.filename ?? null,
      receivedAt: now,
      raw,
      meta: s.meta ?? {},
    });
    if (!duplicate) {
      await new JobRepository(tx).enqueue(PARSE_JOB, { reportId: id }, now);
      await new AuditRepository(tx).append(now, [{ actor: s.channel, entity: 'report', entityId: id, action: 'received', data: { sha256: env.sha256, size: raw.length } }]);
    }
    return { reportId: id, duplicate };
  }
}
