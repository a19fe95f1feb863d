import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AbuseDesk } from '../app.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { authFor, type SignedIn } from './auth.service.js';
import { OPERATORS, type Principal, type Role } from './roles.js';
import { sameSecret } from './secrets.js';

/**
 * HOW /api/v1 IS PROTECTED (read this before adding a route under /api/v1):
 *
 * - Every route is protected by default: it needs a signed-in session cookie or an
 *   `Authorization: Bearer adk_...` API token, and by default only OPERATORS (analyst,
 *   supervisor, admin) may call it.
 * - Choose who may call a route with `config: { roles: [...] }`, e.g.
 *   `config: { roles: ['supervisor', 'admin'] }`. A customer user may call ONLY routes that list
 *   'customer'; such a route MUST scope every query to `customerScope(req)` and answer 404 (never
 *   403) for anything of another customer.
 * - A route anyone may call (the public report intake, sign-in) says `config: { public: true }`.
 *   `req.principal` is still set when the caller happens to be signed in.
 * - State-changing requests (anything but GET/HEAD/OPTIONS) made with the session cookie must
 *   carry the session's CSRF token in the `x-csrf-token` header (the client gets it from
 *   GET/POST /api/v1/session and from the `csrf-token` cookie); bearer-token requests are exempt.
 * - Every successful state-changing request of an operator is written to the audit log as
 *   `http <METHOD> <route>`; a route that writes its own, more precise audit entry in its
 *   transaction may say `config: { audit: false }`.
 * - Who is asking: `principalOf(req)` (throws on a public route without sign-in),
 *   `req.principal?.actor` for the audit log.
 */
export interface RouteAuthConfig {
  public?: boolean;
  roles?: readonly Role[];
  audit?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    public?: boolean;
    roles?: readonly Role[];
    audit?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'abusedesk_session';
export const CSRF_COOKIE = 'csrf-token';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The caller of a protected route (set by the hook; never null there). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new Error('principalOf() on a request without a principal');
  return req.principal;
}

/** For a customer principal, the one customer it may see; null for operators (who see all). */
export function customerScope(req: FastifyRequest): string | null {
  const p = principalOf(req);
  if (p.role !== 'customer') return null;
  // A customer principal without a customer must see nothing rather than everything.
  return p.customerId ?? '\u0000no-customer';
}

function loopback(host: string | undefined): boolean {
  const h = (host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

/** Sets the session and CSRF cookies for a new session. */
export function setSessionCookies(desk: AbuseDesk, req: FastifyRequest, reply: FastifyReply, s: SignedIn): void {
  const mode = authFor(desk).config.cookieSecure;
  const secure = mode === 'always' || (mode === 'auto' && (req.protocol === 'https' || loopback(req.hostname)));
  const maxAge = Math.floor(authFor(desk).config.sessionMaxMs / 1000);
  reply.setCookie(SESSION_COOKIE, s.token, { path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge });
  // Readable by the page script on purpose: the client echoes it in x-csrf-token.
  reply.setCookie(CSRF_COOKIE, s.csrfToken, { path: '/', httpOnly: false, sameSite: 'strict', secure, maxAge });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

function deny(reply: FastifyReply, status: number, error: string, message: string) {
  return reply.code(status).header('cache-control', 'no-store').send({ error, message });
}

/**
 * Installs authentication on the /api/v1 scope: cookie parsing, the login rate limiter (routes opt
 * in with `config.rateLimit`), the per-route role check, CSRF and the operators' audit trail.
 * Called by buildHttpApp before any /api/v1 route is registered.
 */
export async function installAuth(api: FastifyInstance, desk: AbuseDesk): Promise<void> {
  const auth = authFor(desk);
  await api.register(cookie);
  await api.register(rateLimit, { global: false });
  api.decorateRequest('principal', null);

  api.addHook('onRequest', async (req, reply) => {
    const cfg = req.routeOptions.config ?? {};
    const header = req.headers.authorization;
    let principal: Principal | null = null;
    if (header && /^bearer\s+/i.test(header)) {
      principal = await auth.fromBearer(header.replace(/^bearer\s+/i, '').trim());
      if (!principal && !cfg.public) return deny(reply, 401, 'unauthenticated', 'the API token is not valid');
    } else {
      const token = req.cookies[SESSION_COOKIE];
      if (token) principal = await auth.fromSession(token);
    }
    req.principal = principal;
    if (cfg.public) return;
    reply.header('cache-control', 'no-store');
    if (!principal) return deny(reply, 401, 'unauthenticated', 'sign in first');
    const roles = cfg.roles ?? OPERATORS;
    if (!roles.includes(principal.role)) {
      // A customer learns nothing about what exists outside its own portal.
      if (principal.role === 'customer') return deny(reply, 404, 'not_found', 'not found');
      return deny(reply, 403, 'forbidden', `this needs the role ${roles.join(' or ')}`);
    }
    if (principal.viaCookie && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !principal.csrfToken || !sameSecret(sent, principal.csrfToken)) {
        return deny(reply, 403, 'csrf', 'missing or wrong CSRF token (send the x-csrf-token header)');
      }
    }
  });

  api.addHook('onResponse', async (req, reply) => {
    const p = req.principal;
    const cfg = req.routeOptions.config ?? {};
    if (!p || p.role === 'customer' || SAFE_METHODS.has(req.method) || cfg.public || cfg.audit === false || reply.statusCode >= 400) return;
    const now = desk.ctx.clock.now();
    try {
      await desk.database.db.transaction().execute((tx) =>
        new AuditRepository(tx).append(now, [
          { actor: p.actor, entity: 'http', entityId: req.routeOptions.url ?? req.url, action: `${req.method} ${req.routeOptions.url ?? ''}`.trim(), data: { params: req.params ?? {}, status: reply.statusCode } },
        ]),
      );
    } catch (err) {
      req.log.error({ err: err instanceof Error ? err.message : String(err) }, 'could not audit an operator request');
    }
  });
}
