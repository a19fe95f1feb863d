import type { Selectable } from 'kysely';
import type { Executor } from '../database.js';
import type { DigestEntryTable } from '../schema.js';

export type DigestEntryRow = Selectable<DigestEntryTable>;

/**
 * What notices need to know beyond a case: the customer's domains (kept in redaction), the
 * digest queue, reporters' outcome preferences, and the reports a reply or an evidence package
 * is made of.
 */
export class NotificationRepository {
  constructor(private readonly db: Executor) {}

  /** Every domain the customer holds or held (its own addresses are not third parties). */
  async customerDomains(customerId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('domains')
      .innerJoin('services', 'services.id', 'domains.service_id')
      .select('domains.name')
      .where('services.customer_id', '=', customerId)
      .distinct()
      .limit(1000)
      .execute();
    return rows.map((r) => r.name);
  }

  async customer(id: string) {
    return this.db.selectFrom('customers').select(['id', 'name', 'contacts', 'plan', 'status', 'locale']).where('id', '=', id).executeTakeFirst();
  }

  // Digest queue.

  async enqueueDigest(e: { customerId: string; caseId: number; actionId: number | null; dueAt: string | null; dedupeKey: string }, now: Date): Promise<boolean> {
    const r = await this.db
      .insertInto('digest_entries')
      .values({ customer_id: e.customerId, case_id: e.caseId, action_id: e.actionId, due_at: e.dueAt, queued_at: now.toISOString(), sent_at: null, message_id: null, dedupe_key: e.dedupeKey })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return !!r;
  }

  async digestCustomers(limit = 1000): Promise<string[]> {
    const rows = await this.db.selectFrom('digest_entries').select('customer_id').where('sent_at', 'is', null).distinct().orderBy('customer_id').limit(limit).execute();
    return rows.map((r) => r.customer_id);
  }

  async pendingDigest(customerId: string, limit = 200): Promise<DigestEntryRow[]> {
    return this.db
      .selectFrom('digest_entries')
      .select(['id', 'customer_id', 'case_id', 'action_id', 'due_at', 'queued_at', 'sent_at', 'message_id', 'dedupe_key'])
      .where('customer_id', '=', customerId)
      .where('sent_at', 'is', null)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async markDigestSent(ids: number[], messageId: string, now: Date): Promise<void> {
    if (!ids.length) return;
    await this.db.updateTable('digest_entries').set({ sent_at: now.toISOString(), message_id: messageId }).where('id', 'in', ids).where('sent_at', 'is', null).execute();
  }

  // Reporter preferences.

  async setReporterPreference(reporter: string, notifyOutcome: boolean, locale: string, now: Date): Promise<void> {
    const values = { reporter: reporter.toLowerCase(), notify_outcome: notifyOutcome ? 1 : 0, locale, updated_at: now.toISOString() };
    await this.db
      .insertInto('reporter_preferences')
      .values(values)
      .onConflict((oc) => oc.column('reporter').doUpdateSet({ notify_outcome: values.notify_outcome, locale: values.locale, updated_at: values.updated_at }))
      .execute();
  }

  async reporterPreferences(reporters: string[]) {
    if (!reporters.length) return [];
    return this.db
      .selectFrom('reporter_preferences')
      .select(['reporter', 'notify_outcome', 'locale', 'updated_at'])
      .where('reporter', 'in', reporters.map((r) => r.toLowerCase()))
      .execute();
  }

  // Reports.

  /** The reports behind a case's events, with their bytes (evidence packages, outcome notices). */
  async reportsOfCase(caseId: number, withRaw: boolean) {
    const ids = this.db.selectFrom('events').select('report_id').where('case_id', '=', caseId);
    const base = ['id', 'sha256', 'channel', 'reporter', 'message_id', 'subject', 'received_at', 'size', 'format', 'meta'] as const;
    const q = this.db.selectFrom('reports').where('id', 'in', ids).orderBy('id');
    if (withRaw) return q.select([...base, 'raw']).execute();
    return (await q.select(base).execute()).map((r) => ({ ...r, raw: null as Buffer | null }));
  }

  async report(id: number) {
    return this.db.selectFrom('reports').select(['id', 'channel', 'reporter', 'subject', 'message_id', 'received_at', 'raw', 'meta']).where('id', '=', id).executeTakeFirst();
  }

  /** Reports after `afterId` whose meta names a case (mail to a plus address): replies to thread. */
  async reportsNamingCase(afterId: number, limit: number) {
    return this.db
      .selectFrom('reports')
      .select(['id', 'meta'])
      .where('id', '>', afterId)
      .where('meta', 'like', '%"caseId"%')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async maxReportId(): Promise<number> {
    const r = await this.db.selectFrom('reports').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
    return Number(r?.m ?? 0);
  }

  async cursor(key: string): Promise<string | null> {
    const r = await this.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value ?? null;
  }

  async setCursor(key: string, value: string): Promise<void> {
    await this.db.insertInto('meta').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  }

  /** Audit entries of the case and its reports: the chain of custody an evidence package carries. */
  async custody(caseId: number, reportIds: number[]) {
    return this.db
      .selectFrom('audit_log')
      .select(['id', 'at', 'actor', 'entity', 'entity_id', 'action', 'hash'])
      .where((eb) =>
        eb.or([
          eb.and([eb('entity', '=', 'case'), eb('entity_id', '=', String(caseId))]),
          ...(reportIds.length ? [eb.and([eb('entity', '=', 'report'), eb('entity_id', 'in', reportIds.map(String))])] : []),
        ]),
      )
      .orderBy('id')
      .limit(10_000)
      .execute();
  }

  /** Events of a case after a moment (the resource-abuse re-check). */
  async eventsAfter(caseId: number, after: string): Promise<number> {
    const r = await this.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', '=', caseId).where('occurred_at', '>', after).executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
