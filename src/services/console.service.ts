import type { AbuseDesk } from '../app.js';
import type { Category } from '../domain/categories.js';
import { CORRELATE_JOB, PARSE_JOB } from '../pipeline/parse.step.js';
import { ActionRepository } from '../storage/repositories/action.repository.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { CaseRepository } from '../storage/repositories/case.repository.js';
import { type CaseListRow, ConsoleRepository, type Cursor } from '../storage/repositories/console.repository.js';
import { EventRepository } from '../storage/repositories/event.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { NoteRepository, type NoteRow } from '../storage/repositories/note.repository.js';
import { ReportRepository } from '../storage/repositories/report.repository.js';
import { workflowOf } from '../workflow/install.js';
import { WorkflowError } from '../workflow/service.js';
import { presentAction, presentEvent } from './presenters.js';
import { decodeCursor, encodeCursor, type SearchParams, searchFilter } from './search-query.js';

export const QUEUES = ['new', 'unclassified', 'unassigned', 'awaiting-approval', 'awaiting-customer', 'overdue', 'failed-actions', 'failed-reports'] as const;
export type QueueName = (typeof QUEUES)[number];

/** Queues larger than this show as "1000+": an exact count would be a scan, and nobody works a queue by its thousandth item. */
export const QUEUE_COUNT_CAP = 1_000;

export interface QueueItem {
  kind: 'case' | 'report' | 'event' | 'action';
  id: number;
  caseId: number | null;
  title: string;
  customer: string | null;
  category: string | null;
  status: string;
  at: string;
  detail: string | null;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export class NotFoundError extends Error {}

/** The change does not apply to the thing as it is now (HTTP 409). */
export class ConflictError extends Error {}

export function presentCaseRow(c: CaseListRow) {
  return {
    id: c.id,
    customer: c.customer_id,
    customerName: c.customer_name,
    category: c.category as Category,
    resource: c.resource,
    status: c.status,
    eventCount: c.event_count,
    firstSeen: c.first_seen,
    lastSeen: c.last_seen,
    openedAt: c.opened_at,
    closedAt: c.closed_at,
  };
}

export function presentNote(n: NoteRow) {
  return { id: n.id, author: n.author, text: n.text, at: n.created_at };
}

const idCursor = (id: number): Cursor => ({ at: '', id });

/** Marks a cursor of the awaiting-customer queue that points into its reported-fixed part. */
const FIXED = 'fixed:';

/**
 * What the operator console reads and does beyond the plain case list: queues, search, the case
 * view, notes, bulk actions and re-parsing. Every change writes its audit entry in its transaction.
 */
export class ConsoleService {
  constructor(private readonly desk: AbuseDesk) {}

  private repo() {
    return new ConsoleRepository(this.desk.database.db);
  }

  private now(): Date {
    return this.desk.ctx.clock.now();
  }

  async queueCounts(): Promise<{ name: QueueName; count: number; capped: boolean }[]> {
    const now = this.now().toISOString();
    // Side by side: on PostgreSQL each count runs on its own pooled connection.
    const counts = await Promise.all(QUEUES.map((name) => this.repo().countCapped(name, now, QUEUE_COUNT_CAP + 1)));
    return QUEUES.map((name, i) => ({ name, count: Math.min(counts[i], QUEUE_COUNT_CAP), capped: counts[i] > QUEUE_COUNT_CAP }));
  }

  /** One page of a queue, newest (or most urgent) first, with the cursor of the next page. */
  async queue(name: QueueName, limit: number, cursorText?: string): Promise<Page<QueueItem>> {
    const cursor = decodeCursor(cursorText);
    const repo = this.repo();
    const now = this.now().toISOString();
    const caseItem = (c: CaseListRow, at = c.last_seen, detail: string | null = null): QueueItem => ({
      kind: 'case',
      id: c.id,
      caseId: c.id,
      title: `${c.category} on ${c.resource}`,
      customer: c.customer_name ? `${c.customer_name} (${c.customer_id})` : c.customer_id,
      category: c.category,
      status: c.status,
      at,
      detail: detail ?? `${c.event_count} event${c.event_count === 1 ? '' : 's'}`,
    });
    let items: QueueItem[];
    let next: (it: QueueItem) => Cursor;
    switch (name) {
      case 'new':
      case 'unclassified': {
        const rows = await repo.caseList(name === 'new' ? { status: 'open' } : { category: 'unclassified', open: true }, limit, cursor);
        items = rows.map((c) => caseItem(c));
        next = (it) => ({ at: it.at, id: it.id });
        break;
      }
      case 'awaiting-customer': {
        // Cases the customer reported fixed come first (an operator verifies and resolves them),
        // then those whose deadline is still running. A cursor into the first part says "fixed:".
        const inFixed = !cursor || cursor.at.startsWith(FIXED);
        const fixed = inFixed ? await repo.reportedFixed(limit, cursor ? { at: cursor.at.slice(FIXED.length), id: cursor.id } : undefined) : [];
        items = fixed.map((c) => caseItem(c, c.reported_at, `reported fixed by the customer (${c.reported_by}): verify and resolve`));
        const rest = limit - items.length;
        if (rest > 0) {
          const rows = await repo.casesByDeadline(now, 'future', rest, inFixed ? undefined : cursor);
          items.push(...rows.map((c) => caseItem(c, c.deadline_at, `deadline ${c.deadline_at}`)));
        }
        const fixedIds = new Set(fixed.map((c) => c.id));
        const lastFixed = fixed[fixed.length - 1];
        // A page that ends inside the fixed part continues there; else within the deadlines.
        next = (it) => (items.length === fixed.length && lastFixed && fixedIds.has(it.id) ? { at: `${FIXED}${it.at}`, id: it.id } : { at: it.at, id: it.id });
        break;
      }
      case 'overdue': {
        const rows = await repo.casesByDeadline(now, 'past', limit, cursor);
        items = rows.map((c) => caseItem(c, c.deadline_at, `deadline ${c.deadline_at}`));
        next = (it) => ({ at: it.at, id: it.id });
        break;
      }
      case 'unassigned': {
        const rows = await repo.eventsByStatus('unassigned', limit, cursor?.id);
        items = rows.map((e) => ({
          kind: 'event' as const,
          id: e.id,
          caseId: null,
          title: `${e.category} ${e.type}: ${e.ip ?? e.domain ?? e.url ?? e.email ?? 'no resource'}`,
          customer: null,
          category: e.category,
          status: e.status,
          at: e.created_at,
          detail: `report ${e.report_id}${e.reporter ? ` from ${e.reporter}` : ''}`,
        }));
        next = (it) => idCursor(it.id);
        break;
      }
      case 'awaiting-approval':
      case 'failed-actions': {
        const rows = await repo.actionsByStatus(name === 'awaiting-approval' ? 'proposed' : 'failed', limit, cursor?.id);
        items = rows.map((a) => ({
          kind: 'action' as const,
          id: a.id,
          caseId: a.case_id,
          title: `${a.kind}${a.scope ? ` (${a.scope})` : ''} for ${a.category} on ${a.resource}`,
          customer: a.customer_id,
          category: a.category,
          status: a.status,
          at: a.updated_at,
          detail: name === 'failed-actions' ? a.last_error : `${a.approval ? `needs ${a.approval} approval` : 'proposed'}${a.due_at ? `, due ${a.due_at}` : ''}`,
        }));
        next = (it) => idCursor(it.id);
        break;
      }
      case 'failed-reports': {
        const rows = await repo.reportsByStatus('failed', limit, cursor?.id);
        items = rows.map((r) => ({
          kind: 'report' as const,
          id: r.id,
          caseId: null,
          title: r.subject ?? r.filename ?? `report ${r.id}`,
          customer: null,
          category: null,
          status: r.status,
          at: r.received_at,
          detail: r.error,
        }));
        next = (it) => idCursor(it.id);
        break;
      }
    }
    return { items, next: items.length === limit ? encodeCursor(next(items[items.length - 1])) : null };
  }

  async search(params: SearchParams, limit: number, cursorText?: string) {
    const rows = await this.repo().caseList(searchFilter(params), limit, decodeCursor(cursorText));
    const last = rows[rows.length - 1];
    return { items: rows.map(presentCaseRow), next: rows.length === limit && last ? encodeCursor({ at: last.last_seen, id: last.id }) : null };
  }

  /** Everything the case page shows: the case, its customer, and a timeline of events, actions, messages and notes. */
  async caseView(id: number) {
    const db = this.desk.database.db;
    const c = await new CaseRepository(db).get(id);
    if (!c) return null;
    const repo = this.repo();
    const [events, actions, notes, messages, reports, customer] = await Promise.all([
      new EventRepository(db).forCase(id, 500),
      new ActionRepository(db).forCase(id),
      new NoteRepository(db).forCase(id),
      repo.messagesForCase(id),
      repo.reportsForCase(id),
      this.customer(c.customer_id),
    ]);
    const timeline = [
      ...events.map((e) => ({ kind: 'event' as const, id: e.id, at: e.occurred_at, summary: `${e.type}${e.ip ? ` ${e.ip}` : ''}${e.url ? ` ${e.url}` : e.domain ? ` ${e.domain}` : ''}` })),
      ...actions.map((a) => ({ kind: 'action' as const, id: a.id, at: a.created_at, summary: `${a.kind}${a.scope ? ` (${a.scope})` : ''}: ${a.status}` })),
      ...messages.map((m) => ({ kind: 'message' as const, id: m.id, at: m.created_at, summary: `${m.direction} ${m.kind}: ${m.subject}` })),
      ...notes.map((n) => ({ kind: 'note' as const, id: n.id, at: n.created_at, summary: `${n.author}: ${n.text.slice(0, 120)}` })),
    ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return {
      id: c.id,
      customer: c.customer_id,
      customerName: customer?.name ?? null,
      category: c.category as Category,
      resource: c.resource,
      status: c.status,
      eventCount: c.event_count,
      firstSeen: c.first_seen,
      lastSeen: c.last_seen,
      policyVersion: c.policy_version,
      openedAt: c.opened_at,
      closedAt: c.closed_at,
      updatedAt: c.updated_at,
      events: events.map(presentEvent),
      actions: actions.map(presentAction),
      messages: messages.map((m) => ({
        id: m.id,
        direction: m.direction === 'inbound' ? ('in' as const) : ('out' as const),
        kind: m.kind,
        channel: m.channel,
        from: m.sender,
        to: (JSON.parse(m.recipients) as string[]).join(', ') || null,
        subject: m.subject,
        body: m.body,
        at: m.created_at,
      })),
      notes: notes.map(presentNote),
      reports: reports.map((r) => ({ id: r.id, channel: r.channel, reporter: r.reporter, subject: r.subject, filename: r.filename, receivedAt: r.received_at, format: r.format, status: r.status, sha256: r.sha256, size: r.size })),
      customerDetail: customer,
      timeline,
    };
  }

  async customer(id: string) {
    const d = await this.repo().customerDetail(id);
    if (!d) return null;
    return {
      id: d.customer.id,
      name: d.customer.name,
      contacts: JSON.parse(d.customer.contacts) as string[],
      plan: d.customer.plan,
      status: d.customer.status,
      locale: d.customer.locale,
      services: d.services,
      ipAssignments: d.ipAssignments.map((a) => ({ cidr: a.cidr, service: a.service_id, from: a.valid_from, to: a.valid_to })),
      domains: d.domains.map((a) => ({ name: a.name, service: a.service_id, from: a.valid_from, to: a.valid_to })),
    };
  }

  async customers(q: string | undefined, limit: number) {
    return (await this.repo().customers(q, limit)).map((c) => ({ id: c.id, name: c.name, contacts: JSON.parse(c.contacts) as string[], plan: c.plan, status: c.status, locale: c.locale }));
  }

  async addNote(caseId: number, text: string, actor: string) {
    const now = this.now();
    return this.desk.database.db.transaction().execute(async (tx) => {
      if (!(await new CaseRepository(tx).get(caseId))) throw new NotFoundError(`no case ${caseId}`);
      const n = await new NoteRepository(tx).add(caseId, actor, text, now);
      await new AuditRepository(tx).append(now, [{ actor, entity: 'case', entityId: caseId, action: 'note', data: { note: n.id } }]);
      return presentNote(n);
    });
  }

  /** Parses a stored report again (after a parser fix): a new parse job for it. */
  async reparse(reportId: number, actor: string): Promise<{ reportId: number; job: number }> {
    const now = this.now();
    const job = await this.desk.database.db.transaction().execute(async (tx) => {
      if (!(await new ReportRepository(tx).get(reportId))) throw new NotFoundError(`no report ${reportId}`);
      const id = await new JobRepository(tx).enqueue(PARSE_JOB, { reportId }, now);
      await new AuditRepository(tx).append(now, [{ actor, entity: 'report', entityId: reportId, action: 'reparse-requested', data: { job: id } }]);
      return id;
    });
    this.desk.ctx.nudge();
    return { reportId, job };
  }

  /**
   * An operator sets the category of an event the pipeline could not place (unclassified, or in
   * the unassigned or new queue): it goes back to correlation through the pipeline's own path
   * (status new with the new category, a correlate job in the same transaction), so it joins the
   * right case, opens one, or lands in the unassigned queue. A case left without events closes
   * through the workflow.
   */
  async reclassifyEvent(eventId: number, category: Category, actor: string): Promise<{ eventId: number; from: string; to: string; previousCase: number | null; job: number }> {
    const now = this.now();
    const r = await this.desk.database.db.transaction().execute(async (tx) => {
      const repo = new ConsoleRepository(tx);
      const e = await repo.event(eventId);
      if (!e) throw new NotFoundError(`no event ${eventId}`);
      const kase = e.case_id !== null ? await new CaseRepository(tx).get(e.case_id) : undefined;
      const placeable = e.status === 'unassigned' || e.status === 'new' || (e.status === 'correlated' && !!kase && !kase.closed_at && (kase.category === 'unclassified' || kase.status === 'open'));
      if (!placeable) throw new ConflictError(`event ${eventId} is ${e.status}${kase ? ` in case ${kase.id} (${kase.category}, ${kase.status})` : ''}: only unclassified, new or unassigned work is reclassified`);
      if (e.category === category && e.status !== 'unassigned') throw new ConflictError(`event ${eventId} is ${category} already`);
      await repo.reclassifyEvent(eventId, category);
      const job = await new JobRepository(tx).enqueue(CORRELATE_JOB, { reportId: e.report_id }, now);
      await new AuditRepository(tx).append(now, [{ actor, entity: 'event', entityId: eventId, action: 'reclassified', data: { from: e.category, to: category, case: kase?.id ?? null, job } }]);
      if (kase) {
        const left = await repo.caseLostEvents(kase.id, 1, now);
        await new AuditRepository(tx).append(now, [{ actor, entity: 'case', entityId: kase.id, action: 'event-removed', data: { event: eventId, reason: `reclassified as ${category}`, left } }]);
        if (left === 0) await workflowOf(this.desk).service.closeCaseIn(tx, kase.id, 'closed', actor, `its only event was reclassified as ${category}`, now);
      }
      return { eventId, from: e.category, to: category, previousCase: kase?.id ?? null, job };
    });
    this.desk.ctx.nudge();
    return r;
  }

  /** One operation on many cases; each case in its own transaction, so one bad id does not undo the rest. */
  async bulk(ids: number[], op: 'note' | 'close' | 'reparse-reports', args: { text?: string; reason?: string }, actor: string) {
    const failed: { id: number; error: string }[] = [];
    let done = 0;
    for (const id of ids) {
      try {
        if (op === 'note') await this.addNote(id, args.text ?? '', actor);
        else if (op === 'close') await this.close(id, args.reason ?? 'closed by an operator', actor);
        else await this.reparse(id, actor);
        done++;
      } catch (err) {
        failed.push({ id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return { done, failed };
  }

  /** A case closed by an operator goes the workflow's own way, exactly as a single close from the case page. */
  private async close(caseId: number, reason: string, actor: string): Promise<void> {
    try {
      await workflowOf(this.desk).service.closeCase(caseId, actor, reason);
    } catch (err) {
      if (err instanceof WorkflowError && err.code === 'not_found') throw new NotFoundError(err.message);
      throw err;
    }
  }
}
