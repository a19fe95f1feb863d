import { envelopeOf } from '../intake/envelope.js';
import type { PipelineContext } from '../pipeline/context.js';
import { PARSE_JOB } from '../pipeline/parse.step.js';
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

/**
 * Intake's one door into the system: the raw report is stored with its hash, and its parse job
 * queued, in one transaction. When this returns, the report is durable.
 */
export class IngestService {
  constructor(private readonly ctx: PipelineContext) {}

  async submit(s: Submission): Promise<Receipt> {
    const env = envelopeOf(s.raw);
    const now = this.ctx.clock.now();
    const raw = Buffer.from(s.raw.buffer, s.raw.byteOffset, s.raw.byteLength);
    const receipt = await this.ctx.db.transaction().execute(async (tx) => {
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
    });
    if (!receipt.duplicate) this.ctx.nudge();
    return receipt;
  }
}
