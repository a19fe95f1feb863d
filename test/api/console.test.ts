import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AbuseDesk } from '../../src/app.js';
import { authFor } from '../../src/auth/auth.service.js';
import { FakeClock } from '../../src/domain/clock.js';
import { AuditRepository } from '../../src/storage/repositories/audit.repository.js';
import { PARSE_JOB } from '../../src/pipeline/parse.step.js';
import { CaseRepository } from '../../src/storage/repositories/case.repository.js';
import { EventRepository } from '../../src/storage/repositories/event.repository.js';
import { ReportRepository } from '../../src/storage/repositories/report.repository.js';
import { workflowOf } from '../../src/workflow/install.js';
import { describeEachEngine } from '../support/databases.js';
import { openDesk } from '../support/desk.js';
import { app } from './fixtures.js';

const HOSTILE = [
  'From: "<img src=x onerror=alert(1)>" <abuse@reporter.example>',
  'To: abuse@provider.example',
  'Subject: <script>alert("subject")</script> spam from 192.0.2.5',
  'Message-ID: <hostile-1@reporter.example>',
  'Date: Sat, 01 Mar 2025 09:00:00 +0000',
  'Authentication-Results: mx.provider.example; spf=pass smtp.mailfrom=reporter.example; dkim=fail header.d=reporter.example; dmarc=fail',
  'X-Evil: <iframe src="javascript:alert(2)"></iframe>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Spam was sent from 192.0.2.5 at 2025-03-01 08:55 UTC. <script>alert("body")</script>',
  '--b1',
  'Content-Type: application/octet-stream; name="<svg onload=alert(3)>.txt"',
  'Content-Disposition: attachment; filename="<svg onload=alert(3)>.txt"',
  '',
  'hello',
  '--b1--',
  '',
].join('\r\n');

describeEachEngine('console API', (db) => {
  let desk: AbuseDesk;
  let http: FastifyInstance;
  let headers: Record<string, string>;
  const clock = new FakeClock('2025-03-01T10:00:00Z');

  beforeAll(async () => {
    desk = await openDesk(db(), { clock });
    await desk.inventory.import({
      customers: [
        { id: 'c-1', name: 'Brasserie Dupont', contacts: ['it@dupont.example'], plan: 'shared', locale: 'fr' },
        { id: 'c-2', name: 'Bakkerij Jansen', contacts: ['info@jansen.example'], plan: 'vps', locale: 'nl' },
      ],
      services: [
        { id: 's-1', customer: 'c-1', kind: 'shared-hosting', label: 'web01 dupont' },
        { id: 's-2', customer: 'c-2', kind: 'server', label: 'vps jansen' },
      ],
      ipAssignments: [
        { cidr: '192.0.2.0/28', service: 's-1', from: '2024-01-01T00:00:00Z', to: null },
        { cidr: '198.51.100.0/24', service: 's-2', from: '2024-01-01T00:00:00Z', to: null },
      ],
      domains: [{ name: 'dupont.example', service: 's-1', from: '2024-01-01T00:00:00Z', to: null }],
    });
    http = await app(desk);
    const { token } = await authFor(desk).createToken({ role: 'analyst', name: 'test' }, 'test');
    headers = { authorization: `Bearer ${token}` };
    await desk.ingest.submit({ raw: Buffer.from(HOSTILE), channel: 'smtp' });
    await desk.ingest.submit({
      raw: Buffer.from('From: abuse@other-reporter.example\r\nTo: abuse@provider.example\r\nSubject: port scan\r\nMessage-ID: <scan-9@x>\r\n\r\nWe saw a port scan from 203.0.113.9.\r\n'),
      channel: 'smtp',
    }); // nobody's address: unassigned
    await desk.worker.runUntilIdle();
    // Three open cases of customer c-2, one a day, as correlation leaves them before any policy step.
    for (let i = 1; i <= 3; i++) {
      const at = new Date(`2025-02-2${i}T10:00:00Z`);
      const { id: reportId } = await new ReportRepository(desk.database.db).insertOnce({ sha256: `scan-${i}`, channel: 'smtp', reporter: 'abuse@other-reporter.example', messageId: null, subject: `scan ${i}`, filename: null, receivedAt: at, raw: Buffer.from(`scan ${i}`), meta: {} });
      const c = await new CaseRepository(desk.database.db).open({ customerId: 'c-2', category: 'port-scan', resource: `198.51.100.${i}`, policyVersion: null, firstSeen: at.toISOString(), now: at });
      const events = new EventRepository(desk.database.db);
      await events.insertNew(reportId, [{ fingerprint: `scan-${i}`, category: 'port-scan', type: 'scan', ip: `198.51.100.${i}`, port: null, url: null, domain: null, email: null, occurredAt: at.toISOString(), reporter: 'abuse@other-reporter.example', evidence: {} }], at);
      const [e] = await events.forReport(reportId);
      await events.assign(e.id, { status: 'correlated', customerId: 'c-2', serviceId: 's-2', caseId: c.id, resource: c.resource, matched: '198.51.100.0/24' });
    }
  });
  afterAll(async () => {
    await http?.close();
    await desk?.close();
  });

  const get = async (url: string) => {
    const r = await http.inject({ url, headers });
    expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
    return r;
  };

  it('counts and pages the queues', async () => {
    const counts = (await get('/api/v1/queues')).json() as { name: string; count: number }[];
    const by = Object.fromEntries(counts.map((c) => [c.name, c.count]));
    expect(by.new).toBe(3);
    expect(by.unassigned).toBe(1);
    const newest = (await get('/api/v1/queues/new?limit=2')).json();
    expect(newest).toHaveLength(2);
    expect(newest[0].kind).toBe('case');
    const r = await get('/api/v1/queues/new?limit=2');
    const next = (await get(`/api/v1/queues/new?limit=2&cursor=${r.headers['x-next-cursor']}`)).json();
    expect(next.map((x: { id: number }) => x.id)).not.toContain(newest[0].id);
    const unassigned = (await get('/api/v1/queues/unassigned')).json();
    expect(unassigned[0]).toMatchObject({ kind: 'event', title: expect.stringContaining('203.0.113.9') });
    expect((await http.inject({ url: '/api/v1/queues/nonsense', headers })).statusCode).toBe(400);
  });

  it('searches by IP, CIDR, domain, customer, reporter, category, status and date, with keyset pages', async () => {
    const ids = async (q: string) => ((await get(`/api/v1/search?${q}`)).json() as { id: number; resource: string }[]).map((c) => c.resource).sort();
    expect(await ids('ip=198.51.100.2')).toEqual(['198.51.100.2']);
    expect(await ids(`ip=${encodeURIComponent('198.51.100.0/30')}`)).toEqual(['198.51.100.1', '198.51.100.2', '198.51.100.3']);
    expect(await ids(`ip=${encodeURIComponent('198.51.100.0/31')}`)).toEqual(['198.51.100.1']);
    expect(await ids(`q=${encodeURIComponent('198.51.100.0/24')}`)).toEqual(['198.51.100.1', '198.51.100.2', '198.51.100.3']);
    expect(await ids('customer=c-2')).toEqual(['198.51.100.1', '198.51.100.2', '198.51.100.3']);
    expect(await ids('reporter=abuse@other-reporter.example')).toEqual(['198.51.100.1', '198.51.100.2', '198.51.100.3']);
    expect(await ids('customer=c-1')).toEqual(['192.0.2.5']);
    expect(await ids('customer=c-2&from=2025-02-22&to=2025-02-23')).toEqual(['198.51.100.2']);
    expect(await ids('status=closed')).toEqual([]);
    const pageOne = await get('/api/v1/search?customer=c-2&limit=2');
    const pageTwo = (await get(`/api/v1/search?customer=c-2&limit=2&cursor=${pageOne.headers['x-next-cursor']}`)).json();
    expect([...pageOne.json(), ...pageTwo].map((c: { resource: string }) => c.resource).sort()).toEqual(['198.51.100.1', '198.51.100.2', '198.51.100.3']);
    expect((await http.inject({ url: '/api/v1/search?ip=10.0.0.0/4', headers })).statusCode).toBe(400);
    expect((await http.inject({ url: '/api/v1/search?cursor=garbage', headers })).statusCode).toBe(400);
  });

  it('pages through the cases of a reporter behind thousands of cases, newest first', async () => {
    const db = desk.database.db;
    const n = 2100;
    const base = Date.parse('2024-06-01T00:00:00Z');
    const { id: reportId } = await new ReportRepository(db).insertOnce({ sha256: 'mass', channel: 'smtp', reporter: 'mass@reporter.example', messageId: null, subject: 'mass', filename: null, receivedAt: new Date(base), raw: Buffer.from('mass'), meta: {} });
    const at = (i: number) => new Date(base + ((i * 7919) % n) * 60_000).toISOString();
    for (let start = 0; start < n; start += 500) {
      const rows = Array.from({ length: Math.min(500, n - start) }, (_, k) => start + k);
      const cases = await db
        .insertInto('cases')
        .values(rows.map((i) => ({ customer_id: 'c-1', category: 'spam', resource: `mass-${i}.example`, status: 'closed', policy_version: null, opened_at: at(i), first_seen: at(i), last_seen: at(i), event_count: 1, closed_at: at(i), updated_at: at(i) })))
        .returning(['id', 'last_seen'])
        .execute();
      await db
        .insertInto('events')
        .values(cases.map((c, k) => ({ report_id: reportId, fingerprint: `mass-${start + k}`, category: 'spam', type: 'spam', ip: null, port: null, url: null, domain: null, email: null, occurred_at: c.last_seen, reporter: 'mass@reporter.example', evidence: '{}', status: 'correlated' as const, customer_id: 'c-1', service_id: 's-1', case_id: c.id, resource: null, matched: null, created_at: c.last_seen })))
        .execute();
    }
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 3; page++) {
      const r = await get(`/api/v1/search?reporter=mass@reporter.example&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...r.json().map((c: { lastSeen: string; id: number }) => c.lastSeen));
      cursor = r.headers['x-next-cursor'] as string;
    }
    const expected = Array.from({ length: n }, (_, i) => at(i)).sort().reverse().slice(0, 150);
    expect(seen).toEqual(expected);
  });

  it('shows a case with its customer, timeline and the hostile report as inert text', async () => {
    const [hit] = (await get('/api/v1/search?ip=192.0.2.5')).json();
    const note = await http.inject({ method: 'POST', url: `/api/v1/cases/${hit.id}/notes`, headers, payload: { text: 'called the customer' } });
    expect(note.statusCode).toBe(201);
    const view = (await get(`/api/v1/cases/${hit.id}/view`)).json();
    expect(view.customerDetail).toMatchObject({ id: 'c-1', name: 'Brasserie Dupont', services: [{ id: 's-1' }], ipAssignments: [{ cidr: '192.0.2.0/28' }], domains: [{ name: 'dupont.example' }] });
    expect(view.timeline.map((t: { kind: string }) => t.kind)).toEqual(expect.arrayContaining(['event', 'note']));
    expect(view.notes[0].text).toBe('called the customer');
    const report = (await get(`/api/v1/reports/${view.reports[0].id}/view`)).json();
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.headers.find((h: { name: string }) => h.name === 'subject').value).toBe('<script>alert("subject")</script> spam from 192.0.2.5');
    expect(report.body).toContain('<script>alert("body")</script>');
    expect(report.attachments).toEqual([{ filename: '<svg onload=alert(3)>.txt', contentType: 'application/octet-stream', size: 5, sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824' }]);
    expect(report.authentication).toMatchObject({ spf: 'pass', dkim: 'fail', dmarc: 'fail' });
    const raw = await http.inject({ url: `/api/v1/reports/${view.reports[0].id}/raw`, headers });
    expect(raw.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(raw.headers['content-security-policy']).toContain('sandbox');
    expect(raw.headers['x-content-type-options']).toBe('nosniff');
    expect((await http.inject({ url: '/api/v1/cases/999999/view', headers })).statusCode).toBe(404);
  });

  it('re-parses a report with a new parse job, and audits it', async () => {
    const [hit] = (await get('/api/v1/search?ip=192.0.2.5')).json();
    const view = (await get(`/api/v1/cases/${hit.id}/view`)).json();
    const reportId = view.reports[0].id;
    const r = await http.inject({ method: 'POST', url: `/api/v1/reports/${reportId}/reparse`, headers });
    expect(r.statusCode).toBe(202);
    const parseJobs = await desk.database.db.selectFrom('jobs').select('payload').where('kind', '=', PARSE_JOB).execute();
    expect(parseJobs.map((j) => JSON.parse(j.payload))).toEqual([{ reportId }]);
    expect(await desk.worker.runUntilIdle()).toBeGreaterThanOrEqual(1);
    const audit = await new AuditRepository(desk.database.db).forEntity('report', reportId);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['reparse-requested', 'parsed']));
    expect((await http.inject({ method: 'POST', url: '/api/v1/reports/999999/reparse', headers })).statusCode).toBe(404);
  });

  it('runs bulk operations case by case', async () => {
    const cases = (await get('/api/v1/search?customer=c-2')).json() as { id: number }[];
    // A step waiting for approval: the workflow's close cancels it (as closing one case from its page does).
    const proposal = await workflowOf(desk).service.propose(cases[0].id, { kind: 'notify-customer', approval: 'operator' }, 'user:someone@example.net');
    const r = await http.inject({ method: 'POST', url: '/api/v1/cases/bulk', headers, payload: { ids: [...cases.map((c) => c.id), 999999], op: 'close', reason: 'duplicate reports' } });
    expect(r.json()).toEqual({ done: 3, failed: [{ id: 999999, error: 'no case 999999' }] });
    expect((await get('/api/v1/search?customer=c-2&status=closed')).json()).toHaveLength(3);
    expect((await workflowOf(desk).service.getAction(proposal!.id))?.status).toBe('cancelled');
    const audit = await new AuditRepository(desk.database.db).forEntity('case', cases[0].id);
    expect(audit.find((a) => a.action === 'closed')).toMatchObject({ actor: expect.stringMatching(/^token:/) });
    expect(JSON.parse(audit.find((a) => a.action === 'closed')!.data)).toEqual({ reason: 'duplicate reports' });
    const again = await http.inject({ method: 'POST', url: '/api/v1/cases/bulk', headers, payload: { ids: [cases[0].id], op: 'close' } });
    expect(again.json().failed[0].error).toMatch(/already closed/);
  });

  it('serves the dashboard and the inventory pages', async () => {
    const d = (await get('/api/v1/dashboard?days=30')).json();
    expect(d.reportsPerDay.reduce((n: number, r: { count: number }) => n + r.count, 0)).toBeGreaterThanOrEqual(5);
    expect(d.casesPerDay.map((c: { day: string }) => c.day)).toEqual(['2025-02-21', '2025-02-22', '2025-02-23', '2025-03-01']);
    expect(d.topCustomers[0]).toMatchObject({ customer: 'c-2', name: 'Bakkerij Jansen', events: 3 });
    expect(d.topReporters.map((r: { reporter: string }) => r.reporter)).toContain('abuse@other-reporter.example');
    expect(d.stageLatency.map((s: { stage: string }) => s.stage)).toEqual(expect.arrayContaining(['parse-report', 'correlate-report']));
    expect(d.stageLatency[0].p50).toBeGreaterThan(0);
    const customers = (await get('/api/v1/customers?q=jansen')).json();
    expect(customers.map((c: { id: string }) => c.id)).toEqual(['c-2']);
    expect((await http.inject({ url: '/api/v1/customers/nope', headers })).statusCode).toBe(404);
  });
});
