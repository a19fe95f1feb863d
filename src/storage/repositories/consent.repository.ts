import type { Selectable } from 'kysely';
import type { Executor } from '../database.js';
import type { ConsentTable } from '../schema.js';

export type ConsentRow = Selectable<ConsentTable>;

export interface NewConsent {
  customerId: string;
  kind: string;
  cidrs: string[];
  targets: string[] | null;
  ports: [number, number][] | null;
  validFrom: string;
  validTo: string | null;
  document: string;
  note: string | null;
  createdBy: string;
}

/** The consent registry: written consents for IRC, permissions for port scans and security audits. */
export class ConsentRepository {
  constructor(private readonly db: Executor) {}

  async insert(c: NewConsent, now: Date): Promise<ConsentRow> {
    return this.db
      .insertInto('consents')
      .values({
        customer_id: c.customerId,
        kind: c.kind,
        cidrs: JSON.stringify(c.cidrs),
        targets: c.targets ? JSON.stringify(c.targets) : null,
        ports: c.ports ? JSON.stringify(c.ports) : null,
        valid_from: c.validFrom,
        valid_to: c.validTo,
        document: c.document,
        note: c.note,
        created_at: now.toISOString(),
        created_by: c.createdBy,
        revoked_at: null,
        revoked_by: null,
        revoke_reason: null,
        hits: 0,
        last_hit_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async get(id: number): Promise<ConsentRow | undefined> {
    return this.db.selectFrom('consents').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(f: { customerId?: string; kind?: string; includeRevoked?: boolean; limit?: number } = {}): Promise<ConsentRow[]> {
    let q = this.db.selectFrom('consents').selectAll().orderBy('id', 'desc').limit(f.limit ?? 1000);
    if (f.customerId) q = q.where('customer_id', '=', f.customerId);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (!f.includeRevoked) q = q.where('revoked_at', 'is', null);
    return q.execute();
  }

  /** Unrevoked consents of a customer and kind whose window contains `at`. */
  async candidates(customerId: string, kind: string, at: string): Promise<ConsentRow[]> {
    return this.db
      .selectFrom('consents')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('kind', '=', kind)
      .where('revoked_at', 'is', null)
      .where('valid_from', '<=', at)
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', at)]))
      .orderBy('id')
      .execute();
  }

  async revoke(id: number, by: string, reason: string | null, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('consents')
      .set({ revoked_at: now.toISOString(), revoked_by: by, revoke_reason: reason })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async hit(id: number, now: Date): Promise<void> {
    await this.db
      .updateTable('consents')
      .set((eb) => ({ hits: eb('hits', '+', 1), last_hit_at: now.toISOString() }))
      .where('id', '=', id)
      .execute();
  }
}
