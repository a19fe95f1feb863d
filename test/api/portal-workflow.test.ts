import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AbuseDesk } from '../../src/app.js';
import { authFor } from '../../src/auth/auth.service.js';
import type { Category } from '../../src/domain/categories.js';
import { FakeClock } from '../../src/domain/clock.js';
import { extensions } from '../../src/extensions.js';
import { FIXED_MARKER } from '../../src/http/api/portal.routes.js';
import { buildHttpApp } from '../../src/http/app.js';
import { AuditRepository } from '../../src/storage/repositories/audit.repository.js';
import { ConsoleRepository } from '../../src/storage/repositories/console.repository.js';
import { workflowOf } from '../../src/workflow/install.js';
import { describeEachEngine } from '../support/databases.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { inventoryFor, ipOf, Receiver, openWorkflowDesk, report } from '../workflow/harness.js';
import { PASSWORD, type Signed, signIn } from './fixtures.js';

// Many sign-ins from one test client: the per-address limiter has its own test.
process.env.ABUSEDESK_LOGIN_RATE_PER_MINUTE = '1000';

const CATS = ['copyright', 'spam', 'phishing', 'unclassified'] as const;
const aupText = readFileSync(resolve(process.cwd(), '../shared/policy/acceptable-use-policy.txt'), 'utf8');
const defaultPolicy = readFileSync(resolve(import.meta.dirname, '../../policies/default-policy.yaml'), 'utf8');
const words = (s: string) => s.replace(/[’']/g, "'").replace(/\s+/g, ' ').trim();

/** The portal's AUP page, "I have fixed it", and the console's reclassification, through the whole app with every plugin. */
describeEachEngine('portal and console gaps: AUP, reported fixed, reclassify', (db) => {
  const clock = new FakeClock('2026-06-01T08:00:00Z');
  let desk: AbuseDesk;
  let http: FastifyInstance;
  let sink: SmtpSink;
  let receiver: Receiver;
  let custA: Signed;
  let custB: Signed;
  let analyst: Signed;

  const as = (s: Signed, method: 'GET' | 'POST', url: string, payload?: unknown, csrf = true) =>
    http.inject({ method, url, headers: { cookie: s.cookie, ...(csrf && method !== 'GET' ? { 'x-csrf-token': s.csrf } : {}) }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  const submit = async (category: Category, ip: string) => {
    await desk.ingest.submit({ raw: report(category, clock.now(), {}, ip), channel: 'api', filename: category === 'unclassified' ? 'complaint.eml' : 'report.json' });
    await desk.worker.runUntilIdle();
  };

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    receiver = await new Receiver().start();
    desk = await openWorkflowDesk(db(), clock, sink, receiver);
    await desk.inventory.import(inventoryFor(CATS));
    const auth = authFor(desk);
    await auth.createUser({ email: 'it@copyright.example', role: 'customer', customerId: 'c-copyright', password: PASSWORD }, 'test');
    await auth.createUser({ email: 'it@spam.example', role: 'customer', customerId: 'c-spam', password: PASSWORD }, 'test');
    await auth.createUser({ email: 'ann@desk.example', role: 'analyst', password: PASSWORD }, 'test');
    http = await buildHttpApp(desk, (await extensions(desk)).plugins);
    await http.ready();
    custA = await signIn(http, 'it@copyright.example');
    custB = await signIn(http, 'it@spam.example');
    analyst = await signIn(http, 'ann@desk.example');
  });
  afterAll(async () => {
    await http?.close();
    await desk?.close();
    await sink?.stop();
    await receiver?.stop();
  });

  it('shows the customer the AUP in force with its clause per category, and what changed from the version before', async () => {
    expect((await as(custA, 'GET', '/api/v1/portal/aup')).statusCode).toBe(404); // no version stored yet
    await submit('spam', ipOf('spam', CATS)); // first use stores the shipped default
    expect((await http.inject({ url: '/api/v1/portal/aup' })).statusCode).toBe(401);
    expect((await as(analyst, 'GET', '/api/v1/portal/aup')).statusCode).toBe(403);

    const first = await as(custA, 'GET', '/api/v1/portal/aup');
    expect(first.statusCode).toBe(200);
    const doc = first.json();
    expect(doc).toMatchObject({ id: 'ossc-default', version: '2026.11.1', effectiveFrom: '2026-01-01T00:00:00.000Z', previous: null, changes: [] });
    const copyright = doc.categories.find((c: { category: string }) => c.category === 'copyright');
    expect(copyright).toMatchObject({ section: 'Storage and distribution of copyrighted material', severity: 'medium' });
    // The clauses are the AUP's own words.
    for (const c of doc.categories.filter((x: { category: string }) => ['copyright', 'spam', 'illegal-software'].includes(x.category))) {
      expect(words(aupText)).toContain(words(c.clause).slice(0, 120));
    }
    expect(doc.text).toContain(copyright.clause);

    const v2 = defaultPolicy
      .replace('version: "2026.11.1"', 'version: "2026.12.1"')
      .replace('effectiveFrom: "2026-01-01T00:00:00Z"', 'effectiveFrom: "2026-05-01T00:00:00Z"')
      .replace(/(copyright:[\s\S]*?severity: )medium/, '$1high')
      .replace(/(phishing:[\s\S]*?clause: >-\n)/, '$1      Phishing sites are removed without delay.\n');
    await workflowOf(desk).service.activatePolicy(v2, 'v2.yaml', 'test', { announce: false });
    const next = (await as(custB, 'GET', '/api/v1/portal/aup')).json();
    expect(next).toMatchObject({ version: '2026.12.1', inForceSince: '2026-05-01T00:00:00.000Z', previous: { version: '2026.11.1' } });
    const changed = next.changes.map((c: { category: string; kind: string }) => `${c.category}:${c.kind}`);
    expect(changed).toEqual(expect.arrayContaining(['copyright:severity', 'phishing:clause']));
    expect(changed.filter((c: string) => c.startsWith('spam:'))).toEqual([]);
    expect(next.changes.find((c: { category: string }) => c.category === 'copyright').summary).toMatch(/medium → high/);
  });

  it("takes a customer's 'I have fixed it' on its own open case only, pauses the clock and puts the case before an operator", async () => {
    await submit('copyright', ipOf('copyright', CATS));
    const [kase] = await desk.cases.list({ customerId: 'c-copyright', category: 'copyright' });
    expect((await as(custA, 'GET', `/api/v1/portal/cases/${kase.id}`)).json().reportedFixedAt).toBeNull();
    const waiting = (await as(analyst, 'GET', '/api/v1/queues/awaiting-customer')).json();
    expect(waiting.find((i: { id: number }) => i.id === kase.id)?.detail).toMatch(/^deadline /);

    // Not yours, not a customer, no CSRF token, no such case: nothing happens.
    expect((await as(custB, 'POST', `/api/v1/portal/cases/${kase.id}/resolved`, { note: 'x' })).statusCode).toBe(404);
    expect((await as(analyst, 'POST', `/api/v1/portal/cases/${kase.id}/resolved`, { note: 'x' })).statusCode).toBe(403);
    expect((await as(custA, 'POST', `/api/v1/portal/cases/${kase.id}/resolved`, { note: 'x' }, false)).statusCode).toBe(403);
    expect((await as(custA, 'POST', '/api/v1/portal/cases/999999/resolved', { note: 'x' })).statusCode).toBe(404);
    expect((await new AuditRepository(desk.database.db).forEntity('case', kase.id)).map((a) => a.action)).not.toContain('reported-fixed');

    clock.advance(3_600_000);
    const r = await as(custA, 'POST', `/api/v1/portal/cases/${kase.id}/resolved`, { note: 'We removed the files.' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ caseId: kase.id, reportedFixedAt: clock.now().toISOString() });
    const detail = (await as(custA, 'GET', `/api/v1/portal/cases/${kase.id}`)).json();
    expect(detail.reportedFixedAt).toBe(clock.now().toISOString());
    expect(detail.messages.map((m: { body: string }) => m.body)).toContain(`${FIXED_MARKER}\n\nWe removed the files.`);
    const audit = await new AuditRepository(desk.database.db).forEntity('case', kase.id);
    const replied = audit.find((a) => a.action === 'customer-replied');
    expect(JSON.parse(replied!.data).clock).toBe('paused'); // the default policy pauses the deadline on a reply
    expect(audit.find((a) => a.action === 'reported-fixed')?.actor).toBe('customer:user:it@copyright.example');

    const queue = (await as(analyst, 'GET', '/api/v1/queues/awaiting-customer')).json();
    expect(queue[0]).toMatchObject({ id: kase.id, kind: 'case', detail: expect.stringMatching(/reported fixed by the customer/) });
    const counts = (await as(analyst, 'GET', '/api/v1/queues')).json();
    expect(counts.find((q: { name: string }) => q.name === 'awaiting-customer').count).toBeGreaterThanOrEqual(1);

    // The operator verifies and resolves: the case leaves the queue, and a closed case cannot be reported fixed.
    expect((await as(analyst, 'POST', `/api/v1/cases/${kase.id}/resolve`, { reason: 'checked: the files are gone' })).statusCode).toBe(200);
    expect((await as(analyst, 'GET', '/api/v1/queues/awaiting-customer')).json().map((i: { id: number }) => i.id)).not.toContain(kase.id);
    expect((await as(custA, 'POST', `/api/v1/portal/cases/${kase.id}/resolved`, { note: '' })).statusCode).toBe(404);
  });

  it('reclassifies unclassified and unassigned events through correlation, operators only', async () => {
    await submit('unclassified', ipOf('phishing', CATS));
    const [unclassified] = await desk.cases.list({ customerId: 'c-phishing', category: 'unclassified' });
    const view = (await as(analyst, 'GET', `/api/v1/cases/${unclassified.id}/view`)).json();
    const eventId = view.events[0].id as number;

    expect((await as(custA, 'POST', `/api/v1/events/${eventId}/category`, { category: 'phishing' })).statusCode).toBe(404);
    expect((await as(analyst, 'POST', `/api/v1/events/${eventId}/category`, { category: 'phishing' }, false)).statusCode).toBe(403);
    expect((await as(analyst, 'POST', `/api/v1/events/${eventId}/category`, { category: 'no-such-thing' })).statusCode).toBe(400);
    expect((await as(analyst, 'POST', '/api/v1/events/999999/category', { category: 'phishing' })).statusCode).toBe(404);

    const r = await as(analyst, 'POST', `/api/v1/events/${eventId}/category`, { category: 'phishing' });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toMatchObject({ eventId, from: 'unclassified', to: 'phishing', previousCase: unclassified.id });
    // Back at the start of correlation, with the job written in the same transaction.
    expect(await new ConsoleRepository(desk.database.db).event(eventId)).toMatchObject({ status: 'new', category: 'phishing', case_id: null });
    expect(await desk.worker.runUntilIdle()).toBeGreaterThanOrEqual(1);
    const placed = await new ConsoleRepository(desk.database.db).event(eventId);
    expect(placed).toMatchObject({ status: 'correlated', category: 'phishing', customer_id: 'c-phishing' });
    const [phishing] = await desk.cases.list({ customerId: 'c-phishing', category: 'phishing' });
    expect(placed!.case_id).toBe(phishing.id);
    expect((await desk.cases.show(unclassified.id))!.status).toBe('closed');
    expect((await new AuditRepository(desk.database.db).forEntity('event', eventId)).map((a) => a.action)).toContain('reclassified');

    // An address nobody holds: re-correlated, it stays in the unassigned queue with its new category.
    await submit('unclassified', '203.0.113.77');
    const unassigned = (await as(analyst, 'GET', '/api/v1/queues/unassigned')).json().find((i: { title: string }) => i.title.includes('203.0.113.77'));
    expect(unassigned).toBeTruthy();
    expect((await as(analyst, 'POST', `/api/v1/events/${unassigned.id}/category`, { category: 'spam' })).statusCode).toBe(202);
    await desk.worker.runUntilIdle();
    expect(await new ConsoleRepository(desk.database.db).event(unassigned.id)).toMatchObject({ status: 'unassigned', category: 'spam' });

    // Work already under way in a classified case is not pulled out of it.
    const spamView = (await as(analyst, 'GET', `/api/v1/cases/${(await desk.cases.list({ customerId: 'c-spam', category: 'spam' }))[0].id}/view`)).json();
    expect((await as(analyst, 'POST', `/api/v1/events/${spamView.events[0].id}/category`, { category: 'phishing' })).statusCode).toBe(409);
  });
});
