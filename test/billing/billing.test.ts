import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AbuseDesk } from '../../src/app.js';
import { authFor } from '../../src/auth/auth.service.js';
import { InvoiceService } from '../../src/billing/invoice.service.js';
import { verifySignature } from '../../src/connectors/webhook.js';
import { FakeClock } from '../../src/domain/clock.js';
import { messagesPlugin } from '../../src/http/api/messages.routes.js';
import { invoicesPlugin } from '../../src/http/api/invoices.routes.js';
import { buildHttpApp } from '../../src/http/app.js';
import { MessageService } from '../../src/notifications/messages.service.js';
import { notificationsOf } from '../../src/notifications/module.js';
import { ActionRepository } from '../../src/storage/repositories/action.repository.js';
import { InvoiceRepository } from '../../src/storage/repositories/invoice.repository.js';
import { describeEachEngine } from '../support/databases.js';
import { openDesk } from '../support/desk.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { activateQuietPolicy, createMailer, execute, HttpReceiver, inventory, openTestDesk, reportCase, reportMail, runningAction } from '../notifications/support.js';

const DAY = 86_400_000;
const SECRET = 'billing-secret-0123456789';
const offerStep = { deadline: 'P14D', price: { amount: 50, currency: 'EUR', line: 'resource-fee', per: 'month' } };

describeEachEngine('billing', (db) => {
  let desk: AbuseDesk;
  let sink: SmtpSink;
  let billing: HttpReceiver;
  const clock = new FakeClock('2025-06-01T08:00:00Z');

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    billing = await new HttpReceiver().start();
    desk = openTestDesk(await openDesk(db(), { clock }));
    (desk.config as { relayUrl: string | null }).relayUrl = sink.url;
    (desk.config as { mailFrom: string }).mailFrom = 'abuse@desk.example';
    const mod = notificationsOf(desk);
    mod.settings = { ...mod.settings, billingWebhook: { url: billing.url, secret: SECRET }, recheckMs: DAY, migrationMs: 30 * DAY };
    await activateQuietPolicy(desk);
    await desk.inventory.import(inventory);
  });
  afterAll(async () => {
    await desk.close();
    await sink.stop();
    await billing.stop();
  });

  /** A resource-abuse case offered the three options, as the policy's first step does. */
  async function offered(ip: string) {
    const raw = reportMail({ from: 'monitor@desk.example', subject: `cpu ${ip}`, body: 'load 40' });
    const { caseId } = await reportCase(desk, raw, [{ category: 'resource-abuse', type: 'cpu', ip, evidence: { cpu: '400%' } }]);
    const dueAt = new Date(clock.now().getTime() + 14 * DAY).toISOString();
    const mailer = createMailer(sink.url, 'abuse@desk.example');
    await execute(desk, await runningAction(desk, caseId, 'notify-customer', { dueAt }), mailer, offerStep);
    mailer.close();
    return { caseId, dueAt };
  }

  const offer = (caseId: number) => new InvoiceRepository(desk.ctx.db).offer(caseId);
  const terminations = async (caseId: number) => (await new ActionRepository(desk.ctx.db).forCase(caseId)).filter((a) => a.kind === 'terminate');

  it('bills blacklisting per distinct listing plus labour, once per action, pushed signed to the billing system', async () => {
    const raw = reportMail({ from: 'dnsbl@lists.example', subject: 'listed', body: '192.0.2.9 listed' });
    const { caseId } = await reportCase(desk, raw, [
      { category: 'blacklisting', type: 'dnsbl', ip: '192.0.2.9', evidence: { list: 'zen.spamhaus.org' } },
      { category: 'blacklisting', type: 'dnsbl', ip: '192.0.2.9', evidence: { list: 'b.barracudacentral.org' } },
      { category: 'blacklisting', type: 'dnsbl', ip: '192.0.2.9', evidence: { list: 'zen.spamhaus.org' }, occurredAt: '2025-06-01T07:00:00.000Z' },
    ]);
    const action = await runningAction(desk, caseId, 'invoice', { params: { prices: [{ line: 'labour', amount: 60, currency: 'EUR', quantity: 1.5 }] } });
    const mailer = createMailer(sink.url, 'abuse@desk.example');
    const step = { price: { amount: 150, currency: 'EUR', line: 'blacklisting', per: 'listing' } };
    const r = await execute(desk, action, mailer, step);
    expect(r.result?.totalCents).toBe(2 * 15000 + 9000);
    // A retry of the same action (a worker died after writing) bills nothing more.
    const again = await execute(desk, action, mailer, step);
    expect(again.result?.totalCents).toBe(39000);
    mailer.close();
    const lines = await new InvoiceService(desk).list({ caseId });
    expect(lines.map((l) => [l.kind, l.quantity, l.unitPrice, l.amount, l.currency, l.customer])).toEqual([
      ['blacklisting', 2, '150.00', '300.00', 'EUR', 'c-en'],
      ['labour', 1.5, '60.00', '90.00', 'EUR', 'c-en'],
    ]);
    await desk.worker.runUntilIdle();
    const pushed = billing.requests.at(-1)!;
    expect(verifySignature(SECRET, pushed.body, pushed.headers['x-abusedesk-signature'] as string)).toBe(true);
    expect(verifySignature('wrong-secret-000000000', pushed.body, pushed.headers['x-abusedesk-signature'] as string)).toBe(false);
    const doc = JSON.parse(pushed.body) as { lines: { id: number; amount: string }[] };
    expect(doc.lines.map((l) => l.amount)).toEqual(['300.00', '90.00']);
    expect(pushed.headers['idempotency-key']).toMatch(/^invoice-lines-/);
    expect((await new InvoiceRepository(desk.ctx.db).list({ caseId })).every((l) => l.push_status === 'pushed')).toBe(true);

    const csv = await new InvoiceService(desk).export('csv', { customerId: 'c-en' });
    expect(csv.split('\r\n')[0]).toBe('id,createdAt,customer,caseId,actionId,kind,description,quantity,unit,unitPrice,amount,currency,periodStart,periodEnd');
    expect(csv).toContain(',blacklisting,');
    expect(await new InvoiceService(desk).list({ customerId: 'c-nl' })).toEqual([]);
    expect(await new InvoiceService(desk).list({ since: '2099-01-01T00:00:00.000Z' })).toEqual([]);
  });

  it('a receiver that fails keeps the lines pending and they go out on the retry', async () => {
    billing.status = 503;
    const { caseId } = await reportCase(desk, reportMail({ from: 'x@lists.example', subject: 'listed', body: 'b' }), [{ category: 'blacklisting', ip: '192.0.2.10', evidence: { list: 'l1' } }]);
    const mailer = createMailer(sink.url, 'abuse@desk.example');
    await execute(desk, await runningAction(desk, caseId, 'invoice'), mailer, { price: { amount: 100, currency: 'EUR', line: 'penalty', per: 'once' } });
    mailer.close();
    const n = billing.requests.length;
    await desk.worker.runUntilIdle();
    expect(billing.requests.length).toBe(n + 1);
    expect((await new InvoiceRepository(desk.ctx.db).list({ caseId }))[0].push_status).toBe('failed');
    billing.status = 200;
    clock.advance(60_000);
    await desk.worker.runUntilIdle();
    expect((await new InvoiceRepository(desk.ctx.db).list({ caseId }))[0].push_status).toBe('pushed');
  });

  it('resource abuse: the offer names the three options and the fee; PAY by reply mail bills the fee every period', async () => {
    const before = sink.messages.length;
    const { caseId } = await offered('192.0.2.1');
    await sink.waitFor(before + 1);
    const notice = sink.messages.at(-1)!.parsed.text!;
    expect(notice).toMatch(/MODIFY/);
    expect(notice).toMatch(/PAY: keep the current use and pay an additional fee of €50\.00\s+per month/);
    expect(notice).toMatch(/MOVE/);
    const reply = Buffer.from(`From: noc@acme.example\r\nTo: abuse+case-${caseId}@desk.example\r\nSubject: Re: [Case #${caseId}]\r\nMessage-ID: <pay-${caseId}@acme.example>\r\n\r\nPay\r\n\r\nWe need the CPU.\r\n`);
    await desk.ingest.submit({ raw: reply, channel: 'smtp', meta: { caseId } });
    await new MessageService(desk, notificationsOf(desk)).threadNewReplies();
    expect((await offer(caseId))!.status).toBe('paying');
    let fees = await new InvoiceService(desk).list({ caseId });
    expect(fees.map((f) => [f.kind, f.amount, f.currency])).toEqual([['resource-fee', '50.00', 'EUR']]);
    expect(Date.parse(fees[0].periodEnd!) - Date.parse(fees[0].periodStart!)).toBe(30 * DAY);
    clock.advance(30 * DAY + 1000);
    await desk.worker.runUntilIdle();
    fees = await new InvoiceService(desk).list({ caseId });
    expect(fees.map((f) => f.kind)).toEqual(['resource-fee', 'resource-fee']);
    expect(fees[1].periodStart).toBe(fees[0].periodEnd);
    expect(await terminations(caseId)).toEqual([]);
  });

  it('resource abuse: MODIFY via the API is re-checked after the deadline; abuse that goes on leads to a termination proposed for a supervisor', async () => {
    const clean = await offered('192.0.2.2');
    const dirty = await offered('192.0.2.3');
    const app = await buildHttpApp(desk, [messagesPlugin(desk), invoicesPlugin(desk)]);
    const acme = { authorization: `Bearer ${(await authFor(desk).createToken({ role: 'customer', name: 'acme', customerId: 'c-en' }, 'test')).token}` };
    const jansen = { authorization: `Bearer ${(await authFor(desk).createToken({ role: 'customer', name: 'jansen', customerId: 'c-nl' }, 'test')).token}` };
    expect((await app.inject({ method: 'POST', url: `/api/v1/cases/${clean.caseId}/resource-choice`, headers: jansen, payload: { choice: 'pay' } })).statusCode).toBe(404);
    for (const c of [clean, dirty]) {
      const res = await app.inject({ method: 'POST', url: `/api/v1/cases/${c.caseId}/resource-choice`, headers: acme, payload: { choice: 'modify' } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'modifying', choice: 'modify', chosenVia: 'portal' });
    }
    expect((await app.inject({ method: 'POST', url: `/api/v1/cases/${clean.caseId}/resource-choice`, headers: acme, payload: { choice: 'pay' } })).statusCode).toBe(409);
    // The dirty one keeps burning CPU after its deadline.
    clock.set(Date.parse(dirty.dueAt) + 3_600_000);
    await reportCase(desk, reportMail({ from: 'monitor@desk.example', subject: 'cpu again', body: 'load 50' }), [{ category: 'resource-abuse', type: 'cpu', ip: '192.0.2.3', occurredAt: clock.now().toISOString() }]);
    clock.advance(2 * DAY);
    await desk.worker.runUntilIdle();
    expect((await offer(clean.caseId))!.status).toBe('complied');
    expect(await terminations(clean.caseId)).toEqual([]);
    expect((await offer(dirty.caseId))!.status).toBe('not-complied');
    const [t] = await terminations(dirty.caseId);
    expect([t.status, t.approval]).toEqual(['proposed', 'supervisor']);
    const csv = await app.inject({ method: 'GET', url: '/api/v1/invoice-lines?format=csv', headers: { authorization: `Bearer ${(await authFor(desk).createToken({ role: 'analyst', name: 'op' }, 'test')).token}` } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    // Money is for operators: a customer token gets nothing.
    expect([403, 404]).toContain((await app.inject({ method: 'GET', url: '/api/v1/invoice-lines', headers: acme })).statusCode);
    await app.close();
  });

  it('resource abuse: MOVE from the portal, then the plan is checked; no choice by the deadline proposes termination', async () => {
    const move = await offered('192.0.2.20'); // Bakkerij Jansen, shared hosting
    const moveLate = await offered('192.0.2.4');
    const silent = await offered('192.0.2.5');
    const messages = new MessageService(desk, notificationsOf(desk));
    await messages.customerReply(move.caseId, { body: 'MOVE\nPlease plan it.', author: 'info@jansen.example' });
    await messages.customerReply(moveLate.caseId, { body: 'verhuizen', author: 'noc@acme.example' });
    expect((await offer(move.caseId))!.status).toBe('migrating');
    expect((await offer(moveLate.caseId))!.status).toBe('migrating');
    // Jansen moves to a dedicated plan; Acme does not.
    await desk.inventory.import({ ...inventory, customers: inventory.customers.map((c) => (c.id === 'c-nl' ? { ...c, plan: 'dedicated' } : c)) });
    clock.advance(15 * DAY);
    await desk.worker.runUntilIdle();
    expect((await offer(silent.caseId))!.status).toBe('expired');
    const [t] = await terminations(silent.caseId);
    expect([t.status, t.approval]).toEqual(['proposed', 'supervisor']);
    expect((await offer(move.caseId))!.status).toBe('migrating');
    clock.advance(16 * DAY);
    await desk.worker.runUntilIdle();
    expect((await offer(move.caseId))!.status).toBe('complied');
    expect(await terminations(move.caseId)).toEqual([]);
    expect((await offer(moveLate.caseId))!.status).toBe('not-complied');
    expect((await terminations(moveLate.caseId)).map((a) => a.approval)).toEqual(['supervisor']);
  });

  it('leaves the audit chain intact: every offer, choice, fee line and push is in it', async () => {
    const { AuditRepository } = await import('../../src/storage/repositories/audit.repository.js');
    const r = await new AuditRepository(desk.ctx.db).verify();
    expect(r.problems).toEqual([]);
    const rows = await desk.ctx.db.selectFrom('audit_log').select('action').execute();
    for (const a of ['resource-offer', 'resource-choice', 'resource-offer-complied', 'resource-offer-not-complied', 'resource-offer-expired', 'pushed']) expect(rows.map((x) => x.action)).toContain(a);
  });
});
