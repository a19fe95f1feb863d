import type { Selectable } from 'kysely';
import type { Executor } from '../database.js';
import type { ApiTokenTable } from '../schema.js';

export type ApiTokenRow = Selectable<ApiTokenTable>;

const columns = ['id', 'token_hash', 'name', 'role', 'customer_id', 'created_by', 'created_at', 'expires_at', 'last_used_at', 'revoked_at'] as const;

/** API tokens for machines; only their SHA-256 is stored. */
export class ApiTokenRepository {
  constructor(private readonly db: Executor) {}

  async insert(t: Omit<ApiTokenRow, 'id' | 'last_used_at' | 'revoked_at'>): Promise<ApiTokenRow> {
    return this.db.insertInto('api_tokens').values({ ...t, last_used_at: null, revoked_at: null }).returning(columns).executeTakeFirstOrThrow();
  }

  /** The usable token with this hash (not revoked, not expired), or undefined. */
  async live(tokenHash: string, now: Date): Promise<ApiTokenRow | undefined> {
    return this.db
      .selectFrom('api_tokens')
      .select(columns)
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now.toISOString())]))
      .executeTakeFirst();
  }

  async touch(id: number, now: Date): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', id).execute();
  }

  async list(): Promise<ApiTokenRow[]> {
    return this.db.selectFrom('api_tokens').select(columns).orderBy('id').execute();
  }

  async revoke(id: number, now: Date): Promise<boolean> {
    const r = await this.db.updateTable('api_tokens').set({ revoked_at: now.toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
