import { isCategory } from '../domain/categories.js';
import { PermanentActionError, type ActionExecutor, type ExecutionContext } from '../workflow/executors.js';
import { NotificationRepository } from '../storage/repositories/notification.repository.js';
import { ActionRepository } from '../storage/repositories/action.repository.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { renderAuthorityNotice } from './authority-notice.template.js';
import { renderCaseNotice } from './customer-notice.template.js';
import { scheduleDigest } from './digest.job.js';
import { buildEvidencePackage } from './evidence-package.js';
import type { NotificationsModule } from './module.js';
import { caseNoticeInput, clauseOf, contactsOf, sendOnce, stableMessageId } from './notice.service.js';
import { caseReplyAddress } from './plus-address.js';
import { ensureResourceOffer } from '../billing/resource-offer.service.js';
import { workflowOf } from '../workflow/install.js';

/** The deadline a notice names: the action's own, else the step's deadline from now. */
function dueOf(ctx: ExecutionContext): string | null {
  return ctx.action.due_at ?? null;
}

/**
 * notify-customer: the notice in the customer's language, quoting the clause, with the evidence
 * redacted (never forwarded for child abuse), the deadline and how to answer. In digest mode the
 * case joins the customer's next digest and the action waits until that mail is sent.
 */
export function notifyCustomerExecutor(mod: NotificationsModule): ActionExecutor {
  return {
    kind: 'notify-customer',
    connector: 'mail',
    async execute(ctx) {
      const now = ctx.clock.now();
      const to = contactsOf(ctx.customer);
      if (!to.length) throw new PermanentActionError(`customer ${ctx.customer.id} has no contact address`);
      const dueAt = dueOf(ctx);
      const offer = ctx.case.category === 'resource-abuse' ? await ensureResourceOffer(mod, ctx, dueAt, now) : null;
      const digest = ctx.params.digest === true || (mod.settings.mode === 'digest' && ctx.params.digest !== false && ctx.params.immediate !== true);
      if (digest) {
        await ctx.db.transaction().execute(async (tx) => {
          const fresh = await new NotificationRepository(tx).enqueueDigest({ customerId: ctx.customer.id, caseId: ctx.case.id, actionId: ctx.action.id, dueAt, dedupeKey: `digest:${ctx.idempotencyKey}` }, now);
          if (fresh) {
            await scheduleDigest(tx, ctx.customer.id, mod.settings.digestIntervalMs, now);
            await new AuditRepository(tx).append(now, [{ actor: 'notifications', entity: 'case', entityId: ctx.case.id, action: 'digest-queued', data: { action: ctx.action.id } }]);
          }
        });
        return { status: 'waiting', result: { digest: true } };
      }
      const input = await caseNoticeInput(ctx.db, {
        kase: ctx.case,
        customer: ctx.customer,
        events: ctx.events,
        clause: clauseOf(ctx.case.category, ctx.rules),
        dueAt,
        mailFrom: mod.mailFrom,
        portalUrl: mod.settings.portalUrl,
        resourceOffer: offer ? { feeCents: offer.fee_cents, currency: offer.fee_currency, intervalDays: offer.fee_interval_days } : null,
      });
      const mail = renderCaseNotice(input);
      const messageId = stableMessageId(ctx.idempotencyKey, mod.mailFrom);
      const sent = await sendOnce(
        ctx.db,
        ctx.mailer,
        { to, subject: mail.subject, text: mail.text, html: mail.html, replyTo: input.replyAddress, messageId, headers: { 'X-AbuseDesk-Case': String(ctx.case.id) } },
        { caseId: ctx.case.id, kind: 'notice', sender: mod.mailFrom, recipients: to, subject: mail.subject, body: mail.text, actionId: ctx.action.id, dedupeKey: `notice:${ctx.idempotencyKey}`, meta: { locale: input.customer.locale } },
        now,
      );
      return { status: 'done', result: { messageId: sent.messageId, to, locale: input.customer.locale, duplicate: sent.duplicate } };
    },
  };
}

/** The workflow's configured authority address (one setting for both parts), when the workflow is installed. */
/** ABUSEDESK_AUTHORITIES_EMAIL, declared once with the workflow's connectors. */
function workflowAuthorities(mod: NotificationsModule): string | null {
  try {
    return workflowOf(mod.desk).runtime.connectors.authoritiesEmail;
  } catch {
    return null;
  }
}

const MEASURES: Record<string, string> = {
  suspend: 'service suspended',
  terminate: 'agreement terminated',
  'remove-content': 'content removed',
};

/**
 * notify-authorities: the authorities' own template and the evidence package (manifest with every
 * original report's SHA-256, time and channel, and the audit trail of the case).
 */
export function notifyAuthoritiesExecutor(mod: NotificationsModule): ActionExecutor {
  return {
    kind: 'notify-authorities',
    connector: 'mail',
    async execute(ctx) {
      const now = ctx.clock.now();
      const to = typeof ctx.params.to === 'string' ? ctx.params.to : workflowAuthorities(mod);
      if (!to) throw new PermanentActionError('no authority address: set the step param "to" or ABUSEDESK_AUTHORITIES_EMAIL');
      const repo = new NotificationRepository(ctx.db);
      const reports = await repo.reportsOfCase(ctx.case.id, true);
      const custody = await repo.custody(
        ctx.case.id,
        reports.map((r) => r.id),
      );
      const withRaw = typeof ctx.params.attachReports === 'boolean' ? ctx.params.attachReports : ctx.case.category !== 'child-abuse';
      const pkg = buildEvidencePackage({
        now,
        kase: { id: ctx.case.id, category: ctx.case.category, resource: ctx.case.resource, customer: { id: ctx.customer.id, name: ctx.customer.name }, openedAt: ctx.case.opened_at, policyVersion: ctx.case.policy_version },
        reports: reports.map((r) => ({ id: r.id, sha256: r.sha256, receivedAt: r.received_at, channel: r.channel, reporter: r.reporter, messageId: r.message_id, size: r.size, format: r.format, raw: r.raw ?? Buffer.alloc(0) })),
        events: ctx.events.map((e) => ({ id: e.id, reportId: e.report_id, occurredAt: e.occurred_at, type: e.type, ip: e.ip, url: e.url, domain: e.domain })),
        custody: custody.map((c) => ({ at: c.at, actor: c.actor, entity: c.entity, entityId: c.entity_id, action: c.action, hash: c.hash })),
        withRaw,
      });
      const done = (await new ActionRepository(ctx.db).forCase(ctx.case.id))
        .filter((a) => a.status === 'done')
        .map((a) => (MEASURES[a.kind] ? `${MEASURES[a.kind]}${a.scope ? ` (${a.scope})` : ''}` : null))
        .filter((x): x is string => !!x);
      const mail = renderAuthorityNotice({
        caseId: ctx.case.id,
        category: isCategory(ctx.case.category) ? ctx.case.category : 'unclassified',
        clause: clauseOf(ctx.case.category, ctx.rules),
        manifest: pkg.manifest,
        manifestSha256: pkg.manifestSha256,
        measures: done,
        contact: caseReplyAddress(mod.mailFrom, ctx.case.id),
      });
      const messageId = stableMessageId(ctx.idempotencyKey, mod.mailFrom);
      const sent = await sendOnce(
        ctx.db,
        ctx.mailer,
        { to, subject: mail.subject, text: mail.text, html: mail.html, replyTo: caseReplyAddress(mod.mailFrom, ctx.case.id), messageId, headers: { 'X-AbuseDesk-Case': String(ctx.case.id) }, attachments: pkg.attachments },
        { caseId: ctx.case.id, kind: 'authority', sender: mod.mailFrom, recipients: [to], subject: mail.subject, body: mail.text, actionId: ctx.action.id, dedupeKey: `authority:${ctx.idempotencyKey}`, meta: { manifestSha256: pkg.manifestSha256, reports: pkg.manifest.reports.map((r) => ({ id: r.id, sha256: r.sha256 })) } },
        now,
      );
      return { status: 'done', result: { messageId: sent.messageId, to, manifestSha256: pkg.manifestSha256, reports: pkg.manifest.reports.length } };
    },
  };
}
