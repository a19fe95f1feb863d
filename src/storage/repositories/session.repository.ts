import type { Selectable } from 'kysely';
import type { Executor } from '../database.js';
import type { SessionTable } from '../schema.js';
import type { UserRow } from './user.repository.js';

export type SessionRow = Selectable<SessionTable>;

/** Server-side sessions, found by the SHA-256 of the cookie's token. */
export class SessionRepository {
  constructor(private readonly db: Executor) {}

  async insert(s: SessionRow): Promise<void> {
    await this.db.insertInto('sessions').values(s).execute();
  }

  /** The live session and its user, or undefined when unknown, expired or the user is disabled. */
  async withUser(idHash: string, now: Date): Promise<{ session: SessionRow; user: UserRow } | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'sessions.id_hash', 'sessions.user_id', 'sessions.csrf_token', 'sessions.created_at', 'sessions.seen_at', 'sessions.expires_at', 'sessions.ip', 'sessions.user_agent',
        'users.id', 'users.email', 'users.name', 'users.role', 'users.customer_id', 'users.password_hash', 'users.totp_secret', 'users.totp_enabled',
        'users.failed_logins', 'users.locked_until', 'users.disabled', 'users.last_login_at', 'users.created_at as user_created_at', 'users.updated_at',
      ])
      .where('sessions.id_hash', '=', idHash)
      .where('sessions.expires_at', '>', now.toISOString())
      .where('users.disabled', '=', 0)
      .executeTakeFirst();
    if (!row) return undefined;
    const { id_hash, user_id, csrf_token, created_at, seen_at, expires_at, ip, user_agent, user_created_at, ...user } = row;
    return { session: { id_hash, user_id, csrf_token, created_at, seen_at, expires_at, ip, user_agent }, user: { ...user, created_at: user_created_at } };
  }

  async touch(idHash: string, seenAt: Date, expiresAt: Date): Promise<void> {
    await this.db.updateTable('sessions').set({ seen_at: seenAt.toISOString(), expires_at: expiresAt.toISOString() }).where('id_hash', '=', idHash).execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteForUser(userId: number): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async deleteExpired(now: Date): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', now.toISOString()).execute();
  }
}
