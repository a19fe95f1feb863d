import type { Executor } from '../database.js';

/** One-time sign-in links: a link is used at most once, within its lifetime. */
export class LoginLinkRepository {
  constructor(private readonly db: Executor) {}

  async insert(tokenHash: string, userId: number, now: Date, expiresAt: Date): Promise<void> {
    await this.db.insertInto('login_links').values({ token_hash: tokenHash, user_id: userId, created_at: now.toISOString(), expires_at: expiresAt.toISOString(), used_at: null }).execute();
  }

  /** Marks the link used and returns its user, or undefined when unknown, used or expired. Atomic: two redeemers, one winner. */
  async consume(tokenHash: string, now: Date): Promise<number | undefined> {
    const row = await this.db
      .updateTable('login_links')
      .set({ used_at: now.toISOString() })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now.toISOString())
      .returning('user_id')
      .executeTakeFirst();
    return row?.user_id;
  }

  /** Links issued to a user since `since`: the per-address cap on mailed links. */
  async countSince(userId: number, since: Date): Promise<number> {
    const r = await this.db.selectFrom('login_links').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('created_at', '>', since.toISOString()).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
