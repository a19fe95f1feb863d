import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/http/app.js';
import { IntakeRepository } from '../../src/storage/repositories/intake.repository.js';
import { describeEachEngine } from '../support/databases.js';
import { type IntakeRig, startIntake } from './support.js';

const corpus = resolve(process.cwd(), '../shared/corpus/reports');

function multipart(fields: Record<string, string>, files: { name: string; filename: string; type: string; content: Buffer }[] = []) {
  const boundary = `----adk${Math.random().toString(36).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`), f.content, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describeEachEngine('reports API and public form', (db) => {
  let rig: IntakeRig;
  let app: FastifyInstance;
  beforeAll(async () => {
    rig = await startIntake(db(), {}, { smtp: false, api: { publicPerMinute: 6 }, form: { postsPerMinute: 4 } });
    app = await buildHttpApp(rig.desk, rig.parts.plugins);
  });
  afterAll(async () => {
    await app?.close();
    await rig?.stop();
  });

  it('takes a JSON report from the public, parses it into events with the given category and resources, and acknowledges once', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: { reporterEmail: 'jane@reporter.example', reporterName: 'Jane', ip: '192.0.2.7', url: 'http://login.bank.dupont.example/verify', category: 'phishing', description: 'A phishing page', occurredAt: '2026-11-29T10:00:00Z' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { id, reference } = res.json();
    expect(reference).toBe(`report ${id}`);
    await rig.settle();
    const r = await rig.desk.reports.show(id);
    expect(r?.channel).toBe('api');
    expect(r?.status).toBe('parsed');
    expect(new Set(r?.events.map((e) => e.category))).toEqual(new Set(['phishing']));
    expect(r?.events.some((e) => e.ip === '192.0.2.7')).toBe(true);
    expect(r?.events.some((e) => e.url === 'http://login.bank.dupont.example/verify')).toBe(true);
    expect(r?.events.every((e) => e.occurredAt.startsWith('2026-11-29T10:00:00'))).toBe(true);
    await rig.sink.waitFor(1);
    expect(rig.sink.messages.filter((m) => m.parsed.headers.get('x-abusedesk-report') === String(id)).map((m) => m.to)).toEqual([['jane@reporter.example']]);
  });

  it('rejects a JSON report that names nothing, with the reason', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/reports', payload: { description: 'something bad happened' } });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/at least one of/);
  });

  it('takes an XARF v4 document as sent, and refuses an invalid one with the failing field', async () => {
    const doc = readFileSync(resolve(corpus, 'xarf-v4/content-phishing.json'));
    const ok = await app.inject({ method: 'POST', url: '/api/v1/reports', headers: { 'content-type': 'application/json' }, payload: doc });
    expect(ok.statusCode, ok.body).toBe(201);
    const stored = await rig.desk.reports.show(ok.json().id);
    expect(stored?.sha256).toBe(createHash('sha256').update(doc).digest('hex'));
    const broken = { ...JSON.parse(doc.toString()), report_id: 'not-a-uuid' };
    const bad = await app.inject({ method: 'POST', url: '/api/v1/reports', payload: broken });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().message).toMatch(/report_id/);
  });

  it('takes a raw message/rfc822 and stores its bytes unchanged', async () => {
    const raw = Buffer.from('From: fbl@mailbox.example\r\nTo: abuse@desk.example\r\nSubject: spam from 198.51.100.9\r\nMessage-ID: <raw-api@mailbox.example>\r\n\r\nSpam was sent from 198.51.100.9.\r\n');
    const res = await app.inject({ method: 'POST', url: '/api/v1/reports', headers: { 'content-type': 'message/rfc822' }, payload: raw });
    expect(res.statusCode, res.body).toBe(201);
    const stored = await rig.desk.reports.show(res.json().id);
    expect(stored?.messageId).toBe('raw-api@mailbox.example');
    expect(stored?.sha256).toBe(createHash('sha256').update(raw).digest('hex'));
  });

  it('rate-limits the public per client address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/reports', remoteAddress: '203.0.113.50', payload: { domain: `spam${i}.example`, category: 'spamvertising' } });
      codes.push(res.statusCode);
    }
    expect(codes.slice(0, 6).every((c) => c === 201)).toBe(true);
    expect(codes[6]).toBe(429);
  });

  it('lists and shows reports to operators only, and documents the routes in OpenAPI', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/reports' })).statusCode).toBe(401);
    const { authFor } = await import('../../src/auth/auth.service.js');
    const { token } = await authFor(rig.desk).createToken({ role: 'analyst', name: 'intake-test' }, 'test');
    const headers = { authorization: `Bearer ${token}` };
    const list = await app.inject({ method: 'GET', url: '/api/v1/reports?limit=5', headers });
    expect(list.statusCode, list.body).toBe(200);
    const first = list.json()[0];
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['id', 'messageId', 'channel', 'receivedAt', 'status', 'error']));
    const one = await app.inject({ method: 'GET', url: `/api/v1/reports/${first.id}`, headers });
    expect(one.statusCode).toBe(200);
    expect(Array.isArray(one.json().events)).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/api/v1/reports/999999', headers })).statusCode).toBe(404);
    // A trusted caller is recorded as such and not acknowledged.
    const trusted = await app.inject({ method: 'POST', url: '/api/v1/reports', headers, payload: { ip: '192.0.2.8', category: 'dos', reporterEmail: 'noc@partner.example' } });
    expect(trusted.statusCode).toBe(201);
    expect((await rig.desk.reports.show(trusted.json().id))?.meta).toMatchObject({ trusted: true });
    await rig.settle();
    expect(await new IntakeRepository(rig.desk.ctx.db).followup(trusted.json().id, 'acknowledge-report')).toBeUndefined();
    const openapi = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(openapi.paths['/api/v1/reports'] ?? {})).toEqual(expect.arrayContaining(['get', 'post']));
  });

  it('serves the report form as plain HTML and refuses a post without its CSRF token', async () => {
    const page = await app.inject({ method: 'GET', url: '/report' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toMatch(/<form method="post" action="\/report" enctype="multipart\/form-data">/);
    expect(page.body).not.toMatch(/<script/i);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
    const body = multipart({ domain: 'dupont.example', description: 'x', reporterEmail: 'a@b.example' });
    const res = await app.inject({ method: 'POST', url: '/report', ...body });
    expect(res.statusCode).toBe(403);
  });

  it('stores a form submission with its evidence, answers with the reference, and escapes what it echoes', async () => {
    const page = await app.inject({ method: 'GET', url: '/report', remoteAddress: '203.0.113.9' });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    const bad = multipart({ _csrf: token, ip: 'not-an-ip', description: '<script>alert(1)</script>', reporterEmail: 'r@reporter.example' });
    const rejected = await app.inject({ method: 'POST', url: '/report', remoteAddress: '203.0.113.9', ...bad, headers: { ...bad.headers, cookie } });
    expect(rejected.statusCode).toBe(400);
    expect(rejected.body).toMatch(/IP address: not an IPv4 or IPv6 address/);
    expect(rejected.body).not.toContain('<script>alert(1)</script>');
    expect(rejected.body).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');

    const good = multipart(
      { _csrf: token, domain: 'shop.dupont.example', url: 'https://shop.dupont.example/cracked-software.zip', category: 'illegal-software', description: 'Cracked software offered for download.', reporterName: 'Ré Porter', reporterEmail: 'r@reporter.example' },
      [{ name: 'evidence', filename: 'screenshot.png', type: 'image/png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]) }],
    );
    const res = await app.inject({ method: 'POST', url: '/report', remoteAddress: '203.0.113.9', ...good, headers: { ...good.headers, cookie } });
    expect(res.statusCode, res.body).toBe(200);
    const id = Number(/report (\d+)/.exec(res.body)?.[1]);
    await rig.settle();
    const r = await rig.desk.reports.show(id);
    expect(r?.channel).toBe('form');
    expect(r?.reporter).toBe('r@reporter.example');
    expect(r?.events.length).toBeGreaterThan(0);
    expect(new Set(r?.events.map((e) => e.category))).toEqual(new Set(['illegal-software']));
    expect(r?.events.some((e) => e.domain === 'shop.dupont.example')).toBe(true);
    const raw = (await rig.desk.ctx.db.selectFrom('reports').select('raw').where('id', '=', id).executeTakeFirstOrThrow()).raw.toString('latin1');
    expect(raw).toMatch(/filename=screenshot\.png/);
  });

  it('rate-limits form submissions per client address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await app.inject({ method: 'POST', url: '/report', remoteAddress: '203.0.113.77', ...multipart({ description: 'x' }) })).statusCode);
    expect(codes.slice(0, 4).every((c) => c === 403)).toBe(true);
    expect(codes.slice(4)).toEqual([429, 429]);
  });
});
