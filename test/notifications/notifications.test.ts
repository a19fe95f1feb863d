import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AbuseDesk } from '../../src/app.js';
import { FakeClock } from '../../src/domain/clock.js';
import { AUP_CLAUSES } from '../../src/notifications/aup-clauses.js';
import { MessageService } from '../../src/notifications/messages.service.js';
import { notificationsOf } from '../../src/notifications/module.js';
import { ActionRepository } from '../../src/storage/repositories/action.repository.js';
import { CaseMessageRepository } from '../../src/storage/repositories/case-message.repository.js';
import { NotificationRepository } from '../../src/storage/repositories/notification.repository.js';
import { ReportRepository } from '../../src/storage/repositories/report.repository.js';
import { executorRegistry } from '../../src/workflow/executors.js';
import { WorkflowService } from '../../src/workflow/service.js';
import { describeEachEngine } from '../support/databases.js';
import { openDesk } from '../support/desk.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { activateQuietPolicy, createMailer, execute, inventory, openTestDesk, reportCase, reportMail, runningAction } from './support.js';

const aup = readFileSync(resolve(process.cwd(), '../shared/policy/acceptable-use-policy.txt'), 'utf8');
const flat = (s: string) => s.replace(/\s+/g, ' ');
const unwrap = (s: string) => flat(s.replace(/\n> /g, ' ').replace(/\n {2}/g, ' '));

describeEachEngine('notifications', (db) => {
  let desk: AbuseDesk;
  let sink: SmtpSink;
  const clock = new FakeClock('2025-03-01T09:00:00Z');

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    desk = openTestDesk(await openDesk(db(), { clock }));
    (desk.config as { relayUrl: string | null }).relayUrl = sink.url;
    (desk.config as { mailFrom: string }).mailFrom = 'abuse@desk.example';
    await activateQuietPolicy(desk);
    await desk.inventory.import(inventory);
  });
  afterAll(async () => {
    await desk.close();
    await sink.stop();
  });

  it('mails each customer in its language, quoting the AUP clause, with the deadline and the plus-address; a retry sends nothing twice', async () => {
    const mailer = createMailer(sink.url, 'abuse@desk.example');
    const cases: Record<string, number> = {};
    for (const [customer, ip] of [['c-en', '192.0.2.5'], ['c-nl', '192.0.2.20'], ['c-fr', '192.0.2.40']] as const) {
      const raw = reportMail({ from: 'Jane Reporter <jane@reporter.example>', subject: 'spam from your network', body: 'Received spam' });
      const { caseId } = await reportCase(desk, raw, [{ category: 'spam', ip, email: `promo@${customer === 'c-en' ? 'acme' : customer === 'c-nl' ? 'jansen' : 'dupont'}.example`, evidence: { subject: 'Win now', recipient: 'victim@mailbox.example', excerpt: 'To: victim@mailbox.example' } }]);
      cases[customer] = caseId;
    }
    const before = sink.messages.length;
    for (const [customer, caseId] of Object.entries(cases)) {
      const action = await runningAction(desk, caseId, 'notify-customer', { dueAt: '2025-03-03T09:00:00.000Z' });
      const r = await execute(desk, action, mailer);
      expect(r.status, customer).toBe('done');
      // The same action again (a worker that died after sending): no second mail.
      const again = await execute(desk, action, mailer);
      expect(again.result?.duplicate).toBe(true);
    }
    await sink.waitFor(before + 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.messages.length).toBe(before + 3);
    const byTo = new Map(sink.messages.slice(before).map((m) => [m.to[0], m]));
    const en = byTo.get('noc@acme.example')!;
    const nl = byTo.get('info@jansen.example')!;
    const fr = byTo.get('it@dupont.example')!;
    for (const [m, id] of [[en, cases['c-en']], [nl, cases['c-nl']], [fr, cases['c-fr']]] as const) {
      expect(m.parsed.subject).toContain(`[Case #${id}]`);
      expect(unwrap(m.parsed.text!)).toContain(flat(AUP_CLAUSES.spam.text));
      expect(flat(aup)).toContain(flat(AUP_CLAUSES.spam.text));
      expect((m.parsed.replyTo?.value[0]?.address ?? '').toLowerCase()).toBe(`abuse+case-${id}@desk.example`);
      expect(m.parsed.text).not.toContain('victim@mailbox.example');
      expect(m.parsed.text).not.toContain('jane@reporter.example');
      expect(m.parsed.html || '').not.toContain('victim@mailbox.example');
    }
    expect(en.parsed.subject).toMatch(/Abuse report: unsolicited bulk e-mail/);
    expect(en.parsed.text).toMatch(/before 3 March 2025 at 09:00 UTC|before 3 March 2025, 09:00 UTC/);
    expect(nl.parsed.subject).toMatch(/Misbruikmelding/);
    expect(nl.parsed.text).toMatch(/3 maart 2025/);
    expect(fr.parsed.subject).toMatch(/Signalement d’abus/);
    expect(fr.parsed.text).toMatch(/3 mars 2025/);
    const thread = await new CaseMessageRepository(desk.ctx.db).forCase(cases['c-nl']);
    expect(thread.map((t) => [t.direction, t.kind, t.action_id === null])).toEqual([['outbound', 'notice', false]]);
    mailer.close();
  });

  it('never forwards child-abuse material: the customer learns only that a report came and the content is blocked', async () => {
    const mailer = createMailer(sink.url, 'abuse@desk.example');
    const raw = reportMail({ from: 'hotline@hotline.example', subject: 'CSAM report', body: 'http://pics.acme.example/secret/img001.jpg' });
    const { caseId } = await reportCase(desk, raw, [{ category: 'child-abuse', type: 'csam', url: 'http://pics.acme.example/secret/img001.jpg', domain: 'pics.acme.example', evidence: { hash: 'deadbeefcafe', url: 'http://pics.acme.example/secret/img001.jpg' } }]);
    const before = sink.messages.length;
    await execute(desk, await runningAction(desk, caseId, 'notify-customer'), mailer);
    await sink.waitFor(before + 1);
    const m = sink.messages.at(-1)!;
    const all = m.raw.toString('utf8');
    for (const leaked of ['pics.acme.example', 'img001', 'deadbeefcafe', 'hotline@hotline.example', '/secret/']) expect(all).not.toContain(leaked);
    expect(flat(m.parsed.text!)).toContain('The content has been blocked');
    mailer.close();
  });

  it('sends authorities an evidence package whose hashes match the stored reports', async () => {
    const mailer = createMailer(sink.url, 'abuse@desk.example');
    const r1 = reportMail({ from: 'bsa@rights.example', subject: 'warez', body: 'http://warez.acme.example/crack.zip' });
    const first = await reportCase(desk, r1, [{ category: 'illegal-software', type: 'warez', url: 'http://warez.acme.example/crack.zip' }]);
    clock.advance(60_000);
    const r2 = reportMail({ from: 'other@rights.example', subject: 'warez again', body: 'http://warez.acme.example/keygen.exe' });
    const second = await reportCase(desk, r2, [{ category: 'illegal-software', type: 'warez', url: 'http://warez.acme.example/keygen.exe' }]);
    expect(second.caseId).toBe(first.caseId);
    const before = sink.messages.length;
    const r = await execute(desk, await runningAction(desk, first.caseId, 'notify-authorities', { params: { to: 'police@authority.example' } }), mailer);
    expect(r.status).toBe('done');
    await sink.waitFor(before + 1);
    const m = sink.messages.at(-1)!;
    expect(m.to).toEqual(['police@authority.example']);
    const manifestPart = m.parsed.attachments.find((a) => a.filename === `evidence-case-${first.caseId}.json`)!;
    const manifest = JSON.parse(manifestPart.content.toString('utf8')) as { reports: { id: number; sha256: string; sha256Verified: boolean; receivedAt: string; channel: string; attachment: string }[]; custody: unknown[] };
    const stored = new ReportRepository(desk.ctx.db);
    expect(manifest.reports.map((x) => x.id).sort()).toEqual([first.reportId, second.reportId].sort());
    for (const rep of manifest.reports) {
      const s = (await stored.get(rep.id))!;
      const bytes = (await stored.raw(rep.id))!.raw;
      expect(rep.sha256).toBe(s.sha256);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(rep.sha256);
      expect(rep.sha256Verified).toBe(true);
      expect(rep.receivedAt).toBe(s.received_at);
      expect(rep.channel).toBe('smtp');
      // The attached original is byte for byte the stored report.
      const att = m.parsed.attachments.find((a) => a.filename === rep.attachment)!;
      expect(createHash('sha256').update(att.content).digest('hex')).toBe(rep.sha256);
    }
    expect(manifest.custody.length).toBeGreaterThan(0);
    expect(m.parsed.text).toContain(createHash('sha256').update(manifestPart.content).digest('hex'));
    expect(unwrap(m.parsed.text!)).toContain(flat(AUP_CLAUSES['illegal-software'].text));
    mailer.close();
  });

  it('digest mode: one mail per customer per interval for all its new cases; the waiting notices complete with it', async () => {
    const mod = notificationsOf(desk);
    mod.settings = { ...mod.settings, mode: 'digest', digestIntervalMs: 3_600_000 };
    const mailer = createMailer(sink.url, 'abuse@desk.example');
    const a = await reportCase(desk, reportMail({ from: 'x@r.example', subject: 'phish', body: 'p' }), [{ category: 'phishing', url: 'http://login.jansen.example/bank' }]);
    const b = await reportCase(desk, reportMail({ from: 'y@r.example', subject: 'scan', body: 's' }), [{ category: 'port-scan', ip: '192.0.2.21', port: 22 }]);
    const actA = await runningAction(desk, a.caseId, 'notify-customer', { dueAt: '2025-03-02T12:00:00.000Z' });
    const actB = await runningAction(desk, b.caseId, 'notify-customer', { dueAt: '2025-03-04T12:00:00.000Z' });
    expect((await execute(desk, actA, mailer)).status).toBe('waiting');
    expect((await execute(desk, actB, mailer)).status).toBe('waiting');
    // Case a moves up its ladder within the same interval: it appears once, with the later deadline.
    const actA2 = await runningAction(desk, a.caseId, 'notify-customer', { dueAt: '2025-03-06T12:00:00.000Z' });
    expect((await execute(desk, actA2, mailer)).status).toBe('waiting');
    const before = sink.messages.length;
    await desk.worker.runUntilIdle();
    expect(sink.messages.length).toBe(before);
    clock.advance(3_600_000);
    await desk.worker.runUntilIdle();
    await sink.waitFor(before + 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.messages.length).toBe(before + 1);
    const m = sink.messages.at(-1)!;
    expect(m.to).toEqual(['info@jansen.example']);
    expect(m.parsed.subject).toContain(`#${a.caseId}`);
    expect(m.parsed.subject).toContain(`#${b.caseId}`);
    expect(m.parsed.text).toContain(`abuse+case-${a.caseId}@desk.example`);
    expect(m.parsed.text).toContain(`abuse+case-${b.caseId}@desk.example`);
    expect(unwrap(m.parsed.text!)).toContain(flat(AUP_CLAUSES['port-scan'].text));
    expect(m.parsed.text!.split(`======== Case #${a.caseId}:`).length).toBe(2);
    expect(m.parsed.text).toMatch(/6 maart 2025/);
    expect(m.parsed.text).not.toMatch(/2 maart 2025/);
    const actions = new ActionRepository(desk.ctx.db);
    expect((await actions.get(actA2.id))!.status).toBe('done');
    expect((await actions.get(actA.id))!.status).toBe('done');
    expect((await actions.get(actB.id))!.status).toBe('done');
    // Nothing new: no empty digest at the next boundary.
    clock.advance(3_600_000);
    await desk.worker.runUntilIdle();
    expect(sink.messages.length).toBe(before + 1);
    mod.settings = { ...mod.settings, mode: 'immediate' };
    mailer.close();
  });

  it('tells opted-in reporters the outcome when the case is resolved, never an auto-generated sender', async () => {
    const human = reportMail({ from: 'Pat <pat@reporter.example>', subject: 'malware here', body: 'bad' });
    const robot = reportMail({ from: 'fbl@feedback.example', subject: 'malware', body: 'bad', headers: { 'Auto-Submitted': 'auto-generated' } });
    const quiet = reportMail({ from: 'sam@reporter.example', subject: 'malware', body: 'bad' });
    const c = await reportCase(desk, human, [{ category: 'malware', url: 'http://dl.acme.example/x.exe' }]);
    await reportCase(desk, robot, [{ category: 'malware', url: 'http://dl.acme.example/y.exe' }]);
    await reportCase(desk, quiet, [{ category: 'malware', url: 'http://dl.acme.example/z.exe' }]);
    const prefs = new NotificationRepository(desk.ctx.db);
    await prefs.setReporterPreference('pat@reporter.example', true, 'nl', clock.now());
    await prefs.setReporterPreference('fbl@feedback.example', true, 'en', clock.now());
    const before = sink.messages.length;
    await new WorkflowService(desk.ctx, executorRegistry(desk)).resolveCase(c.caseId, 'operator', 'content removed by the customer');
    await desk.worker.runUntilIdle();
    await sink.waitFor(before + 1);
    await new Promise((r) => setTimeout(r, 200));
    const sent = sink.messages.slice(before);
    expect(sent.map((m) => m.to[0])).toEqual(['pat@reporter.example']);
    expect(sent[0].parsed.subject).toContain(`[Case #${c.caseId}]`);
    expect(sent[0].parsed.text).toContain('De klant heeft het probleem opgelost.');
    expect(sent[0].parsed.text).not.toContain('Acme');
  });

  it('threads mail to the plus-address and portal replies to the case, and the API lists and answers them', async () => {
    const { caseId } = await reportCase(desk, reportMail({ from: 'z@r.example', subject: 'spam', body: 's' }), [{ category: 'spam', ip: '192.0.2.7' }]);
    // The intake stores mail to abuse+case-N@ as a report with the case in its meta.
    const reply = Buffer.from(`From: Acme NOC <noc@acme.example>\r\nTo: abuse+case-${caseId}@desk.example\r\nSubject: Re: [Case #${caseId}] Abuse report\r\nMessage-ID: <reply1@acme.example>\r\n\r\nWe removed the script.\r\n> quoted notice\r\n`);
    await desk.ingest.submit({ raw: reply, channel: 'smtp', meta: { plusTags: [`case-${caseId}`], caseId } });
    const messages = new MessageService(desk, notificationsOf(desk));
    expect(await messages.threadNewReplies()).toBe(1);
    expect(await messages.threadNewReplies()).toBe(0);
    const { buildHttpApp } = await import('../../src/http/app.js');
    const { messagesPlugin } = await import('../../src/http/api/messages.routes.js');
    const app = await buildHttpApp(desk, [messagesPlugin(desk)]);
    const { authFor } = await import('../../src/auth/auth.service.js');
    const operator = { authorization: `Bearer ${(await authFor(desk).createToken({ role: 'analyst', name: 'op' }, 'test')).token}` };
    const acme = { authorization: `Bearer ${(await authFor(desk).createToken({ role: 'customer', name: 'acme', customerId: 'c-en' }, 'test')).token}` };
    const jansen = { authorization: `Bearer ${(await authFor(desk).createToken({ role: 'customer', name: 'jansen', customerId: 'c-nl' }, 'test')).token}` };
    expect((await app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/messages` })).statusCode).toBe(401);
    // Another customer cannot tell the case exists.
    expect((await app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/messages`, headers: jansen })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/messages`, headers: jansen, payload: { body: 'x' } })).statusCode).toBe(404);
    const portal = await app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/messages`, headers: acme, payload: { body: 'Also fixed the form.' } });
    expect(portal.statusCode).toBe(201);
    const before = sink.messages.length;
    const op = await app.inject({ method: 'POST', url: `/api/v1/cases/${caseId}/messages`, headers: operator, payload: { body: 'Thank you, we will check again tomorrow.' } });
    expect(op.statusCode).toBe(201);
    await desk.worker.runUntilIdle();
    await sink.waitFor(before + 1);
    expect(sink.messages.at(-1)!.to).toEqual(['noc@acme.example']);
    expect(sink.messages.at(-1)!.parsed.headers.get('auto-submitted')).toBe('no');
    const list = await app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/messages`, headers: acme });
    const body = list.json() as { direction: string; channel: string; kind: string; sender: string; body: string; messageId: string | null }[];
    expect(body.map((m) => [m.direction, m.channel, m.kind])).toEqual([
      ['inbound', 'mail', 'reply'],
      ['inbound', 'portal', 'reply'],
      ['outbound', 'mail', 'operator'],
    ]);
    expect(body[0].sender).toBe('noc@acme.example');
    expect(body[0].body).toContain('We removed the script.');
    expect(body[2].messageId).not.toBeNull();
    expect((await app.inject({ method: 'GET', url: '/api/v1/cases/999999/messages', headers: operator })).statusCode).toBe(404);
    const spec = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toContain('/api/v1/cases/{id}/messages');
    await app.close();
  });
});
