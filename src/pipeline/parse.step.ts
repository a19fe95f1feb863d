import type { NormalizedEvent } from '../domain/event.js';
import { parseReport } from '../parsers/index.js';
import type { ParseResult } from '../parsers/types.js';
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
export function parseStep(ctx: PipelineContext): JobType<{ reportId: number }> {
  return {
    kind: PARSE_JOB,
    maxAttempts: 3,
    async run(job, { reportId }) {
      const report = await new ReportRepository(ctx.db).raw(reportId);
      if (!report) throw new Error(`report ${reportId} does not exist`);
      const result = isCaseReply(report.meta)
        ? { format: 'case-reply', events: [], error: null, notActionable: true }
        : await parseReport(report.raw, { filename: report.filename ?? undefined, receivedAt: report.received_at });
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
