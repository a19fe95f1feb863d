import type { Selectable } from 'kysely';
import type { Executor } from '../database.js';
import type { PolicyTable } from '../schema.js';

export type PolicyRow = Selectable<PolicyTable>;

/** Stored policy versions: activated once, never changed, in force from their effective date. */
export class PolicyRepository {
  constructor(private readonly db: Executor) {}

  /** Stores a version; false when this id@version is already stored (activation is idempotent on the same text). */
  async insert(p: { policyId: string; version: string; ref: string; effectiveFrom: string; document: string; sha256: string; activatedAt: Date; activatedBy: string }): Promise<boolean> {
    const r = await this.db
      .insertInto('policies')
      .values({
        policy_id: p.policyId,
        version: p.version,
        ref: p.ref,
        effective_from: p.effectiveFrom,
        document: p.document,
        sha256: p.sha256,
        activated_at: p.activatedAt.toISOString(),
        activated_by: p.activatedBy,
      })
      .onConflict((oc) => oc.column('ref').doNothing())
      .returning('id')
      .execute();
    return r.length === 1;
  }

  async byRef(ref: string): Promise<PolicyRow | undefined> {
    return this.db.selectFrom('policies').selectAll().where('ref', '=', ref).executeTakeFirst();
  }

  /** The version in force at `at`: the latest effective date not after it, the later activation on a tie. */
  async inForce(at: Date): Promise<PolicyRow | undefined> {
    return this.db
      .selectFrom('policies')
      .selectAll()
      .where('effective_from', '<=', at.toISOString())
      .orderBy('effective_from', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async list(): Promise<Omit<PolicyRow, 'document'>[]> {
    return this.db
      .selectFrom('policies')
      .select(['id', 'policy_id', 'version', 'ref', 'effective_from', 'sha256', 'activated_at', 'activated_by'])
      .orderBy('effective_from')
      .orderBy('id')
      .execute();
  }

  /** Records that a customer was told about a version; false if they already were. */
  async markNoticed(ref: string, customerId: string, at: Date, messageId: string | null): Promise<boolean> {
    const r = await this.db
      .insertInto('policy_notices')
      .values({ policy_ref: ref, customer_id: customerId, sent_at: at.toISOString(), message_id: messageId })
      .onConflict((oc) => oc.columns(['policy_ref', 'customer_id']).doNothing())
      .returning('customer_id')
      .execute();
    return r.length === 1;
  }

  async noticed(ref: string, customerId: string): Promise<boolean> {
    const r = await this.db.selectFrom('policy_notices').select('customer_id').where('policy_ref', '=', ref).where('customer_id', '=', customerId).executeTakeFirst();
    return !!r;
  }

  /** Active customers not yet told about a version, in id order from `after`. */
  async customersToNotice(ref: string, after: string, limit: number) {
    return this.db
      .selectFrom('customers')
      .select(['id', 'name', 'contacts', 'locale'])
      .where('status', '=', 'active')
      .where('id', '>', after)
      .where('id', 'not in', (eb) => eb.selectFrom('policy_notices').select('customer_id').where('policy_ref', '=', ref))
      .orderBy('id')
      .limit(limit)
      .execute();
  }
}
