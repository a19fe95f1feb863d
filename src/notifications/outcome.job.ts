import type { AbuseDesk } from '../app.js';
import type { JobType } from '../pipeline/worker.js';
import { parseHeaderSection, splitHeaderBody } from '../parsers/mail/headers.js';
import type { Tx } from '../storage/database.js';
import { ActionRepository } from '../storage/repositories/action.repository.js';
import type { CaseRow } from '../storage/repositories/case.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { NotificationRepository } from '../storage/repositories/notification.repository.js';
import type { Outcome } from './locales/index.js';
import type { NotificationsModule } from './module.js';
import { sendOnce, stableMessageId } from './notice.service.js';
import { renderOutcome } from './outcome.template.js';
import { caseReplyAddress } from './plus-address.js';

export const OUTCOME_JOB = 'reporter-outcome';

/** Queued in the transaction that closes a case (the workflow's case-closed listener). */
export async function queueOutcome(tx: Tx, kase: CaseRow, now: Date): Promise<void> {
  await new JobRepository(tx).enqueue(OUTCOME_JOB, { caseId: kase.id, status: kase.status }, now, { maxAttempts: 10 });
}

/** What the reporter hears: the strongest step actually carried out, else how the case ended. */
export function outcomeOf(actions: { kind: string; status: string }[], status: string): Outcome {
  const done = new Set(actions.filter((a) => a.status === 'done').map((a) => a.kind));
  if (done.has('terminate')) return 'terminated';
  if (done.has('suspend')) return 'suspended';
  if (done.has('remove-content')) return 'content-removed';
  return status === 'resolved' ? 'resolved' : 'no-action';
}

const ROBOT_LOCAL = /^(no-?reply|do-?not-?reply|donotreply|mailer-daemon|postmaster|bounces?|auto(mated)?|robot|daemon|notifications?|fbl|arf|feedback(-?loop)?|scomp|abuse-?reports?-?noreply)([+._-].*)?$/i;

/**
 * Never to auto-generated senders (RFC 3834): a report that says it was machine-sent, arrived from
 * a list or bulk sender, or comes from a no-reply style address gets no outcome mail, whatever its
 * preference says (it would only bounce or loop).
 */
export function isAutomatedSender(address: string, raw: Buffer | null): boolean {
  const local = address.split('@')[0] ?? '';
  if (ROBOT_LOCAL.test(local)) return true;
  if (!raw) return false;
  const head = raw.subarray(0, 64 * 1024).toString('latin1');
  const headers = parseHeaderSection(splitHeaderBody(head)[0]);
  const auto = headers.get('auto-submitted');
  if (auto && auto.trim().toLowerCase() !== 'no') return true;
  if (/^(bulk|junk|list|auto_reply)$/i.test(headers.get('precedence')?.trim() ?? '')) return true;
  if (headers.get('x-autoreply') || headers.get('x-autorespond') || headers.get('list-id')) return true;
  return false;
}

function addressOnly(reporter: string): string | null {
  const a = (/<([^>]+)>/.exec(reporter)?.[1] ?? reporter).trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a) ? a : null;
}

/** Tells each reporter who opted in (preference table, or the opt-in their report carried) how the case ended. */
export function outcomeJob(desk: AbuseDesk, mod: NotificationsModule): JobType<{ caseId: number; status: string }> {
  return {
    kind: OUTCOME_JOB,
    maxAttempts: 10,
    async run(job, { caseId, status }) {
      const db = desk.ctx.db;
      const repo = new NotificationRepository(db);
      const outcome = outcomeOf(await new ActionRepository(db).forCase(caseId), status);
      const reports = await repo.reportsOfCase(caseId, true);
      const byReporter = new Map<string, (typeof reports)[number]>();
      const optedInByReport = new Set<string>();
      for (const r of reports) {
        const a = r.reporter ? addressOnly(r.reporter) : null;
        if (!a) continue;
        // The first report of each reporter stands for them; an automated one rules the address out.
        if (isAutomatedSender(a, r.raw)) {
          byReporter.set(a, { ...r, reporter: null });
          continue;
        }
        if (!byReporter.has(a)) byReporter.set(a, r);
        try {
          if ((JSON.parse(r.meta) as { notifyOutcome?: unknown }).notifyOutcome === true) optedInByReport.add(a);
        } catch {
          // Unreadable meta carries no opt-in.
        }
      }
      const prefs = new Map((await repo.reporterPreferences([...byReporter.keys()])).map((p) => [p.reporter, p]));
      const sent: string[] = [];
      for (const [address, report] of byReporter) {
        if (!report.reporter) continue;
        const pref = prefs.get(address);
        const wants = pref ? pref.notify_outcome === 1 : optedInByReport.has(address);
        if (!wants) continue;
        const mail = renderOutcome({ caseId, locale: pref?.locale ?? 'en', outcome, reportReceivedAt: report.received_at, reportSubject: report.subject });
        const key = `outcome-${caseId}-${address}`;
        await mod.withMailer((m) =>
          sendOnce(
            db,
            m,
            { to: address, subject: mail.subject, text: mail.text, html: mail.html, replyTo: caseReplyAddress(mod.mailFrom, caseId), messageId: stableMessageId(key, mod.mailFrom), headers: { 'X-AbuseDesk-Case': String(caseId) } },
            { caseId, kind: 'outcome', sender: mod.mailFrom, recipients: [address], subject: mail.subject, body: mail.text, reportId: report.id, dedupeKey: `outcome:${caseId}:${address}`, meta: { outcome } },
            desk.ctx.clock.now(),
          ),
        );
        sent.push(address);
      }
      await db.transaction().execute((tx) => new JobRepository(tx).complete(job));
      if (sent.length) desk.ctx.log.info({ case: caseId, reporters: sent.length, outcome }, 'reporters told the outcome');
    },
  };
}
