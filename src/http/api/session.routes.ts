import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { clearSessionCookies, principalOf, SESSION_COOKIE, setSessionCookies } from '../../auth/auth.plugin.js';
import { AuthError, authFor, presentUser, type SignedIn } from '../../auth/auth.service.js';
import { OPERATORS, ROLES } from '../../auth/roles.js';
import { InventoryRepository } from '../../storage/repositories/inventory.repository.js';
import { UserRepository } from '../../storage/repositories/user.repository.js';

export const userSchema = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES),
  customerId: z.string().nullable(),
  totp: z.boolean(),
  disabled: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});

const sessionSchema = z.object({
  user: userSchema.extend({ locale: z.string().nullable() }),
  csrfToken: z.string().nullable(),
  via: z.enum(['session', 'token']),
});

export const errorSchema = z.object({ error: z.string(), message: z.string() });

const STATUS: Record<AuthError['code'], number> = { invalid: 401, locked: 423, totp_required: 401, totp_invalid: 401, bad_request: 400, not_found: 404, conflict: 409 };

/** Maps an AuthError to its HTTP answer; rethrows anything else. */
export function sendAuthError(reply: FastifyReply, err: unknown) {
  if (!(err instanceof AuthError)) throw err;
  return reply.code(STATUS[err.code]).send({ error: err.code, message: err.message });
}

/** Sign-in attempts: per client address, counted by the rate limiter before any password is checked. */
function loginLimit(desk: AbuseDesk) {
  return { max: authFor(desk).config.loginRatePerMinute, timeWindow: 60_000 };
}

/** Signing in and out, and who am I: `POST/GET/DELETE /api/v1/session`, one-time links, TOTP and password changes. */
export function sessionRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  const auth = authFor(desk);

  async function sessionAnswer(userId: number, csrfToken: string | null, via: 'session' | 'token') {
    const u = (await new UserRepository(desk.database.db).get(userId))!;
    const locale = u.customer_id ? ((await new InventoryRepository(desk.database.db).customer(u.customer_id))?.locale ?? null) : null;
    return { user: { ...presentUser(u), locale }, csrfToken, via };
  }

  const started = async (req: FastifyRequest, reply: FastifyReply, s: SignedIn) => {
    setSessionCookies(desk, req, reply, s);
    return sessionAnswer(s.user.id, s.csrfToken, 'session' as const);
  };

  return async (app) => {
    app.post(
      '/session',
      {
        config: { public: true, rateLimit: loginLimit(desk) },
        schema: {
          summary: 'Sign in with e-mail and password (and a TOTP code when enrolled); sets the session cookie and returns the CSRF token',
          tags: ['session'],
          body: z.object({ email: z.string().min(3).max(320), password: z.string().min(1).max(1000), totp: z.string().max(20).optional() }),
          response: { 200: sessionSchema, 401: errorSchema, 423: errorSchema },
        },
      },
      async (req, reply) => {
        try {
          const s = await auth.signIn({ ...req.body, previousToken: req.cookies[SESSION_COOKIE] ?? null, ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
          return await started(req, reply, s);
        } catch (err) {
          return sendAuthError(reply, err);
        }
      },
    );

    app.get(
      '/session',
      {
        config: { roles: ROLES },
        schema: { summary: 'Who am I: the signed-in user (or token) and the CSRF token', tags: ['session'], response: { 200: sessionSchema, 401: errorSchema } },
      },
      async (req, reply) => {
        const p = principalOf(req);
        if (p.kind === 'token') {
          return { user: { id: p.id, email: '', name: p.name, role: p.role, customerId: p.customerId, totp: false, disabled: false, lastLoginAt: null, createdAt: '', locale: null }, csrfToken: null, via: 'token' as const };
        }
        const answer = await sessionAnswer(p.id, p.csrfToken, 'session');
        if (!answer) return reply.code(401).send({ error: 'unauthenticated', message: 'sign in first' });
        return answer;
      },
    );

    app.delete(
      '/session',
      { config: { roles: ROLES, audit: false }, schema: { summary: 'Sign out: ends this session', tags: ['session'], response: { 204: z.null() } } },
      async (req, reply) => {
        const token = req.cookies[SESSION_COOKIE];
        if (token) await auth.signOut(token, principalOf(req).actor);
        clearSessionCookies(reply);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/session/link',
      {
        config: { public: true, rateLimit: loginLimit(desk) },
        schema: {
          summary: 'Mail a one-time sign-in link to a customer contact address (always answers 202, known address or not)',
          tags: ['session'],
          body: z.object({ email: z.string().min(3).max(320) }),
          response: { 202: z.object({ sent: z.literal(true) }) },
        },
      },
      async (req, reply) => {
        // Answered before the mail goes out, so neither the answer nor its timing says whether the
        // address is known. A relay failure reaches the operators' log, not the caller.
        auth.requestLink(req.body.email).catch((err: unknown) => req.log.error({ err: err instanceof Error ? err.message : String(err) }, 'could not send a sign-in link'));
        return reply.code(202).send({ sent: true as const });
      },
    );

    app.post(
      '/session/link/redeem',
      {
        config: { public: true, rateLimit: loginLimit(desk) },
        schema: { summary: 'Sign in with a one-time link token', tags: ['session'], body: z.object({ token: z.string().min(10).max(200) }), response: { 200: sessionSchema, 401: errorSchema } },
      },
      async (req, reply) => {
        try {
          const s = await auth.redeemLink(req.body.token, { previousToken: req.cookies[SESSION_COOKIE] ?? null, ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
          return await started(req, reply, s);
        } catch (err) {
          return sendAuthError(reply, err);
        }
      },
    );

    app.put(
      '/session/password',
      {
        config: { roles: ROLES, audit: false },
        schema: {
          summary: 'Change my password (ends my other sessions; sign in again)',
          tags: ['session'],
          body: z.object({ current: z.string().max(1000).default(''), password: z.string().min(10).max(1000) }),
          response: { 204: z.null(), 400: errorSchema, 401: errorSchema },
        },
      },
      async (req, reply) => {
        const p = principalOf(req);
        if (p.kind !== 'user') return reply.code(400).send({ error: 'bad_request', message: 'tokens have no password' });
        try {
          await auth.changePassword(p.id, req.body.current, req.body.password);
        } catch (err) {
          return sendAuthError(reply, err);
        }
        clearSessionCookies(reply);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/session/totp',
      {
        config: { roles: OPERATORS, audit: false },
        schema: { summary: 'Start TOTP enrolment: returns the secret and an otpauth:// URI for an authenticator app', tags: ['session'], response: { 200: z.object({ secret: z.string(), uri: z.string() }), 400: errorSchema } },
      },
      async (req, reply) => {
        const p = principalOf(req);
        if (p.kind !== 'user') return reply.code(400).send({ error: 'bad_request', message: 'tokens have no TOTP' });
        try {
          return await auth.enrollTotp(p.id);
        } catch (err) {
          return sendAuthError(reply, err);
        }
      },
    );

    app.post(
      '/session/totp/confirm',
      {
        config: { roles: OPERATORS, audit: false },
        schema: { summary: 'Confirm TOTP enrolment with a current code; from then on sign-in asks for a code', tags: ['session'], body: z.object({ code: z.string().min(6).max(10) }), response: { 204: z.null(), 401: errorSchema } },
      },
      async (req, reply) => {
        try {
          await auth.confirmTotp(principalOf(req).id, req.body.code);
        } catch (err) {
          return sendAuthError(reply, err);
        }
        return reply.code(204).send(null);
      },
    );
  };
}
