import type { Selectable } from 'kysely';
import type { NormalizedEvent } from '../../domain/event.js';
import type { Executor } from '../database.js';
import { chunk } from '../dialect.js';
import type { EventStatus, EventTable } from '../schema.js';

export type EventRow = Selectable<EventTable>;

export interface StoredEvent extends NormalizedEvent {
  fingerprint: string;
}

/** Normalized events, each stored once however often its report arrives. */
export class EventRepository {
  constructor(private readonly db: Executor) {}

  /** Inserts the events of a report; an event already stored (same fingerprint) is skipped. Returns how many were new. */
  async insertNew(reportId: number, events: StoredEvent[], now: Date): Promise<number> {
    let added = 0;
    const at = now.toISOString();
    for (const rows of chunk(events, 16)) {
      const r = await this.db
        .insertInto('events')
        .values(
          rows.map((e) => ({
            report_id: reportId,
            fingerprint: e.fingerprint,
            category: e.category,
            type: e.type,
            ip: e.ip,
            port: e.port,
            url: e.url,
            domain: e.domain,
            email: e.email,
            occurred_at: e.occurredAt,
            reporter: e.reporter,
            evidence: JSON.stringify(e.evidence ?? {}),
            status: 'new' as const,
            created_at: at,
          })),
        )
        .onConflict((oc) => oc.column('fingerprint').doNothing())
        .returning('id')
        .execute();
      added += r.length;
    }
    return added;
  }

  /** The next events of a report still waiting for correlation. */
  async pending(reportId: number, limit: number): Promise<EventRow[]> {
    return this.db.selectFrom('events').selectAll().where('report_id', '=', reportId).where('status', '=', 'new').orderBy('id').limit(limit).execute();
  }

  async assign(id: number, a: { status: EventStatus; customerId: string | null; serviceId: string | null; caseId: number | null; resource: string | null; matched: string | null }): Promise<void> {
    await this.db
      .updateTable('events')
      .set({ status: a.status, customer_id: a.customerId, service_id: a.serviceId, case_id: a.caseId, resource: a.resource, matched: a.matched })
      .where('id', '=', id)
      .execute();
  }

  async forCase(caseId: number, limit = 1000): Promise<EventRow[]> {
    return this.db.selectFrom('events').selectAll().where('case_id', '=', caseId).orderBy('occurred_at').orderBy('id').limit(limit).execute();
  }

  async forReport(reportId: number): Promise<EventRow[]> {
    return this.db.selectFrom('events').selectAll().where('report_id', '=', reportId).orderBy('id').execute();
  }

  async unassigned(limit = 100): Promise<EventRow[]> {
    return this.db.selectFrom('events').selectAll().where('status', '=', 'unassigned').orderBy('id', 'desc').limit(limit).execute();
  }

  async countByStatusAndCategory(): Promise<{ status: string; category: string; n: number }[]> {
    const rows = await this.db.selectFrom('events').select(['status', 'category', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['status', 'category']).execute();
    return rows.map((r) => ({ ...r, n: Number(r.n) }));
  }
}
