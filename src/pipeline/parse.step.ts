import type { NormalizedEvent } from '../domain/event.js';
import { readFile } from 'node:fs/promises';
import { parseReport } from '../parsers/index.js';
import { CsvStreamError, MAX_STRUCTURED_BYTES, streamCsvBatches } from '../parsers/structured/index.js';
import type { ParseResult } from '../parsers/types.js';
import type { BlobStore } from '../storage/blob-store.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { EventRepository } from '../storage/repositories/event.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { ReportRepository } from '../storage/repositories/report.repository.js';
import type { ReportStatus } from '../storage/schema.js';
import { eventFingerprint } from './fingerprint.js';
import type { JobType } from './worker.js';
import type { PipelineContext } from './context.js';

export const PARSE_JOB = 'parse-report';
export const CORRELATE_JOB = 'correlate-report';

/** parse: the stored raw report -> normalized events, the report's outcome and the correlate job, in one transaction. */
export function parseStep(ctx: PipelineContext, blobs: BlobStore | null = null): JobType<{ reportId: number }> {
  return {
    kind: PARSE_JOB,
    maxAttempts: 3,
    async run(job, { reportId }) {
      const report = await new ReportRepository(ctx.db).raw(reportId);
      if (!report) throw new Error(`report ${reportId} does not exist`);
      const blob = blobOf(report.meta);
      if (blob && blobs && (await parseBlobStreaming(ctx, blobs, job, reportId, blob, report))) return;
      const raw = blob && blobs ? await readFile(blobs.path(blob.sha256)) : report.raw;
      const result = isCaseReply(report.meta)
        ? { format: 'case-reply', events: [], error: null, notActionable: true }
        : await parseReport(raw, { filename: report.filename ?? undefined, receivedAt: report.received_at });
      const events = result.events.map((e) => ({ ...e, fingerprint: eventFingerprint(e) }));
      const now = ctx.clock.now();
      await ctx.db.transaction().execute(async (tx) => {
        const added = await new EventRepository(tx).insertNew(reportId, events, now);
        const status = outcome(result);
        await new ReportRepository(tx).setOutcome(reportId, { status, format: result.format, error: result.error, eventCount: events.length });
        if (added > 0) await new JobRepository(tx).enqueue(CORRELATE_JOB, { reportId }, now);
        await new AuditRepository(tx).append(now, [
          { actor: 'pipeline', entity: 'report', entityId: reportId, action: status, data: { format: result.format, events: events.length, newEvents: added, error: result.error } },
        ]);
        await new JobRepository(tx).complete(job);
      });
      ctx.nudge();
    },
    async giveUp(_job, { reportId }, error) {
      // A parser bug must still leave the report visible as failed, with the reason.
      await new ReportRepository(ctx.db).setOutcome(reportId, { status: 'failed', format: null, error: `internal error while parsing: ${error}`, eventCount: 0 });
    },
  };
}

/**
 * A blob report (a big CSV) read as it streams: each batch of events is stored in its own
 * transaction, and the outcome, the correlate job and the job's completion in the last one. A crash
 * half-way re-runs the job; events already stored are skipped by their fingerprint, so none is lost
 * or doubled. Returns false when the blob is no CSV table and small enough to be parsed whole (a
 * big mail), so the caller does that instead.
 */
async function parseBlobStreaming(
  ctx: PipelineContext,
  blobs: BlobStore,
  job: Parameters<JobType['run']>[0],
  reportId: number,
  blob: { sha256: string; size: number },
  report: { filename: string | null; received_at: string },
): Promise<boolean> {
  const file = blobs.open(blob.sha256);
  // The CSV stream reports any failure as a CSV error; a failed read of the file is the disk's
  // fault, not the report's, and must fail the job (retried) rather than the report.
  let readError: unknown = null;
  file.on('error', (err) => (readError = err));
  let total = 0;
  let added = 0;
  let error: string | null = null;
  try {
    for await (const batch of streamCsvBatches(file, { filename: report.filename ?? undefined, receivedAt: report.received_at })) {
      const events = batch.map((e) => ({ ...e, fingerprint: eventFingerprint(e) }));
      const now = ctx.clock.now();
      added += await ctx.db.transaction().execute((tx) => new EventRepository(tx).insertNew(reportId, events, now));
      total += events.length;
    }
  } catch (err) {
    if (readError) throw readError;
    if (!(err instanceof CsvStreamError)) throw err;
    if (total === 0 && blob.size <= MAX_STRUCTURED_BYTES) return false;
    error = err.message;
  } finally {
    file.destroy();
  }
  const format = 'csv-stream';
  const status: ReportStatus = error ? 'failed' : total === 0 ? 'not-actionable' : 'parsed';
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    await new ReportRepository(tx).setOutcome(reportId, { status, format, error, eventCount: total });
    // Not `added > 0`: after a crash the events may all be stored already, still waiting for correlation.
    if (total > 0) await new JobRepository(tx).enqueue(CORRELATE_JOB, { reportId }, now);
    await new AuditRepository(tx).append(now, [
      { actor: 'pipeline', entity: 'report', entityId: reportId, action: status, data: { format, events: total, newEvents: added, error, blob: blob.sha256 } },
    ]);
    await new JobRepository(tx).complete(job);
  });
  ctx.nudge();
  return true;
}

function blobOf(meta: string): { sha256: string; size: number } | null {
  try {
    const blob = (JSON.parse(meta) as { blob?: { sha256?: unknown; size?: unknown } }).blob;
    return blob && typeof blob.sha256 === 'string' && typeof blob.size === 'number' ? { sha256: blob.sha256, size: blob.size } : null;
  } catch {
    return null;
  }
}

/**
 * Mail to a case's plus-address (abuse+case-N@) is the customer's or reporter's reply in that
 * case: the workflow threads it as a message. Read as a report, a reply quoting our notice would
 * look like the same abuse again and escalate the case.
 */
function isCaseReply(meta: string): boolean {
  try {
    return typeof (JSON.parse(meta) as { caseId?: unknown }).caseId === 'number';
  } catch {
    return false;
  }
}

function outcome(r: ParseResult): ReportStatus {
  if (r.error) return 'failed';
  if (r.notActionable || r.events.length === 0) return 'not-actionable';
  return 'parsed';
}

export type { NormalizedEvent };
