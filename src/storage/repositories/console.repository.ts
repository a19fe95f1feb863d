import { type RawBuilder, sql } from 'kysely';
import type { Db, Executor } from '../database.js';
import { onPostgres } from '../dialect.js';
import type { EventStatus, ReportStatus } from '../schema.js';
import type { CaseRow } from './case.repository.js';

/** A position in a list sorted newest first by (time, id): the last row of the page before. */
export interface Cursor {
  at: string;
  id: number;
}

export interface CaseSearch {
  /** Canonical text ranges [from, to) of cases.resource (an IP, or every address of a CIDR). */
  resourceRanges?: { from: string; to: string }[];
  /** Exact resource (a domain) or an event field that must match. */
  resource?: string;
  eventIp?: string;
  eventDomain?: string;
  reporter?: string;
  customerId?: string;
  category?: string;
  status?: string;
  /** Date window on the case's latest activity: last seen at or after `from` and before `to` (one index range). */
  from?: string;
  to?: string;
  caseIds?: number[];
  /** Only cases not closed. */
  open?: boolean;
}

export type CaseListRow = CaseRow & { customer_name: string | null };

// Up to this many cases behind one event value are fetched first and looked up by id; above it the
// value is common, and a semi-join in time order finds a page of matches sooner than sorting them all.
const CANDIDATE_CAP = 2_000;

const caseColumns = ['cases.id', 'cases.customer_id', 'cases.category', 'cases.resource', 'cases.status', 'cases.policy_version', 'cases.opened_at', 'cases.first_seen', 'cases.last_seen', 'cases.event_count', 'cases.closed_at', 'cases.updated_at'] as const;

/**
 * The operator console's reads: queues, search, the dashboard's aggregates. Each list is one
 * indexed range scan in (time, id) order with a keyset cursor, so a page costs the same on the
 * first page as on the thousandth, whatever the table size.
 */
export class ConsoleRepository {
  constructor(private readonly db: Executor) {}

  private pg(): boolean {
    return onPostgres(this.db);
  }

  /**
   * Runs a console query as the page-sized lookup it is meant to be. On PostgreSQL: no parallel
   * workers and no JIT (their start-up costs tens of milliseconds, and on a busy two-core server
   * workers only compete with the query they should speed up), and nested loops over indexes only:
   * the planner underestimates how many rows a filtered join finds (a case's status and its
   * workflow row are correlated) and otherwise hashes whole tables to return fifty rows.
   */
  private async interactive<T>(fn: (db: Executor) => Promise<T>): Promise<T> {
    if (!this.pg() || this.db.isTransaction) return fn(this.db);
    return (this.db as Db).transaction().execute(async (tx) => {
      await sql`select set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true), set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`.execute(tx);
      return fn(tx);
    });
  }

  /** `(a, b) < (x, y)`: a row-value comparison both engines turn into an index range. */
  private before(atCol: string, idCol: string, c: Cursor) {
    return sql<boolean>`(${sql.ref(atCol)}, ${sql.ref(idCol)}) < (${c.at}, ${c.id})`;
  }

  /** The text of cases.resource compared bytewise (PostgreSQL: the "C" collation the cases_resource index is built with, whatever the database default). */
  private resourceText(): RawBuilder<string> {
    return this.pg() ? sql<string>`(cases.resource collate "C")` : sql<string>`cases.resource`;
  }

  // ---- cases ---------------------------------------------------------------------------------

  async caseList(where: CaseSearch, limit: number, cursor?: Cursor): Promise<CaseListRow[]> {
    const resourceTerms: RawBuilder<boolean>[] = [];
    const eventCases = new Map<string, number[] | 'many'>();
    for (const [column, value] of [['ip', where.eventIp], ['domain', where.eventDomain], ['reporter', where.reporter]] as const) {
      if (value) eventCases.set(column, await this.casesWithEvent(column, value));
    }
    return this.interactive(async (db) => {
      let q = db
        .selectFrom('cases')
        .select(caseColumns)
        .orderBy('cases.last_seen', 'desc')
        .orderBy('cases.id', 'desc')
        .limit(limit);
      if (where.customerId) q = q.where('cases.customer_id', '=', where.customerId);
      if (where.category) q = q.where('cases.category', '=', where.category);
      if (where.status) q = q.where('cases.status', '=', where.status);
      if (where.open) q = q.where('cases.closed_at', 'is', null);
      if (where.from) q = q.where('cases.last_seen', '>=', where.from);
      if (where.to) q = q.where('cases.last_seen', '<', where.to);
      if (where.caseIds) q = q.where('cases.id', 'in', where.caseIds.length ? where.caseIds : [-1]);
      if (cursor) q = q.where(this.before('cases.last_seen', 'cases.id', cursor));

      // The resource filters: a case matches by its own resource, or by one of its events.
      for (const r of where.resourceRanges ?? []) {
        resourceTerms.push(r.from === r.to ? sql<boolean>`${this.resourceText()} = ${r.from}` : sql<boolean>`(${this.resourceText()} >= ${r.from} and ${this.resourceText()} < ${r.to})`);
      }
      if (where.resource) resourceTerms.push(sql<boolean>`${this.resourceText()} = ${where.resource}`);
      for (const [column, value] of [['ip', where.eventIp], ['domain', where.eventDomain]] as const) {
        if (!value) continue;
        const ids = eventCases.get(column)!;
        resourceTerms.push(ids === 'many' ? this.inEventSet(column, value) : ids.length ? sql<boolean>`cases.id in (${sql.join(ids)})` : sql<boolean>`1 = 0`);
      }
      if (resourceTerms.length) q = q.where(sql<boolean>`(${sql.join(resourceTerms, sql` or `)})`);
      if (where.reporter) {
        const ids = eventCases.get('reporter')!;
        q = q.where(ids === 'many' ? this.inEventSet('reporter', where.reporter) : ids.length ? sql<boolean>`cases.id in (${sql.join(ids)})` : sql<boolean>`1 = 0`);
      }
      const rows = await q.execute();
      return this.withCustomerNames(db, rows);
    });
  }

  /** Customer names for one page of cases: looked up after the LIMIT, not joined to every candidate before it. */
  private async withCustomerNames<T extends { customer_id: string }>(db: Executor, rows: T[]): Promise<(T & { customer_name: string | null })[]> {
    const ids = [...new Set(rows.map((r) => r.customer_id))];
    const names = ids.length ? await db.selectFrom('customers').select(['id', 'name']).where('id', 'in', ids).execute() : [];
    const byId = new Map(names.map((n) => [n.id, n.name]));
    return rows.map((r) => ({ ...r, customer_name: byId.get(r.customer_id) ?? null }));
  }

  /**
   * `cases.id in (events of this value)` as a membership test against a set built once, for a value
   * behind many cases: the time index is walked and stops at a full page, instead of every candidate
   * being looked up and sorted (SQLite), or an index probe per case (PostgreSQL). The unary plus
   * (SQLite) and `is true` (PostgreSQL, which then hashes the subquery) are what say so.
   */
  private inEventSet(column: 'ip' | 'domain' | 'reporter', value: string): RawBuilder<boolean> {
    const sub = sql`select e.case_id from events e where ${sql.ref(`e.${column}`)} = ${value}`;
    return this.pg() ? sql<boolean>`(cases.id in (${sub})) is true` : sql<boolean>`+cases.id in (${sub})`;
  }

  /** The cases with an event whose column equals the value, or 'many' when there are too many to list. */
  private async casesWithEvent(column: 'ip' | 'domain' | 'reporter', value: string): Promise<number[] | 'many'> {
    const rows = await this.db
      .selectFrom('events')
      .select('case_id')
      .distinct()
      .where(column, '=', value)
      .where('case_id', 'is not', null)
      .limit(CANDIDATE_CAP + 1)
      .execute();
    if (rows.length > CANDIDATE_CAP) return 'many';
    return rows.map((r) => r.case_id as number);
  }

  /** Open cases whose workflow deadline lies after (awaiting the customer) or before (overdue) `now`, soonest deadline first. */
  async casesByDeadline(now: string, side: 'future' | 'past', limit: number, cursor?: Cursor): Promise<(CaseListRow & { deadline_at: string })[]> {
    return this.interactive(async (db) => {
      let q = db
        .selectFrom('case_workflow')
        .innerJoin('cases', 'cases.id', 'case_workflow.case_id')
        .leftJoin('customers', 'customers.id', 'cases.customer_id')
        .select([...caseColumns, 'customers.name as customer_name', 'case_workflow.deadline_at'])
        .where('case_workflow.finished', '=', 0)
        .where('cases.closed_at', 'is', null)
        .orderBy('case_workflow.deadline_at', side === 'future' ? 'asc' : 'desc')
        .orderBy('case_workflow.case_id', side === 'future' ? 'asc' : 'desc')
        .limit(limit);
      q =
        side === 'future'
          ? q
              .where('case_workflow.deadline_at', '>=', now)
              .where('cases.status', '=', 'in-progress')
              // A case the customer reported fixed is listed once, with the reported-fixed ones (reportedFixed()).
              .where((eb) => eb.not(eb.exists(eb.selectFrom('case_customer_fixed').select('case_customer_fixed.case_id').whereRef('case_customer_fixed.case_id', '=', 'cases.id'))))
          : q.where('case_workflow.deadline_at', '<', now);
      if (cursor) {
        q = q.where(side === 'future' ? sql<boolean>`(case_workflow.deadline_at, case_workflow.case_id) > (${cursor.at}, ${cursor.id})` : sql<boolean>`(case_workflow.deadline_at, case_workflow.case_id) < (${cursor.at}, ${cursor.id})`);
      }
      return (await q.execute()) as (CaseListRow & { deadline_at: string })[];
    });
  }

  /** Open cases whose customer reported the problem fixed, latest report first: an operator verifies and resolves them. */
  async reportedFixed(limit: number, cursor?: Cursor): Promise<(CaseListRow & { reported_at: string; reported_by: string })[]> {
    let q = this.db
      .selectFrom('case_customer_fixed')
      .innerJoin('cases', 'cases.id', 'case_customer_fixed.case_id')
      .leftJoin('customers', 'customers.id', 'cases.customer_id')
      .select([...caseColumns, 'customers.name as customer_name', 'case_customer_fixed.reported_at', 'case_customer_fixed.reported_by'])
      .where('cases.closed_at', 'is', null)
      .orderBy('case_customer_fixed.reported_at', 'desc')
      .orderBy('case_customer_fixed.case_id', 'desc')
      .limit(limit);
    if (cursor) q = q.where(this.before('case_customer_fixed.reported_at', 'case_customer_fixed.case_id', cursor));
    return (await q.execute()) as (CaseListRow & { reported_at: string; reported_by: string })[];
  }

  /** When the customer last reported a case fixed, if it did. */
  async reportedFixedAt(caseId: number): Promise<string | null> {
    const row = await this.db.selectFrom('case_customer_fixed').select('reported_at').where('case_id', '=', caseId).executeTakeFirst();
    return row?.reported_at ?? null;
  }

  /** Records (or renews) a customer's "I have fixed it" for a case. */
  async markReportedFixed(caseId: number, at: Date, by: string, messageId: number | null): Promise<void> {
    const row = { reported_at: at.toISOString(), reported_by: by, message_id: messageId };
    await this.db
      .insertInto('case_customer_fixed')
      .values({ case_id: caseId, ...row })
      .onConflict((oc) => oc.column('case_id').doUpdateSet(row))
      .execute();
  }

  async event(id: number) {
    return this.db.selectFrom('events').select(['id', 'report_id', 'category', 'status', 'case_id', 'customer_id']).where('id', '=', id).executeTakeFirst();
  }

  /** An event goes back to the start of correlation with a new category: no customer, no case, status new. */
  async reclassifyEvent(id: number, category: string): Promise<void> {
    await this.db.updateTable('events').set({ category, status: 'new', customer_id: null, service_id: null, case_id: null, resource: null, matched: null }).where('id', '=', id).execute();
  }

  /** A case lost events to a reclassification; returns how many it has left. */
  async caseLostEvents(caseId: number, n: number, now: Date): Promise<number> {
    await this.db
      .updateTable('cases')
      .set((eb) => ({ event_count: sql<number>`case when ${eb.ref('event_count')} > ${n} then ${eb.ref('event_count')} - ${n} else 0 end`, updated_at: now.toISOString() }))
      .where('id', '=', caseId)
      .execute();
    const row = await this.db.selectFrom('cases').select('event_count').where('id', '=', caseId).executeTakeFirst();
    return Number(row?.event_count ?? 0);
  }

  // ---- other queues --------------------------------------------------------------------------

  async eventsByStatus(status: EventStatus, limit: number, beforeId?: number) {
    let q = this.db
      .selectFrom('events')
      .select(['id', 'report_id', 'category', 'type', 'ip', 'url', 'domain', 'email', 'occurred_at', 'reporter', 'status', 'created_at'])
      .where('status', '=', status)
      .orderBy('id', 'desc')
      .limit(limit);
    if (beforeId) q = q.where('id', '<', beforeId);
    return q.execute();
  }

  async actionsByStatus(status: string, limit: number, beforeId?: number) {
    let q = this.db
      .selectFrom('actions')
      .innerJoin('cases', 'cases.id', 'actions.case_id')
      .select(['actions.id', 'actions.case_id', 'actions.kind', 'actions.scope', 'actions.status', 'actions.due_at', 'actions.approval', 'actions.reason', 'actions.last_error', 'actions.created_at', 'actions.updated_at', 'cases.customer_id', 'cases.category', 'cases.resource'])
      .where('actions.status', '=', status)
      .orderBy('actions.id', 'desc')
      .limit(limit);
    if (beforeId) q = q.where('actions.id', '<', beforeId);
    return q.execute();
  }

  async reportsByStatus(status: ReportStatus, limit: number, beforeId?: number) {
    let q = this.db
      .selectFrom('reports')
      .select(['id', 'channel', 'reporter', 'subject', 'filename', 'received_at', 'format', 'status', 'error', 'size', 'sha256'])
      .where('status', '=', status)
      .orderBy('id', 'desc')
      .limit(limit);
    if (beforeId) q = q.where('id', '<', beforeId);
    return q.execute();
  }

  /** How many rows a queue holds, counted up to `cap` (a queue of 10,000+ needs no exact figure, and counting it would cost a scan). */
  async countCapped(queue: 'new' | 'unclassified' | 'unassigned' | 'awaiting-approval' | 'awaiting-customer' | 'overdue' | 'failed-actions' | 'failed-reports', now: string, cap: number): Promise<number> {
    return this.interactive(async (db) => {
      const inner = (() => {
        switch (queue) {
          case 'new':
            return db.selectFrom('cases').select(sql`1`.as('x')).where('status', '=', 'open');
          case 'unclassified':
            return db.selectFrom('cases').select(sql`1`.as('x')).where('category', '=', 'unclassified').where('closed_at', 'is', null);
          case 'unassigned':
            return db.selectFrom('events').select(sql`1`.as('x')).where('status', '=', 'unassigned');
          case 'awaiting-approval':
            return db.selectFrom('actions').select(sql`1`.as('x')).where('status', '=', 'proposed');
          case 'failed-actions':
            return db.selectFrom('actions').select(sql`1`.as('x')).where('status', '=', 'failed');
          case 'failed-reports':
            return db.selectFrom('reports').select(sql`1`.as('x')).where('status', '=', 'failed');
          case 'awaiting-customer':
            return db
              .selectFrom('case_workflow')
              .innerJoin('cases', 'cases.id', 'case_workflow.case_id')
              .select(sql`1`.as('x'))
              .where('case_workflow.finished', '=', 0)
              .where('case_workflow.deadline_at', '>=', now)
              .where('cases.closed_at', 'is', null)
              .where('cases.status', '=', 'in-progress')
              .where((eb) => eb.not(eb.exists(eb.selectFrom('case_customer_fixed').select('case_customer_fixed.case_id').whereRef('case_customer_fixed.case_id', '=', 'cases.id'))))
              .unionAll(db.selectFrom('case_customer_fixed').innerJoin('cases', 'cases.id', 'case_customer_fixed.case_id').select(sql`1`.as('x')).where('cases.closed_at', 'is', null));
          case 'overdue':
            return db
              .selectFrom('case_workflow')
              .innerJoin('cases', 'cases.id', 'case_workflow.case_id')
              .select(sql`1`.as('x'))
              .where('case_workflow.finished', '=', 0)
              .where('case_workflow.deadline_at', '<', now)
              .where('cases.closed_at', 'is', null);
        }
      })();
      const r = await db.selectFrom((inner as typeof inner & { limit(n: number): typeof inner }).limit(cap).as('q')).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
      return Number(r.n);
    });
  }

  // ---- case view -----------------------------------------------------------------------------

  async messagesForCase(caseId: number) {
    const messages = await this.db
      .selectFrom('case_messages')
      .select(['id', 'direction', 'channel', 'kind', 'sender', 'recipients', 'subject', 'body', 'created_at'])
      .where('case_id', '=', caseId)
      .orderBy('id')
      .limit(500)
      .execute();
    return messages;
  }

  /** Where a case stands on its ladder (deadline) and its resource-abuse offer, if any. */
  async workflowState(caseId: number) {
    const [wf, offer] = await Promise.all([
      this.db.selectFrom('case_workflow').select(['deadline_at', 'step', 'finished']).where('case_id', '=', caseId).executeTakeFirst(),
      this.db.selectFrom('resource_offers').select(['status', 'due_at', 'choice']).where('case_id', '=', caseId).executeTakeFirst(),
    ]);
    return { deadlineAt: wf?.deadline_at ?? null, finished: wf ? wf.finished === 1 : null, offer: offer ?? null };
  }

  /** Workflow deadlines of many cases at once (a list page). */
  async deadlines(caseIds: number[]): Promise<Map<number, string | null>> {
    if (!caseIds.length) return new Map();
    const rows = await this.db.selectFrom('case_workflow').select(['case_id', 'deadline_at']).where('case_id', 'in', caseIds).execute();
    return new Map(rows.map((r) => [r.case_id, r.deadline_at]));
  }

  /** The reports behind a case's events (newest first). */
  async reportsForCase(caseId: number, limit = 50) {
    return this.db
      .selectFrom('reports')
      .select(['id', 'channel', 'reporter', 'subject', 'filename', 'received_at', 'format', 'status', 'error', 'size', 'sha256'])
      .where('id', 'in', (eb) => eb.selectFrom('events').select('report_id').where('case_id', '=', caseId))
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  async invoiceLines(customerId: string, limit = 500) {
    return this.db
      .selectFrom('invoice_lines')
      .select(['id', 'case_id', 'kind', 'description', 'quantity', 'unit', 'amount_cents', 'currency', 'created_at', 'push_status'])
      .where('customer_id', '=', customerId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  // ---- inventory -----------------------------------------------------------------------------

  async customers(q: string | undefined, limit: number) {
    let query = this.db.selectFrom('customers').select(['id', 'name', 'contacts', 'plan', 'status', 'locale']).orderBy('id').limit(limit);
    if (q) {
      const like = `%${q.toLowerCase()}%`;
      query = query.where((eb) => eb.or([eb(eb.fn('lower', ['id']), 'like', like), eb(eb.fn('lower', ['name']), 'like', like), eb(eb.fn('lower', ['contacts']), 'like', like)]));
    }
    return query.execute();
  }

  async customerDetail(id: string) {
    const customer = await this.db.selectFrom('customers').select(['id', 'name', 'contacts', 'plan', 'status', 'locale']).where('id', '=', id).executeTakeFirst();
    if (!customer) return undefined;
    const [services, ipAssignments, domains] = await Promise.all([
      this.db.selectFrom('services').select(['id', 'kind', 'label']).where('customer_id', '=', id).orderBy('id').execute(),
      this.db
        .selectFrom('ip_assignments')
        .innerJoin('services', 'services.id', 'ip_assignments.service_id')
        .select(['ip_assignments.cidr', 'ip_assignments.service_id', 'ip_assignments.valid_from', 'ip_assignments.valid_to'])
        .where('services.customer_id', '=', id)
        .orderBy('ip_assignments.id')
        .limit(5000)
        .execute(),
      this.db
        .selectFrom('domains')
        .innerJoin('services', 'services.id', 'domains.service_id')
        .select(['domains.name', 'domains.service_id', 'domains.valid_from', 'domains.valid_to'])
        .where('services.customer_id', '=', id)
        .orderBy('domains.id')
        .limit(5000)
        .execute(),
    ]);
    return { customer, services, ipAssignments, domains };
  }

  // ---- dashboard -----------------------------------------------------------------------------

  /** Events per UTC day and category since `since` (from the covering index events_created). */
  async eventsPerDay(since: string) {
    const day = sql<string>`substr(created_at, 1, 10)`;
    const rows = await this.db
      .selectFrom('events')
      .select([day.as('day'), 'category', (eb) => eb.fn.countAll<number>().as('n')])
      .where('created_at', '>=', since)
      .groupBy([day, 'category'])
      .execute();
    return rows.map((r) => ({ day: r.day, category: r.category, count: Number(r.n) }));
  }

  async casesPerDay(since: string) {
    const opened = await this.db
      .selectFrom('cases')
      .select([sql<string>`substr(opened_at, 1, 10)`.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('opened_at', '>=', since)
      .groupBy(sql`substr(opened_at, 1, 10)`)
      .execute();
    const closed = await this.db
      .selectFrom('cases')
      .select([sql<string>`substr(closed_at, 1, 10)`.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('closed_at', '>=', since)
      .groupBy(sql`substr(closed_at, 1, 10)`)
      .execute();
    return { opened: opened.map((r) => ({ day: r.day, n: Number(r.n) })), closed: closed.map((r) => ({ day: r.day, n: Number(r.n) })) };
  }

  /** For cases opened since `since` (at most `limit`), when the case opened and when its first action came. */
  async firstActions(since: string, limit: number) {
    return this.db
      .selectFrom('cases')
      .innerJoin('actions', 'actions.case_id', 'cases.id')
      .select(['cases.id', 'cases.opened_at', (eb) => eb.fn.min<string>('actions.created_at').as('first_action')])
      .where('cases.opened_at', '>=', since)
      .groupBy(['cases.id', 'cases.opened_at'])
      .limit(limit)
      .execute();
  }

  async topCustomers(since: string, n: number) {
    const rows = await this.db
      .selectFrom('events')
      .leftJoin('customers', 'customers.id', 'events.customer_id')
      .select(['events.customer_id', 'customers.name', (eb) => eb.fn.countAll<number>().as('n')])
      .where('events.created_at', '>=', since)
      .where('events.customer_id', 'is not', null)
      .groupBy(['events.customer_id', 'customers.name'])
      .orderBy('n', 'desc')
      .limit(n)
      .execute();
    return rows.map((r) => ({ customer: r.customer_id as string, name: r.name, events: Number(r.n) }));
  }

  async topReporters(since: string, n: number) {
    const rows = await this.db
      .selectFrom('reports')
      .select(['reporter', (eb) => eb.fn.countAll<number>().as('n')])
      .where('received_at', '>=', since)
      .where('reporter', 'is not', null)
      .groupBy('reporter')
      .orderBy('n', 'desc')
      .limit(n)
      .execute();
    return rows.map((r) => ({ reporter: r.reporter as string, reports: Number(r.n) }));
  }
}

