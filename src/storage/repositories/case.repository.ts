import type { Selectable } from 'kysely';
import type { Executor } from '../database.js';
import type { CaseTable } from '../schema.js';

export type CaseRow = Selectable<CaseTable>;

export interface CaseFilter {
  status?: string;
  open?: boolean;
  customerId?: string;
  category?: string;
  resource?: string;
  limit?: number;
  beforeId?: number;
}

/** Cases: the events of one customer, category and resource, worked as one. */
export class CaseRepository {
  constructor(private readonly db: Executor) {}

  async findOpen(customerId: string, category: string, resource: string): Promise<CaseRow | undefined> {
    return this.db
      .selectFrom('cases')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('category', '=', category)
      .where('resource', '=', resource)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
  }

  async open(c: { customerId: string; category: string; resource: string; policyVersion: string | null; firstSeen: string; now: Date }): Promise<CaseRow> {
    const at = c.now.toISOString();
    return this.db
      .insertInto('cases')
      .values({
        customer_id: c.customerId,
        category: c.category,
        resource: c.resource,
        status: 'open',
        policy_version: c.policyVersion,
        opened_at: at,
        first_seen: c.firstSeen,
        last_seen: c.firstSeen,
        event_count: 0,
        closed_at: null,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Counts new events into a case and widens its first/last seen. */
  async addEvents(id: number, count: number, firstSeen: string, lastSeen: string, now: Date): Promise<void> {
    await this.db
      .updateTable('cases')
      .set((eb) => ({
        event_count: eb('event_count', '+', count),
        first_seen: eb.case().when('first_seen', '>', firstSeen).then(firstSeen).else(eb.ref('first_seen')).end(),
        last_seen: eb.case().when('last_seen', '<', lastSeen).then(lastSeen).else(eb.ref('last_seen')).end(),
        updated_at: now.toISOString(),
      }))
      .where('id', '=', id)
      .execute();
  }

  async get(id: number): Promise<CaseRow | undefined> {
    return this.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(f: CaseFilter = {}): Promise<CaseRow[]> {
    let q = this.db.selectFrom('cases').selectAll().orderBy('id', 'desc').limit(f.limit ?? 100);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.open === true) q = q.where('closed_at', 'is', null);
    if (f.open === false) q = q.where('closed_at', 'is not', null);
    if (f.customerId) q = q.where('customer_id', '=', f.customerId);
    if (f.category) q = q.where('category', '=', f.category);
    if (f.resource) q = q.where('resource', '=', f.resource);
    if (f.beforeId) q = q.where('id', '<', f.beforeId);
    return q.execute();
  }

  async setStatus(id: number, status: string, now: Date, closed = false): Promise<void> {
    await this.db
      .updateTable('cases')
      .set({ status, updated_at: now.toISOString(), ...(closed ? { closed_at: now.toISOString() } : {}) })
      .where('id', '=', id)
      .execute();
  }

  async countByStatusAndCategory(): Promise<{ status: string; category: string; n: number }[]> {
    const rows = await this.db.selectFrom('cases').select(['status', 'category', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['status', 'category']).execute();
    return rows.map((r) => ({ ...r, n: Number(r.n) }));
  }
}
