import { type Envelope, envelopeOf } from '../intake/envelope.js';
import type { BlobStore } from '../storage/blob-store.js';
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

/** A report read as it streams (a big file from disk): its bytes go to the blob store, never all into memory. */
export interface StreamSubmission extends Omit<Submission, 'raw'> {
  source: AsyncIterable<Uint8Array>;
}

/** Raw reports bigger than this are best submitted as a stream (kept as a blob file, parsed streaming). */
export const LARGE_REPORT_BYTES = 32 * 1024 * 1024;

/** How much of a streamed report's start is kept to read its envelope (mail headers). */
const HEAD_BYTES = 256 * 1024;

export interface Receipt {
  reportId: number;
  duplicate: boolean;
}

interface Waiting {
  s: Submission;
  env: Envelope;
  /** Set for a blob report: its size on disk (the row's raw is empty). */
  size?: number;
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

  constructor(
    private readonly ctx: PipelineContext,
    private readonly blobs: BlobStore | null = null,
  ) {}

  async submit(s: Submission): Promise<Receipt> {
    const env = envelopeOf(s.raw);
    return new Promise<Receipt>((resolve, reject) => {
      this.waiting.push({ s, env, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /**
   * The door for big reports: the bytes stream into the blob store while hashed, and the report row
   * records the blob (`meta.blob`) with an empty raw; the parse step then streams it from disk.
   * Durable when this resolves, like submit().
   */
  async submitStream(s: StreamSubmission): Promise<Receipt> {
    if (!this.blobs) throw new Error('no blob store: big reports cannot be stored');
    const head: Buffer[] = [];
    let headLength = 0;
    async function* tap(): AsyncGenerator<Uint8Array> {
      for await (const chunk of s.source) {
        if (headLength < HEAD_BYTES) {
          head.push(Buffer.from(chunk.subarray(0, HEAD_BYTES - headLength)));
          headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
        }
        yield chunk;
      }
    }
    const blob = await this.blobs.put(tap());
    const env = { ...envelopeOf(Buffer.concat(head)), sha256: blob.sha256 };
    const { source: _, ...rest } = s;
    const sub: Submission = { ...rest, raw: new Uint8Array(0), meta: { ...s.meta, blob: { sha256: blob.sha256, size: blob.size } } };
    return new Promise<Receipt>((resolve, reject) => {
      this.waiting.push({ s: sub, env, size: blob.size, resolve, reject });
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

  private async store(tx: Tx, { s, env, size: blobSize }: Waiting, now: Date): Promise<Receipt> {
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
      size: blobSize,
      meta: s.meta ?? {},
    });
    if (!duplicate) {
      await new JobRepository(tx).enqueue(PARSE_JOB, { reportId: id }, now);
      await new AuditRepository(tx).append(now, [{ actor: s.channel, entity: 'report', entityId: id, action: 'received', data: { sha256: env.sha256, size: blobSize ?? raw.length } }]);
    }
    return { reportId: id, duplicate };
  }
}
