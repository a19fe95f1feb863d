import type { FastifyInstance } from 'fastify';
import { authenticator } from 'otplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AbuseDesk } from '../../src/app.js';
import { authFor } from '../../src/auth/auth.service.js';
import { FakeClock } from '../../src/domain/clock.js';
import { extensions } from '../../src/extensions.js';
import { buildHttpApp } from '../../src/http/app.js';
import { AuditRepository } from '../../src/storage/repositories/audit.repository.js';
import { describeEachEngine } from '../support/databases.js';
import { openDesk } from '../support/desk.js';
import { app, PASSWORD, seedTwoCustomers, signIn } from './fixtures.js';

// Many sign-ins from one test client: the per-address limiter has its own test below.
process.env.ABUSEDESK_LOGIN_RATE_PER_MINUTE = '1000';

describeEachEngine('console API security', (db) => {
  let desk: AbuseDesk;
  let http: FastifyInstance;
  let s: Awaited<ReturnType<typeof seedTwoCustomers>>;
  const clock = new FakeClock('2025-03-01T10:00:00Z');

  beforeAll(async () => {
    desk = await openDesk(db(), { clock });
    s = await seedTwoCustomers(desk, 'sec');
    http = await app(desk);
  });
  afterAll(async () => {
    await http?.close();
    await desk?.close();
  });

  it('protects every /api/v1 route by default and keeps the OpenAPI document public', async () => {
    expect((await http.inject({ url: '/api/v1/cases' })).statusCode).toBe(401);
    expect((await http.inject({ url: `/api/v1/cases/${s.a.caseId}` })).statusCode).toBe(401);
    expect((await http.inject({ url: '/api/v1/queues' })).statusCode).toBe(401);
    expect((await http.inject({ url: '/api/v1/portal/cases' })).statusCode).toBe(401);
    expect((await http.inject({ url: '/api/v1/cases', headers: { authorization: 'Bearer adk_forged' } })).statusCode).toBe(401);
    const doc = await http.inject({ url: '/api/v1/openapi.json' });
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json().paths)).toEqual(expect.arrayContaining(['/api/v1/session', '/api/v1/queues/{name}', '/api/v1/search', '/api/v1/portal/cases/{id}']));
  });

  it('signs in with a secure HTTP-only SameSite session cookie and a CSRF token, and audits it', async () => {
    const bad = await http.inject({ method: 'POST', url: '/api/v1/session', payload: { email: s.analyst.email, password: 'wrong password!' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.cookies.find((c) => c.name === 'abusedesk_session')).toBeUndefined();
    const res = await http.inject({ method: 'POST', url: '/api/v1/session', payload: { email: s.analyst.email.toUpperCase(), password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'abusedesk_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(cookie.secure).toBe(true); // inject() speaks to localhost
    expect(res.json().user).toMatchObject({ email: s.analyst.email, role: 'analyst' });
    const me = await http.inject({ url: '/api/v1/session', headers: { cookie: `abusedesk_session=${cookie.value}` } });
    expect(me.json()).toMatchObject({ user: { role: 'analyst' }, csrfToken: res.json().csrfToken });
    const audit = await new AuditRepository(desk.database.db).forEntity('session', s.analyst.id);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['sign-in-failed', 'signed-in']));
  });

  it('rotates the session at sign-in: the cookie held before no longer works', async () => {
    const first = await signIn(http, s.analyst.email);
    const second = await signIn(http, s.analyst.email, PASSWORD, {}, first.cookie);
    expect(second.sessionToken).not.toBe(first.sessionToken);
    expect((await http.inject({ url: '/api/v1/session', headers: { cookie: first.cookie } })).statusCode).toBe(401);
    expect((await http.inject({ url: '/api/v1/session', headers: { cookie: second.cookie } })).statusCode).toBe(200);
  });

  it('rejects state-changing cookie requests without the right CSRF token; bearer tokens are exempt', async () => {
    const op = await signIn(http, s.analyst.email);
    const url = `/api/v1/cases/${s.a.caseId}/notes`;
    const none = await http.inject({ method: 'POST', url, headers: { cookie: op.cookie }, payload: { text: 'no token' } });
    expect(none.statusCode).toBe(403);
    expect(none.json().error).toBe('csrf');
    const wrong = await http.inject({ method: 'POST', url, headers: { cookie: op.cookie, 'x-csrf-token': 'x'.repeat(op.csrf.length) }, payload: { text: 'wrong token' } });
    expect(wrong.statusCode).toBe(403);
    // Another session's token is no good either.
    const other = await signIn(http, s.admin.email);
    expect((await http.inject({ method: 'POST', url, headers: { cookie: op.cookie, 'x-csrf-token': other.csrf }, payload: { text: 'foreign token' } })).statusCode).toBe(403);
    expect((await http.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: op.cookie } })).statusCode).toBe(403);
    const ok = await http.inject({ method: 'POST', url, headers: { cookie: op.cookie, 'x-csrf-token': op.csrf }, payload: { text: 'looked at it' } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ author: `user:${s.analyst.email}`, text: 'looked at it' });

    const { token } = await authFor(desk).createToken({ role: 'analyst', name: 'robot' }, 'test');
    const viaToken = await http.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: { text: 'from a robot' } });
    expect(viaToken.statusCode).toBe(201);
    expect(viaToken.json().author).toMatch(/^token:\d+:robot$/);
    const view = await http.inject({ url: `/api/v1/cases/${s.a.caseId}/view`, headers: { authorization: `Bearer ${token}` } });
    expect(view.json().notes.map((n: { text: string }) => n.text)).toEqual(['looked at it', 'from a robot']);
    // Signing out needs the token too, and then the cookie is dead.
    expect((await http.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: op.cookie, 'x-csrf-token': op.csrf } })).statusCode).toBe(204);
    expect((await http.inject({ url: '/api/v1/session', headers: { cookie: op.cookie } })).statusCode).toBe(401);
  });

  it('locks an account after repeated failures, also against the right password, until the lockout ends', async () => {
    const u = await authFor(desk).createUser({ email: 'lock@sec.example', role: 'analyst', password: PASSWORD }, 'test');
    for (let i = 0; i < 5; i++) {
      expect((await http.inject({ method: 'POST', url: '/api/v1/session', payload: { email: u.email, password: `guess number ${i}` } })).statusCode).toBe(401);
    }
    const locked = await http.inject({ method: 'POST', url: '/api/v1/session', payload: { email: u.email, password: PASSWORD } });
    expect(locked.statusCode).toBe(423);
    expect(locked.cookies.find((c) => c.name === 'abusedesk_session')).toBeUndefined();
    clock.advance(16 * 60_000);
    expect((await http.inject({ method: 'POST', url: '/api/v1/session', payload: { email: u.email, password: PASSWORD } })).statusCode).toBe(200);
  });

  it('asks operators with TOTP for a code', async () => {
    const u = await authFor(desk).createUser({ email: 'totp@sec.example', role: 'supervisor', password: PASSWORD }, 'test');
    const op = await signIn(http, u.email);
    const enrol = await http.inject({ method: 'POST', url: '/api/v1/session/totp', headers: { cookie: op.cookie, 'x-csrf-token': op.csrf } });
    const { secret } = enrol.json();
    const code = () => authenticator.clone({ epoch: clock.now().getTime() }).generate(secret);
    expect((await http.inject({ method: 'POST', url: '/api/v1/session/totp/confirm', headers: { cookie: op.cookie, 'x-csrf-token': op.csrf }, payload: { code: code() } })).statusCode).toBe(204);
    const noCode = await http.inject({ method: 'POST', url: '/api/v1/session', payload: { email: u.email, password: PASSWORD } });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().error).toBe('totp_required');
    expect((await http.inject({ method: 'POST', url: '/api/v1/session', payload: { email: u.email, password: PASSWORD, totp: '000000' } })).statusCode).toBe(401);
    expect((await http.inject({ method: 'POST', url: '/api/v1/session', payload: { email: u.email, password: PASSWORD, totp: code() } })).statusCode).toBe(200);
  });

  it('gives analysts no admin routes (403) and audits operator actions', async () => {
    const op = await signIn(http, s.analyst.email);
    expect((await http.inject({ url: '/api/v1/users', headers: { cookie: op.cookie } })).statusCode).toBe(403);
    const admin = await signIn(http, s.admin.email);
    expect((await http.inject({ url: '/api/v1/users', headers: { cookie: admin.cookie } })).statusCode).toBe(200);
    const reparse = await http.inject({ method: 'POST', url: `/api/v1/reports/${s.b.reportId}/reparse`, headers: { cookie: op.cookie, 'x-csrf-token': op.csrf } });
    expect(reparse.statusCode).toBe(202);
    const entries = await new AuditRepository(desk.database.db).forEntity('report', s.b.reportId);
    expect(entries.at(-1)).toMatchObject({ actor: `user:${s.analyst.email}`, action: 'reparse-requested' });
    expect((await new AuditRepository(desk.database.db).verify()).problems).toEqual([]);
  });

  it("never shows a customer another customer's data: every route answers 404 and leaks nothing", async () => {
    const a = await signIn(http, s.custA.email);
    const headers = { cookie: a.cookie, 'x-csrf-token': a.csrf };
    const mine = await http.inject({ url: '/api/v1/portal/cases', headers });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().map((c: { id: number }) => c.id).sort()).toEqual([s.a.caseId, s.aChild.caseId].sort());
    const nonexistent = await http.inject({ url: '/api/v1/portal/cases/99999999', headers });
    const theirs = await http.inject({ url: `/api/v1/portal/cases/${s.b.caseId}`, headers });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.body).toBe(nonexistent.body);

    // Every route the whole server has (every part's plugins, as `serve` mounts them), with B's ids
    // wherever an id goes: nothing of B comes back.
    const full = await buildHttpApp(desk, (await extensions(desk)).plugins);
    const paths = Object.entries((await full.inject({ url: '/api/v1/openapi.json' })).json().paths as Record<string, Record<string, unknown>>);
    expect(paths.length).toBeGreaterThan(15);
    for (const [path, methods] of paths) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const method of Object.keys(methods)) {
        if (path === '/api/v1/session' || path.startsWith('/api/v1/session/')) continue;
        const url = path.replace(/\{(id|caseId)\}/g, String(s.b.caseId)).replace(/\{name\}/g, 'new').replace(/\{[^}]+\}/g, `b-sec`);
        const payload = method === 'get' ? undefined : { ids: [s.b.caseId], op: 'note', text: 'x', body: 'x', option: 'pay', choice: 'pay', note: 'x' };
        const anonymous = await full.inject({ method: method.toUpperCase() as 'GET', url, payload });
        const res = await full.inject({ method: method.toUpperCase() as 'GET', url, headers, payload });
        for (const secret of s.bSecrets) expect(res.body, `${method} ${url} leaked ${secret}`).not.toContain(secret);
        if (anonymous.statusCode !== 401) continue; // a public route (report intake): nothing of B above is all that counts
        // Anything about a case of B, and anything outside the portal, is "not found" for customer A.
        if (/\{(id|caseId)\}/.test(path) || !path.startsWith('/api/v1/portal/')) expect(res.statusCode, `${method} ${url}`).toBe(404);
      }
    }
    await full.close();
    // B's own user sees B's case, so the 404 above is isolation, not a broken route.
    const b = await signIn(http, s.custB.email);
    expect((await http.inject({ url: `/api/v1/portal/cases/${s.b.caseId}`, headers: { cookie: b.cookie } })).statusCode).toBe(200);
  });

  it('redacts reporter data and never shows child-abuse evidence in the portal', async () => {
    const a = await signIn(http, s.custA.email);
    const spam = (await http.inject({ url: `/api/v1/portal/cases/${s.a.caseId}`, headers: { cookie: a.cookie } })).json();
    const text = JSON.stringify(spam);
    expect(text).not.toContain('reporter-sec.example');
    expect(text).not.toContain('Jane Victim');
    expect(spam.events[0].evidence.excerpt).toBe('complaint by [removed] about spam');
    expect(spam.events[0].evidence.port).toBe(25);
    const child = (await http.inject({ url: `/api/v1/portal/cases/${s.aChild.caseId}`, headers: { cookie: a.cookie } })).json();
    expect(JSON.stringify(child)).not.toContain('DESCRIPTION OF MATERIAL');
    expect(JSON.stringify(child)).not.toContain('hotline@');
  });
});
