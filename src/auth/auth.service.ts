import { authenticator } from 'otplib';
import type { AbuseDesk } from '../app.js';
import { createMailer, type Mailer } from '../connectors/mailer.js';
import type { Db } from '../storage/database.js';
import { ApiTokenRepository, type ApiTokenRow } from '../storage/repositories/api-token.repository.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { InventoryRepository } from '../storage/repositories/inventory.repository.js';
import { LoginLinkRepository } from '../storage/repositories/login-link.repository.js';
import { SessionRepository } from '../storage/repositories/session.repository.js';
import { customersWithContact, UserRepository, type UserRow } from '../storage/repositories/user.repository.js';
import { type AuthConfig, loadAuthConfig } from './auth.config.js';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './password.js';
import { isRole, type Principal, type Role } from './roles.js';
import { randomSecret, sha256 } from './secrets.js';

export class AuthError extends Error {
  constructor(
    readonly code: 'invalid' | 'locked' | 'totp_required' | 'totp_invalid' | 'bad_request' | 'not_found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

export interface SignedIn {
  /** The cookie value: shown to the client once, stored only hashed. */
  token: string;
  csrfToken: string;
  user: UserRow;
  expiresAt: Date;
}

export interface RequestInfo {
  ip?: string | null;
  userAgent?: string | null;
}

/** What leaves the server about a user (no hash, no TOTP secret). */
export function presentUser(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role as Role,
    customerId: u.customer_id,
    totp: u.totp_enabled === 1,
    disabled: u.disabled === 1,
    lastLoginAt: u.last_login_at,
    createdAt: u.created_at,
  };
}

function userPrincipal(u: UserRow, csrfToken: string): Principal {
  return { kind: 'user', id: u.id, role: u.role as Role, customerId: u.customer_id, email: u.email, name: u.name, actor: `user:${u.email}`, viaCookie: true, csrfToken };
}

function tokenPrincipal(t: ApiTokenRow): Principal {
  return { kind: 'token', id: t.id, role: t.role as Role, customerId: t.customer_id, email: null, name: t.name, actor: `token:${t.id}:${t.name}`, viaCookie: false, csrfToken: null };
}

const TOKEN_PREFIX = 'adk_';

/**
 * Accounts, sessions, API tokens and sign-in links. Every sign-in (success or failure) and every
 * change to an account is written to the audit log in the transaction that makes it.
 */
export class AuthService {
  readonly config: AuthConfig;
  private readonly db: Db;
  private mailer: Mailer | null = null;

  constructor(
    private readonly desk: AbuseDesk,
    config?: AuthConfig,
  ) {
    this.db = desk.database.db;
    this.config = config ?? loadAuthConfig();
  }

  private now(): Date {
    return this.desk.ctx.clock.now();
  }

  // ---- accounts ------------------------------------------------------------------------------

  async createUser(input: { email: string; role: string; password?: string | null; customerId?: string | null; name?: string | null }, actor: string): Promise<UserRow> {
    const email = input.email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new AuthError('bad_request', `"${input.email}" is not an e-mail address`);
    if (!isRole(input.role)) throw new AuthError('bad_request', `unknown role "${input.role}" (analyst, supervisor, admin or customer)`);
    if (input.role === 'customer' && !input.customerId) throw new AuthError('bad_request', 'a customer user needs --customer ID');
    if (input.role !== 'customer' && input.customerId) throw new AuthError('bad_request', 'only customer users belong to a customer');
    if (input.password != null && input.password.length < MIN_PASSWORD_LENGTH) throw new AuthError('bad_request', `passwords have at least ${MIN_PASSWORD_LENGTH} characters`);
    if (input.customerId && !(await new InventoryRepository(this.db).customer(input.customerId))) throw new AuthError('not_found', `no customer "${input.customerId}"`);
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    const now = this.now();
    return this.db.transaction().execute(async (tx) => {
      const users = new UserRepository(tx);
      if (await users.byEmail(email)) throw new AuthError('conflict', `a user ${email} exists already`);
      const u = await users.insert({ email, name: input.name ?? null, role: input.role, customerId: input.customerId ?? null, passwordHash, now });
      await new AuditRepository(tx).append(now, [{ actor, entity: 'user', entityId: u.id, action: 'created', data: { email, role: u.role, customer: u.customer_id, password: passwordHash ? 'set' : 'none' } }]);
      return u;
    });
  }

  async updateUser(id: number, set: { role?: string; disabled?: boolean; name?: string | null; password?: string }, actor: string): Promise<UserRow> {
    const now = this.now();
    if (set.role !== undefined && !isRole(set.role)) throw new AuthError('bad_request', `unknown role "${set.role}"`);
    if (set.password !== undefined && set.password.length < MIN_PASSWORD_LENGTH) throw new AuthError('bad_request', `passwords have at least ${MIN_PASSWORD_LENGTH} characters`);
    const passwordHash = set.password !== undefined ? await hashPassword(set.password) : undefined;
    return this.db.transaction().execute(async (tx) => {
      const users = new UserRepository(tx);
      const u = await users.get(id);
      if (!u) throw new AuthError('not_found', `no user ${id}`);
      if (set.role !== undefined && (set.role === 'customer') !== (u.role === 'customer')) throw new AuthError('bad_request', 'an operator cannot become a customer user or the reverse');
      await users.update(id, now, {
        ...(set.role !== undefined ? { role: set.role } : {}),
        ...(set.disabled !== undefined ? { disabled: set.disabled ? 1 : 0 } : {}),
        ...(set.name !== undefined ? { name: set.name } : {}),
        ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}),
      });
      // A role change, a disabled account or a new password ends every open session of that user.
      if (set.role !== undefined || set.disabled || passwordHash !== undefined) await new SessionRepository(tx).deleteForUser(id);
      await new AuditRepository(tx).append(now, [
        { actor, entity: 'user', entityId: id, action: 'updated', data: { role: set.role, disabled: set.disabled, name: set.name, password: passwordHash ? 'changed' : undefined } },
      ]);
      return (await users.get(id))!;
    });
  }

  async listUsers() {
    return (await new UserRepository(this.db).list()).map(presentUser);
  }

  async changePassword(userId: number, current: string, next: string): Promise<void> {
    const u = await new UserRepository(this.db).get(userId);
    if (!u) throw new AuthError('not_found', 'no such user');
    if (u.password_hash && !(await verifyPassword(u.password_hash, current))) throw new AuthError('invalid', 'the current password is wrong');
    await this.updateUser(userId, { password: next }, `user:${u.email}`);
  }

  // ---- sign-in -------------------------------------------------------------------------------

  /** Password (and TOTP when enrolled) -> a new session. The session presented with the request, if any, is ended: sessions rotate at sign-in. */
  async signIn(input: { email: string; password: string; totp?: string; previousToken?: string | null } & RequestInfo): Promise<SignedIn> {
    const email = input.email.trim().toLowerCase();
    const now = this.now();
    const users = new UserRepository(this.db);
    const u = await users.byEmail(email);
    const fail = async (code: AuthError['code'], reason: string, countFailure: boolean) => {
      await this.db.transaction().execute(async (tx) => {
        let locked = false;
        if (u && countFailure) {
          const n = await new UserRepository(tx).recordFailure(u.id, this.config.lockoutThreshold, new Date(now.getTime() + this.config.lockoutMs), now);
          locked = n >= this.config.lockoutThreshold;
        }
        await new AuditRepository(tx).append(now, [
          { actor: u ? `user:${u.email}` : 'anonymous', entity: 'session', entityId: u?.id ?? email.slice(0, 200), action: 'sign-in-failed', data: { reason, ip: input.ip ?? null, locked } },
        ]);
      });
      throw new AuthError(code, code === 'locked' ? 'this account is locked after too many failed sign-ins; try again later' : code === 'totp_required' ? 'enter the code from your authenticator app' : 'wrong e-mail address, password or code');
    };
    if (u && u.locked_until && u.locked_until > now.toISOString()) return fail('locked', 'locked', false);
    const passwordOk = await verifyPassword(u?.password_hash ?? null, input.password);
    if (!u || u.disabled || !passwordOk) return fail('invalid', !u ? 'unknown user' : u.disabled ? 'disabled' : 'wrong password', !!u && !u.disabled);
    if (u.totp_enabled && u.totp_secret) {
      if (!input.totp) return fail('totp_required', 'totp missing', false);
      if (!this.checkTotp(u.totp_secret, input.totp)) return fail('totp_invalid', 'wrong totp', true);
    }
    return this.startSession(u, 'password', input);
  }

  private checkTotp(secret: string, code: string): boolean {
    const totp = authenticator.clone({ epoch: this.now().getTime(), window: 1 });
    try {
      return totp.check(code.replace(/\s+/g, ''), secret);
    } catch {
      return false;
    }
  }

  private async startSession(u: UserRow, method: string, info: { previousToken?: string | null } & RequestInfo): Promise<SignedIn> {
    const now = this.now();
    const token = randomSecret();
    const csrfToken = randomSecret();
    const expiresAt = new Date(now.getTime() + this.config.sessionIdleMs);
    await this.db.transaction().execute(async (tx) => {
      const sessions = new SessionRepository(tx);
      if (info.previousToken) await sessions.delete(sha256(info.previousToken));
      await sessions.deleteExpired(now);
      await sessions.insert({
        id_hash: sha256(token),
        user_id: u.id,
        csrf_token: csrfToken,
        created_at: now.toISOString(),
        seen_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
        ip: info.ip?.slice(0, 100) ?? null,
        user_agent: info.userAgent?.slice(0, 300) ?? null,
      });
      await new UserRepository(tx).recordSuccess(u.id, now);
      await new AuditRepository(tx).append(now, [{ actor: `user:${u.email}`, entity: 'session', entityId: u.id, action: 'signed-in', data: { method, ip: info.ip ?? null, rotated: !!info.previousToken } }]);
    });
    return { token, csrfToken, user: u, expiresAt };
  }

  async signOut(token: string, actor: string): Promise<void> {
    const now = this.now();
    await this.db.transaction().execute(async (tx) => {
      const hash = sha256(token);
      const s = await new SessionRepository(tx).withUser(hash, now);
      await new SessionRepository(tx).delete(hash);
      if (s) await new AuditRepository(tx).append(now, [{ actor, entity: 'session', entityId: s.user.id, action: 'signed-out', data: {} }]);
    });
  }

  /** The principal behind a session cookie, or null. Sliding expiry, written at most once a minute per session. */
  async fromSession(token: string): Promise<Principal | null> {
    const now = this.now();
    const repo = new SessionRepository(this.db);
    const found = await repo.withUser(sha256(token), now);
    if (!found) return null;
    const { session, user } = found;
    const absolute = Date.parse(session.created_at) + this.config.sessionMaxMs;
    if (now.getTime() >= absolute) {
      await repo.delete(session.id_hash);
      return null;
    }
    if (now.getTime() - Date.parse(session.seen_at) > 60_000) {
      await repo.touch(session.id_hash, now, new Date(Math.min(absolute, now.getTime() + this.config.sessionIdleMs)));
    }
    return userPrincipal(user, session.csrf_token);
  }

  // ---- API tokens ----------------------------------------------------------------------------

  /** A new token; the plain text is returned once and never stored. */
  async createToken(input: { role: string; name?: string; customerId?: string | null; expiresAt?: Date | null }, actor: string): Promise<{ token: string; row: ApiTokenRow }> {
    if (!isRole(input.role)) throw new AuthError('bad_request', `unknown role "${input.role}" (analyst, supervisor, admin or customer)`);
    if (input.role === 'customer' && !input.customerId) throw new AuthError('bad_request', 'a customer token needs a customer');
    if (input.role !== 'customer' && input.customerId) throw new AuthError('bad_request', 'only customer tokens belong to a customer');
    if (input.customerId && !(await new InventoryRepository(this.db).customer(input.customerId))) throw new AuthError('not_found', `no customer "${input.customerId}"`);
    const token = `${TOKEN_PREFIX}${randomSecret()}`;
    const now = this.now();
    const row = await this.db.transaction().execute(async (tx) => {
      const r = await new ApiTokenRepository(tx).insert({
        token_hash: sha256(token),
        name: input.name?.trim() || `${input.role} token`,
        role: input.role,
        customer_id: input.customerId ?? null,
        created_by: actor,
        created_at: now.toISOString(),
        expires_at: input.expiresAt?.toISOString() ?? null,
      });
      await new AuditRepository(tx).append(now, [{ actor, entity: 'api-token', entityId: r.id, action: 'created', data: { role: r.role, name: r.name, customer: r.customer_id } }]);
      return r;
    });
    return { token, row };
  }

  async revokeToken(id: number, actor: string): Promise<boolean> {
    const now = this.now();
    return this.db.transaction().execute(async (tx) => {
      const ok = await new ApiTokenRepository(tx).revoke(id, now);
      if (ok) await new AuditRepository(tx).append(now, [{ actor, entity: 'api-token', entityId: id, action: 'revoked', data: {} }]);
      return ok;
    });
  }

  async listTokens() {
    return (await new ApiTokenRepository(this.db).list()).map((t) => ({ id: t.id, name: t.name, role: t.role as Role, customerId: t.customer_id, createdBy: t.created_by, createdAt: t.created_at, expiresAt: t.expires_at, lastUsedAt: t.last_used_at, revokedAt: t.revoked_at }));
  }

  async fromBearer(token: string): Promise<Principal | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const now = this.now();
    const repo = new ApiTokenRepository(this.db);
    const t = await repo.live(sha256(token), now);
    if (!t) return null;
    if (!t.last_used_at || now.getTime() - Date.parse(t.last_used_at) > 60_000) await repo.touch(t.id, now);
    return tokenPrincipal(t);
  }

  // ---- one-time links ------------------------------------------------------------------------

  /** A one-time sign-in link for a user (the first admin, or a customer by mail). */
  async issueLink(userId: number): Promise<string> {
    const token = randomSecret();
    const now = this.now();
    await new LoginLinkRepository(this.db).insert(sha256(token), userId, now, new Date(now.getTime() + this.config.linkTtlMs));
    return token;
  }

  linkUrl(token: string, role: string): string {
    const base = (this.config.publicUrl ?? `http://${this.desk.config.http.host}:${this.desk.config.http.port}`).replace(/\/+$/, '');
    return `${base}/${role === 'customer' ? 'portal' : 'console'}/sign-in?token=${encodeURIComponent(token)}`;
  }

  /**
   * Mails a sign-in link to a customer user. An address that is a contact of exactly one customer
   * gets its portal account on first use: the notice went to that address, so its owner may read
   * the case. The answer never says whether the address is known.
   */
  async requestLink(emailInput: string): Promise<void> {
    const email = emailInput.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) return;
    let u = await new UserRepository(this.db).byEmail(email);
    if (!u) {
      const customers = await customersWithContact(this.db, email);
      if (customers.length !== 1) return;
      u = await this.createUser({ email, role: 'customer', customerId: customers[0] }, 'portal:first-link').catch(() => undefined);
      if (!u) return;
    }
    if (u.role !== 'customer' || u.disabled) return;
    // At most five links an hour per address: a mailbox is not to be flooded through us.
    if ((await new LoginLinkRepository(this.db).countSince(u.id, new Date(this.now().getTime() - 3_600_000))) >= 5) return;
    const token = await this.issueLink(u.id);
    const url = this.linkUrl(token, u.role);
    this.mailer ??= createMailer(this.desk.config.relayUrl, this.desk.config.mailFrom);
    await this.mailer.send({
      to: email,
      subject: 'Your sign-in link for the abuse portal',
      text: `Hello,\n\nUse this link to sign in to the abuse portal. It works once, for the next ${Math.round(this.config.linkTtlMs / 60_000)} minutes:\n\n${url}\n\nIf you did not ask for it, you can ignore this message.\n`,
    });
    await this.db.transaction().execute((tx) => new AuditRepository(tx).append(this.now(), [{ actor: 'portal', entity: 'user', entityId: u.id, action: 'sign-in-link-sent', data: {} }]));
  }

  async redeemLink(token: string, info: { previousToken?: string | null } & RequestInfo): Promise<SignedIn> {
    const userId = await new LoginLinkRepository(this.db).consume(sha256(token), this.now());
    const u = userId === undefined ? undefined : await new UserRepository(this.db).get(userId);
    if (!u || u.disabled) {
      await this.db.transaction().execute((tx) => new AuditRepository(tx).append(this.now(), [{ actor: 'anonymous', entity: 'session', entityId: userId ?? 'link', action: 'sign-in-failed', data: { reason: 'bad link', ip: info.ip ?? null } }]));
      throw new AuthError('invalid', 'this sign-in link is not valid any more; ask for a new one');
    }
    return this.startSession(u, 'link', info);
  }

  // ---- TOTP ----------------------------------------------------------------------------------

  /** Starts TOTP enrolment: a new secret, active once confirmed with a code. */
  async enrollTotp(userId: number): Promise<{ secret: string; uri: string }> {
    const u = await new UserRepository(this.db).get(userId);
    if (!u || u.role === 'customer') throw new AuthError('bad_request', 'TOTP is for operators');
    const secret = authenticator.generateSecret();
    await new UserRepository(this.db).update(userId, this.now(), { totp_secret: secret, totp_enabled: 0 });
    return { secret, uri: authenticator.keyuri(u.email, 'AbuseDesk', secret) };
  }

  async confirmTotp(userId: number, code: string): Promise<void> {
    const u = await new UserRepository(this.db).get(userId);
    if (!u?.totp_secret || !this.checkTotp(u.totp_secret, code)) throw new AuthError('totp_invalid', 'that code does not match; try the next one');
    const now = this.now();
    await this.db.transaction().execute(async (tx) => {
      await new UserRepository(tx).update(userId, now, { totp_enabled: 1 });
      await new AuditRepository(tx).append(now, [{ actor: `user:${u.email}`, entity: 'user', entityId: userId, action: 'totp-enabled', data: {} }]);
    });
  }

  // ---- first start ---------------------------------------------------------------------------

  /** On an empty user table: an admin with a one-time password, so the person at the terminal can sign in. Null when users exist. */
  async bootstrapAdmin(): Promise<{ email: string; password: string; link: string } | null> {
    if ((await new UserRepository(this.db).count()) > 0) return null;
    const password = randomSecret(15);
    const u = await this.createUser({ email: 'admin@localhost', role: 'admin', password, name: 'First administrator' }, 'bootstrap').catch((err) => {
      if (err instanceof AuthError && err.code === 'conflict') return null; // another process was first
      throw err;
    });
    if (!u) return null;
    return { email: u.email, password, link: this.linkUrl(await this.issueLink(u.id), u.role) };
  }
}

const services = new WeakMap<AbuseDesk, AuthService>();

/** The one AuthService of a desk (routes, hooks and components share it). */
export function authFor(desk: AbuseDesk): AuthService {
  let s = services.get(desk);
  if (!s) {
    s = new AuthService(desk);
    services.set(desk, s);
  }
  return s;
}
