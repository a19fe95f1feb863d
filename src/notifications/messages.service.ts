import { simpleParser } from 'mailparser';
import type { AbuseDesk } from '../app.js';
import type { JobType } from '../pipeline/worker.js';
import type { Tx } from '../storage/database.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { CaseRepository } from '../storage/repositories/case.repository.js';
import { type CaseMessageRow, CaseMessageRepository } from '../storage/repositories/case-message.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { NotificationRepository } from '../storage/repositories/notification.repository.js';
import { onCustomerReply } from '../workflow/service.js';
import { chooseResourceOption, choiceFromText, ResourceOfferError } from '../billing/resource-offer.service.js';
import { caseReference } from './customer-notice.template.js';
import type { NotificationsModule } from './module.js';
import { contactsOf, stableMessageId } from './notice.service.js';
import { caseIdFromTag, caseReplyAddress } from './plus-address.js';

export const SEND_MESSAGE_JOB = 'send-case-message';
const REPLY_CURSOR = 'notifications.reply_cursor';
const MAX_BODY = 64 * 1024;

export class MessageError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'invalid',
  ) {
    super(message);
  }
}

/** What leaves the server about a message (API): addresses of third parties are not in it beyond sender and recipients. */
export function presentMessage(m: CaseMessageRow) {
  return {
    id: m.id,
    caseId: m.case_id,
    direction: m.direction,
    channel: m.channel,
    kind: m.kind,
    sender: m.sender,
    recipients: JSON.parse(m.recipients) as string[],
    subject: m.subject,
    body: m.body,
    messageId: m.message_id,
    reportId: m.report_id,
    actionId: m.action_id,
    createdAt: m.created_at,
  };
}

/** The case a stored report is addressed to: the intake's plus tag (meta.caseId, meta.plusTags), else the subject's reference. */
export function caseOfReport(meta: Record<string, unknown>, subject: string | null): number | null {
  const direct = caseIdFromTag(meta.caseId);
  if (direct) return direct;
  if (Array.isArray(meta.plusTags)) for (const t of meta.plusTags) if (caseIdFromTag(t)) return caseIdFromTag(t);
  return subject ? caseIdFromTag(subject) : null;
}

/** Whether a sender speaks for the customer: one of its contacts, or an address at a contact's or the customer's domain. */
function isCustomerSender(address: string, contacts: string[], domains: string[]): boolean {
  const a = address.toLowerCase();
  if (contacts.some((c) => c.toLowerCase() === a)) return true;
  const d = a.split('@').pop() ?? '';
  const own = [...contacts.map((c) => c.toLowerCase().split('@').pop() ?? ''), ...domains.map((x) => x.toLowerCase())].filter(Boolean);
  return own.some((o) => d === o || d.endsWith(`.${o}`));
}

/**
 * The conversation of a case: replies by mail to its plus-address and from the portal are threaded
 * to it, and a customer's reply reaches the workflow (the clock pauses or restarts as the policy
 * says; a resource-abuse keyword is the customer's choice).
 */
export class MessageService {
  constructor(
    private readonly desk: AbuseDesk,
    private readonly mod: NotificationsModule,
  ) {}

  async list(caseId: number) {
    if (!(await new CaseRepository(this.desk.ctx.db).get(caseId))) throw new MessageError(`no case ${caseId}`, 'not_found');
    return (await new CaseMessageRepository(this.desk.ctx.db).forCase(caseId)).map(presentMessage);
  }

  /** Threads every stored report addressed to a case since the last run; returns how many were threaded. */
  async threadNewReplies(limit = 200): Promise<number> {
    const repo = new NotificationRepository(this.desk.ctx.db);
    let cursor = Number((await repo.cursor(REPLY_CURSOR)) ?? 0);
    let threaded = 0;
    for (;;) {
      const rows = await repo.reportsNamingCase(cursor, limit);
      for (const r of rows) {
        if (await this.threadReport(r.id)) threaded++;
        cursor = r.id;
      }
      if (rows.length) await repo.setCursor(REPLY_CURSOR, String(cursor));
      if (rows.length < limit) break;
    }
    if (threaded) this.desk.ctx.nudge();
    return threaded;
  }

  /** Threads one stored mail to the case it is addressed to; false when it names no existing case or was threaded before. */
  async threadReport(reportId: number): Promise<boolean> {
    const db = this.desk.ctx.db;
    const repo = new NotificationRepository(db);
    const report = await repo.report(reportId);
    if (!report) return false;
    let meta: Record<string, unknown> = {};
    try {
      meta = JSON.parse(report.meta) as Record<string, unknown>;
    } catch {
      // No meta, no plus tag: the subject may still carry the reference.
    }
    const caseId = caseOfReport(meta, report.subject);
    const kase = caseId ? await new CaseRepository(db).get(caseId) : undefined;
    if (!kase) return false;
    const parsed = await simpleParser(report.raw, { skipHtmlToText: false, skipImageLinks: true, skipTextLinks: true }).catch(() => null);
    const from = (parsed?.from?.value[0]?.address ?? report.reporter ?? '').toLowerCase();
    const body = (parsed?.text ?? '').slice(0, MAX_BODY);
    const customer = await repo.customer(kase.customer_id);
    const fromCustomer = !!customer && !!from && isCustomerSender(from, contactsOf(customer), await repo.customerDomains(kase.customer_id));
    const now = this.desk.ctx.clock.now();
    return db.transaction().execute(async (tx) => {
      const row = await new CaseMessageRepository(tx).insertOnce(
        {
          caseId: kase.id,
          direction: 'inbound',
          channel: 'mail',
          kind: fromCustomer ? 'reply' : 'third-party',
          sender: from || null,
          recipients: Array.isArray((meta.smtp as { rcptTo?: unknown } | undefined)?.rcptTo) ? ((meta.smtp as { rcptTo: string[] }).rcptTo ?? []) : [],
          subject: report.subject ?? parsed?.subject ?? '',
          body,
          messageId: report.message_id,
          reportId: report.id,
          dedupeKey: `report:${report.id}`,
        },
        now,
      );
      if (!row) return false;
      await new AuditRepository(tx).append(now, [{ actor: fromCustomer ? 'customer' : 'mail', entity: 'case', entityId: kase.id, action: 'message-received', data: { message: row.id, report: report.id, from } }]);
      if (fromCustomer) await this.customerSpoke(tx, kase.id, body, 'mail', now);
      return true;
    });
  }

  /**
   * A customer's reply from the portal (or an API client acting for the customer). `also` runs in the same transaction once the reply is recorded and the workflow has heard of it
   * (the portal's "I have fixed it" marks the case with it).
   */
  async customerReply(caseId: number, input: { body: string; author: string; channel?: string; also?: (tx: Tx, messageId: number, now: Date) => Promise<void> }) {
    const now = this.desk.ctx.clock.now();
    const body = input.body.slice(0, MAX_BODY);
    if (!body.trim()) throw new MessageError('the reply is empty', 'invalid');
    const row = await this.desk.ctx.db.transaction().execute(async (tx) => {
      const kase = await new CaseRepository(tx).get(caseId);
      if (!kase) throw new MessageError(`no case ${caseId}`, 'not_found');
      const m = await new CaseMessageRepository(tx).insertOnce(
        { caseId, direction: 'inbound', channel: input.channel ?? 'portal', kind: 'reply', sender: input.author, recipients: [], subject: `Re: [${caseReference(caseId)}]`, body, messageId: null, dedupeKey: null },
        now,
      );
      await new AuditRepository(tx).append(now, [{ actor: `customer:${input.author}`, entity: 'case', entityId: caseId, action: 'message-received', data: { message: m!.id, channel: input.channel ?? 'portal' } }]);
      await this.customerSpoke(tx, caseId, body, input.channel ?? 'portal', now);
      if (input.also) await input.also(tx, m!.id, now);
      return m!;
    });
    this.desk.ctx.nudge();
    return presentMessage(row);
  }

  /** An operator's message to the customer: recorded now, mailed by a job (durable, retried). */
  async operatorReply(caseId: number, input: { body: string; author: string; subject?: string }) {
    const now = this.desk.ctx.clock.now();
    if (!input.body.trim()) throw new MessageError('the message is empty', 'invalid');
    const row = await this.desk.ctx.db.transaction().execute(async (tx) => {
      const kase = await new CaseRepository(tx).get(caseId);
      if (!kase) throw new MessageError(`no case ${caseId}`, 'not_found');
      const customer = await new NotificationRepository(tx).customer(kase.customer_id);
      const to = customer ? contactsOf(customer) : [];
      if (!to.length) throw new MessageError(`customer ${kase.customer_id} has no contact address`, 'invalid');
      const m = await new CaseMessageRepository(tx).insertOnce(
        { caseId, direction: 'outbound', channel: 'mail', kind: 'operator', sender: input.author, recipients: to, subject: input.subject ?? `Re: [${caseReference(caseId)}]`, body: input.body.slice(0, MAX_BODY), messageId: null, dedupeKey: null },
        now,
      );
      await new JobRepository(tx).enqueue(SEND_MESSAGE_JOB, { messageId: m!.id }, now, { maxAttempts: 10 });
      await new AuditRepository(tx).append(now, [{ actor: input.author, entity: 'case', entityId: caseId, action: 'message-queued', data: { message: m!.id, to } }]);
      return m!;
    });
    this.desk.ctx.nudge();
    return presentMessage(row);
  }

  private async customerSpoke(tx: Tx, caseId: number, body: string, via: string, now: Date): Promise<void> {
    const choice = choiceFromText(body);
    if (choice) {
      try {
        // The choice itself tells the workflow the customer answered.
        await chooseResourceOption(tx, this.mod, caseId, choice, via, now);
        return;
      } catch (err) {
        if (!(err instanceof ResourceOfferError)) throw err;
      }
    }
    await onCustomerReply(tx, caseId, now);
  }
}

/** Mails an operator's recorded message to the customer, once (stable Message-ID, recorded on the row). */
export function sendMessageJob(desk: AbuseDesk, mod: NotificationsModule): JobType<{ messageId: number }> {
  return {
    kind: SEND_MESSAGE_JOB,
    maxAttempts: 10,
    async run(job, { messageId }) {
      const db = desk.ctx.db;
      const m = await new CaseMessageRepository(db).get(messageId);
      if (m && !m.message_id) {
        const sent = await mod.withMailer((mailer) =>
          mailer.send({
            to: JSON.parse(m.recipients) as string[],
            subject: m.subject,
            text: m.body,
            replyTo: caseReplyAddress(mod.mailFrom, m.case_id),
            messageId: stableMessageId(`case-message-${m.id}`, mod.mailFrom),
            // Written by a person: replies to it are welcome (RFC 3834), unlike our automatic notices.
            headers: { 'X-AbuseDesk-Case': String(m.case_id), 'Auto-Submitted': 'no' },
          }),
        );
        await db.transaction().execute(async (tx) => {
          await new CaseMessageRepository(tx).setMessageId(m.id, sent.messageId);
          await new JobRepository(tx).complete(job);
        });
        return;
      }
      await new JobRepository(db).complete(job);
    },
  };
}
