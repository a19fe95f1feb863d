import type { Mailer, OutboundMail } from '../connectors/mailer.js';
import { type Category, isCategory } from '../domain/categories.js';
import type { Db, Executor } from '../storage/database.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import type { CaseRow } from '../storage/repositories/case.repository.js';
import { CaseMessageRepository, type NewCaseMessage } from '../storage/repositories/case-message.repository.js';
import { EventRepository, type EventRow } from '../storage/repositories/event.repository.js';
import { NotificationRepository } from '../storage/repositories/notification.repository.js';
import { type AupClause, clauseFor } from './aup-clauses.js';
import type { CaseNoticeInput } from './customer-notice.template.js';
import type { EventFacts } from './evidence-summary.js';
import { caseReplyAddress } from './plus-address.js';

export interface CustomerFacts {
  id: string;
  name: string;
  locale: string;
  contacts: string; // JSON array, as stored
}

export function contactsOf(c: Pick<CustomerFacts, 'contacts'>): string[] {
  try {
    const v = JSON.parse(c.contacts) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.includes('@')) : [];
  } catch {
    return [];
  }
}

export function eventFacts(e: EventRow): EventFacts {
  let evidence: Record<string, unknown> = {};
  try {
    evidence = JSON.parse(e.evidence) as Record<string, unknown>;
  } catch {
    // A stored event with unreadable evidence still has its other facts.
  }
  return { occurredAt: e.occurred_at, type: e.type, ip: e.ip, port: e.port, url: e.url, domain: e.domain, email: e.email, reporter: e.reporter, evidence };
}

/** The clause a case quotes: from its policy version's rules when there are any. */
export function clauseOf(category: string, rules: { clause?: string; section?: string } | null | undefined): AupClause {
  const cat: Category = isCategory(category) ? category : 'unclassified';
  const base = clauseFor(cat, rules?.clause);
  return rules?.section ? { section: rules.section, text: base.text } : base;
}

/** Everything the customer notice of a case needs, read from the database once. */
export async function caseNoticeInput(
  db: Executor,
  opts: {
    kase: CaseRow;
    customer: CustomerFacts;
    events?: EventRow[];
    clause: AupClause;
    dueAt: string | null;
    mailFrom: string;
    portalUrl: string | null;
    resourceOffer?: CaseNoticeInput['resourceOffer'];
  },
): Promise<CaseNoticeInput> {
  const events = opts.events ?? (await new EventRepository(db).forCase(opts.kase.id));
  const domains = await new NotificationRepository(db).customerDomains(opts.customer.id);
  const contactDomains = contactsOf(opts.customer).map((a) => a.split('@').pop()!.toLowerCase());
  return {
    caseId: opts.kase.id,
    category: isCategory(opts.kase.category) ? opts.kase.category : 'unclassified',
    resource: opts.kase.resource,
    customer: { name: opts.customer.name, locale: opts.customer.locale, domains: [...new Set([...domains, ...contactDomains])] },
    clause: opts.clause,
    events: events.map(eventFacts),
    dueAt: opts.dueAt,
    replyAddress: caseReplyAddress(opts.mailFrom, opts.kase.id),
    portalUrl: opts.portalUrl,
    resourceOffer: opts.resourceOffer ?? null,
  };
}

/** A Message-ID that is the same on every attempt of one send: a relay or reader can tell a retry from a second mail. */
export function stableMessageId(key: string, mailFrom: string): string {
  const domain = (/<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom).split('@').pop() || 'abusedesk.invalid';
  return `<${key.replace(/[^A-Za-z0-9._-]/g, '.')}@${domain}>`;
}

/**
 * Sends a mail at most once per dedupe key and threads it to its case: a key already recorded
 * returns the recorded message without sending. A crash between the relay's acceptance and the
 * record sends again with the same Message-ID, which is the best SMTP allows.
 */
export async function sendOnce(
  db: Db,
  mailer: Mailer,
  mail: OutboundMail & { messageId: string },
  record: Omit<NewCaseMessage, 'messageId' | 'direction' | 'channel'> & { dedupeKey: string },
  now: Date,
  actor = 'notifications',
): Promise<{ messageId: string; duplicate: boolean }> {
  const repo = new CaseMessageRepository(db);
  const seen = await repo.byDedupeKey(record.dedupeKey);
  if (seen) return { messageId: seen.message_id ?? mail.messageId, duplicate: true };
  const { messageId } = await mailer.send(mail);
  await db.transaction().execute(async (tx) => {
    const row = await new CaseMessageRepository(tx).insertOnce({ ...record, direction: 'outbound', channel: 'mail', messageId }, now);
    if (row) {
      await new AuditRepository(tx).append(now, [
        { actor, entity: 'case', entityId: record.caseId, action: `mail-${record.kind}`, data: { messageId, to: record.recipients, subject: record.subject, message: row.id } },
      ]);
    }
  });
  return { messageId, duplicate: false };
}
