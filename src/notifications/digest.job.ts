import type { AbuseDesk } from '../app.js';
import type { JobType } from '../pipeline/worker.js';
import type { Executor, Tx } from '../storage/database.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { CaseRepository } from '../storage/repositories/case.repository.js';
import { CaseMessageRepository } from '../storage/repositories/case-message.repository.js';
import { InvoiceRepository } from '../storage/repositories/invoice.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { NotificationRepository } from '../storage/repositories/notification.repository.js';
import { executorRegistry } from '../workflow/executors.js';
import { categoryRules, policyByRef } from '../workflow/policy.js';
import { completeAction } from '../workflow/service.js';
import type { CaseNoticeInput } from './customer-notice.template.js';
import { renderDigest } from './digest.template.js';
import type { NotificationsModule } from './module.js';
import { caseNoticeInput, clauseOf, contactsOf, stableMessageId } from './notice.service.js';

export const DIGEST_JOB = 'notification-digest';

/** The end of the digest interval `now` falls in: every customer's digest goes out on the same boundaries. */
export function nextBoundary(now: Date, intervalMs: number): Date {
  return new Date((Math.floor(now.getTime() / intervalMs) + 1) * intervalMs);
}

/** Called where a case joins a digest: the customer's first waiting case schedules the digest job for the interval's end. */
export async function scheduleDigest(tx: Tx, customerId: string, intervalMs: number, now: Date): Promise<void> {
  const waiting = await new NotificationRepository(tx).pendingDigest(customerId, 2);
  if (waiting.length === 1) await new JobRepository(tx).enqueue(DIGEST_JOB, { customerId }, now, { runAt: nextBoundary(now, intervalMs), maxAttempts: 20 });
}

async function clauseForCase(db: Executor, kase: { category: string; policy_version: string | null }) {
  const policy = kase.policy_version ? await policyByRef(db, kase.policy_version).catch(() => null) : null;
  return clauseOf(kase.category, policy ? categoryRules(policy, kase.category) : null);
}

/**
 * One mail per customer per interval for all of its cases that joined the digest: each case with its
 * own clause, evidence, deadline and reply address. The notice actions waiting on it complete in
 * the transaction that records the mail.
 */
export function digestJob(desk: AbuseDesk, mod: NotificationsModule): JobType<{ customerId: string }> {
  return {
    kind: DIGEST_JOB,
    maxAttempts: 20,
    async run(job, { customerId }) {
      const db = desk.ctx.db;
      const repo = new NotificationRepository(db);
      const entries = await repo.pendingDigest(customerId);
      const customer = await repo.customer(customerId);
      if (!entries.length || !customer) {
        await new JobRepository(db).complete(job);
        return;
      }
      const to = contactsOf(customer);
      const inputs: CaseNoticeInput[] = [];
      // A case that moved up its ladder twice within one interval is shown once, with its latest deadline.
      const latest = new Map<number, (typeof entries)[number]>();
      for (const e of entries) latest.set(e.case_id, e);
      for (const e of latest.values()) {
        const kase = await new CaseRepository(db).get(e.case_id);
        if (!kase) continue;
        const offer = kase.category === 'resource-abuse' ? await new InvoiceRepository(db).offer(kase.id) : undefined;
        inputs.push(
          await caseNoticeInput(db, {
            kase,
            customer,
            clause: await clauseForCase(db, kase),
            dueAt: e.due_at,
            mailFrom: mod.mailFrom,
            portalUrl: mod.settings.portalUrl,
            resourceOffer: offer ? { feeCents: offer.fee_cents, currency: offer.fee_currency, intervalDays: offer.fee_interval_days } : null,
          }),
        );
      }
      const mail = renderDigest(customer, inputs);
      const key = `digest-${customerId}-${entries[0].id}-${entries.at(-1)!.id}`;
      const messageId = to.length
        ? (
            await mod.withMailer((m) =>
              m.send({ to, subject: mail.subject, text: mail.text, html: mail.html, replyTo: inputs.length === 1 ? inputs[0].replyAddress : undefined, messageId: stableMessageId(key, mod.mailFrom), headers: { 'X-AbuseDesk-Digest': String(inputs.length) } }),
            )
          ).messageId
        : null;
      const now = desk.ctx.clock.now();
      await db.transaction().execute(async (tx) => {
        await new NotificationRepository(tx).markDigestSent(entries.map((e) => e.id), messageId ?? '', now);
        for (const e of entries) {
          await new CaseMessageRepository(tx).insertOnce(
            { caseId: e.case_id, direction: 'outbound', channel: 'mail', kind: 'digest', sender: mod.mailFrom, recipients: to, subject: mail.subject, body: mail.text, messageId, actionId: e.action_id, dedupeKey: `digest-entry:${e.id}` },
            now,
          );
          if (e.action_id) {
            await completeAction(tx, e.action_id, to.length ? { ok: true, result: { messageId, digest: true, to } } : { ok: false, error: `customer ${customerId} has no contact address` }, now, 'notifications', executorRegistry(desk));
          }
        }
        await new AuditRepository(tx).append(now, [{ actor: 'notifications', entity: 'customer', entityId: customerId, action: 'digest-sent', data: { messageId, cases: entries.map((e) => e.case_id) } }]);
        await new JobRepository(tx).complete(job);
      });
    },
  };
}
