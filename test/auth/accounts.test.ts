import { afterAll, beforeAll, expect, it } from 'vitest';
import { AbuseDesk } from '../../src/app.js';
import { firstAdminComponent } from '../../src/auth/auth.extension.js';
import { authFor } from '../../src/auth/auth.service.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging.js';
import { AuditRepository } from '../../src/storage/repositories/audit.repository.js';
import { app } from '../api/fixtures.js';
import { describeEachEngine } from '../support/databases.js';
import { SmtpSink } from '../support/smtp-sink.js';

process.env.ABUSEDESK_LOGIN_RATE_PER_MINUTE = '1000';

describeEachEngine('accounts', (db) => {
  let sink: SmtpSink;
  let desk: AbuseDesk;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    const config = loadConfig({ ABUSEDESK_DATA_DIR: '/nonexistent' });
    desk = await AbuseDesk.open({ ...config, database: db().config, relayUrl: sink.url, mailFrom: 'abuse@provider.example' }, { log: createLogger('silent'), database: db() });
  });
  afterAll(async () => {
    await desk?.close();
    await sink?.stop();
  });

  it('tells the person at the terminal how to sign in on an empty database, once', async () => {
    let printed = '';
    await firstAdminComponent(desk, (t) => (printed += t)).start();
    const password = /password: (\S+)/.exec(printed)?.[1];
    const link = /sign-in link within 30 minutes: (\S+)/.exec(printed)?.[1];
    expect(password).toBeTruthy();
    expect(link).toMatch(/\/console\/sign-in\?token=/);
    const http = await app(desk);
    expect((await http.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'admin@localhost', password } })).json().user.role).toBe('admin');
    // The link works once.
    const token = decodeURIComponent(new URL(link!).searchParams.get('token')!);
    expect((await http.inject({ method: 'POST', url: '/api/v1/session/link/redeem', payload: { token } })).statusCode).toBe(200);
    expect((await http.inject({ method: 'POST', url: '/api/v1/session/link/redeem', payload: { token } })).statusCode).toBe(401);
    let again = '';
    await firstAdminComponent(desk, (t) => (again += t)).start();
    expect(again).toBe('');
    await http.close();
  });

  it('mails a one-time link to a customer contact, which signs in to that customer only', async () => {
    await desk.inventory.import({
      customers: [{ id: 'c-link', name: 'Linked', contacts: ['Owner@Linked.example'], plan: 'shared', locale: 'nl' }],
      services: [],
      ipAssignments: [],
      domains: [],
    });
    const http = await app(desk);
    const before = sink.messages.length;
    const unknown = await http.inject({ method: 'POST', url: '/api/v1/session/link', payload: { email: 'stranger@nowhere.example' } });
    const known = await http.inject({ method: 'POST', url: '/api/v1/session/link', payload: { email: 'owner@linked.example' } });
    // The same answer either way: the address is not confirmed to an outsider.
    expect([unknown.statusCode, unknown.body]).toEqual([known.statusCode, known.body]);
    await sink.waitFor(before + 1);
    expect(sink.messages.length).toBe(before + 1);
    const mail = sink.messages.at(-1)!;
    expect(mail.to).toEqual(['owner@linked.example']);
    const url = /(http\S+\/portal\/sign-in\?token=\S+)/.exec(mail.parsed.text ?? '')?.[1];
    expect(url).toBeTruthy();
    const token = decodeURIComponent(new URL(url!).searchParams.get('token')!);
    const signed = await http.inject({ method: 'POST', url: '/api/v1/session/link/redeem', payload: { token } });
    expect(signed.statusCode).toBe(200);
    expect(signed.json().user).toMatchObject({ role: 'customer', customerId: 'c-link', email: 'owner@linked.example', locale: 'nl' });
    const audit = await new AuditRepository(desk.database.db).forEntity('session', signed.json().user.id);
    expect(audit.map((a) => a.action)).toContain('signed-in');
    await http.close();
  });

  it('creates users and tokens with validated roles, stores no secret in clear, and revokes tokens', async () => {
    const auth = authFor(desk);
    await expect(auth.createUser({ email: 'x@y.example', role: 'root' }, 't')).rejects.toThrow(/unknown role/);
    await expect(auth.createUser({ email: 'x@y.example', role: 'customer' }, 't')).rejects.toThrow(/needs --customer/);
    await expect(auth.createUser({ email: 'x@y.example', role: 'analyst', password: 'short' }, 't')).rejects.toThrow(/at least 10/);
    const u = await auth.createUser({ email: 'X@Y.example', role: 'analyst', password: 'long enough pass' }, 't');
    await expect(auth.createUser({ email: 'x@y.example', role: 'analyst' }, 't')).rejects.toThrow(/exists/);
    const row = await db().db.selectFrom('users').select('password_hash').where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const { token, row: t } = await auth.createToken({ role: 'supervisor', name: 'ci' }, 't');
    const stored = await db().db.selectFrom('api_tokens').select('token_hash').where('id', '=', t.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    const http = await app(desk);
    expect((await http.inject({ url: '/api/v1/session', headers: { authorization: `Bearer ${token}` } })).json()).toMatchObject({ via: 'token', user: { role: 'supervisor' } });
    expect(await auth.revokeToken(t.id, 't')).toBe(true);
    expect((await http.inject({ url: '/api/v1/session', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    await http.close();
  });
});
