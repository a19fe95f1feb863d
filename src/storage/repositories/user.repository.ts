import type { Selectable } from 'kysely';
import type { Executor } from '../database.js';
import type { UserTable } from '../schema.js';

export type UserRow = Selectable<UserTable>;

const columns = ['id', 'email', 'name', 'role', 'customer_id', 'password_hash', 'totp_secret', 'totp_enabled', 'failed_logins', 'locked_until', 'disabled', 'last_login_at', 'created_at', 'updated_at'] as const;

/** People who sign in: operators and customer users. */
export class UserRepository {
  constructor(private readonly db: Executor) {}

  async byEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').select(columns).where('email', '=', email.toLowerCase()).executeTakeFirst();
  }

  async get(id: number): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').select(columns).where('id', '=', id).executeTakeFirst();
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async list(limit = 1000): Promise<UserRow[]> {
    return this.db.selectFrom('users').select(columns).orderBy('id').limit(limit).execute();
  }

  async insert(u: { email: string; name: string | null; role: string; customerId: string | null; passwordHash: string | null; now: Date }): Promise<UserRow> {
    const at = u.now.toISOString();
    return this.db
      .insertInto('users')
      .values({ email: u.email.toLowerCase(), name: u.name, role: u.role, customer_id: u.customerId, password_hash: u.passwordHash, totp_secret: null, totp_enabled: 0, failed_logins: 0, locked_until: null, disabled: 0, last_login_at: null, created_at: at, updated_at: at })
      .returning(columns)
      .executeTakeFirstOrThrow();
  }

  async update(id: number, now: Date, set: Partial<Pick<UserRow, 'name' | 'role' | 'customer_id' | 'password_hash' | 'totp_secret' | 'totp_enabled' | 'disabled'>>): Promise<void> {
    await this.db.updateTable('users').set({ ...set, updated_at: now.toISOString() }).where('id', '=', id).execute();
  }

  /** Counts one failed sign-in; locks the account until `lockUntil` when the count reaches `threshold`. Returns the new count. */
  async recordFailure(id: number, threshold: number, lockUntil: Date, now: Date): Promise<number> {
    const row = await this.db
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1), updated_at: now.toISOString() }))
      .where('id', '=', id)
      .returning('failed_logins')
      .executeTakeFirstOrThrow();
    if (row.failed_logins >= threshold) {
      await this.db.updateTable('users').set({ locked_until: lockUntil.toISOString(), failed_logins: 0 }).where('id', '=', id).execute();
    }
    return row.failed_logins;
  }

  async recordSuccess(id: number, now: Date): Promise<void> {
    await this.db.updateTable('users').set({ failed_logins: 0, locked_until: null, last_login_at: now.toISOString() }).where('id', '=', id).execute();
  }
}

/** Customers that list this address among their contacts (exact match after JSON decoding). */
export async function customersWithContact(db: Executor, email: string): Promise<string[]> {
  // `%` and `_` in an address only widen the LIKE; the exact test is done on the decoded list below.
  const needle = JSON.stringify(email.toLowerCase());
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'contacts'])
    .where((eb) => eb(eb.fn('lower', ['contacts']), 'like', `%${needle}%`))
    .limit(50)
    .execute();
  return rows.filter((r) => (JSON.parse(r.contacts) as string[]).some((c) => c.toLowerCase() === email.toLowerCase())).map((r) => r.id);
}
