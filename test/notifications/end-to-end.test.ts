import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AbuseDesk } from '../../src/app.js';
import { FakeClock } from '../../src/domain/clock.js';
import { InvoiceService } from '../../src/billing/invoice.service.js';
import { MessageService } from '../../src/notifications/messages.service.js';
import { notificationsOf } from '../../src/notifications/module.js';
import { ActionRepository } from '../../src/storage/repositories/action.repository.js';
import { InvoiceRepository } from '../../src/storage/repositories/invoice.repository.js';
import { describeEachEngine } from '../support/databases.js';
import { openDesk } from '../support/desk.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { inventory, reportCase, reportMail } from './support.js';

const DAY = 86_400_000;
const flat = (s: string) => s.replace(/\s+/g, ' ');
const unwrap = (s: string) => flat(s.replace(/\n> /g, ' ').replace(/\n {2}/g, ' '));

/** The shipped default policy drives the steps; these executors write and send what the customer reads. */
describeEachEngine('notifications under the default policy', (db) => {
  let desk: AbuseDesk;
  let sink: SmtpSink;
  const clock = new FakeClock('2025-09-01T10:00:00Z');

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    desk = await openDesk(db(), { clock });
    (desk.config as { relayUrl: string | null }).relayUrl = sink.url;
    (desk.config as { mailFrom: string }).mailFrom = 'abuse@desk.example';
    await desk.inventory.import(inventory);
  });
  afterAll(async () => {
    await desk.close();
    await sink.stop();
  });

  it('a spam report reaches the French customer as a French notice quoting the policy clause with the policy deadline', async () => {
    const before = sink.messages.length;
    const { caseId } = await reportCase(desk, reportMail({ from: 'fbl@mailbox.example', subject: 'spam', body: 'x' }), [{ category: 'spam', ip: '192.0.2.33', evidence: { subject: 'Promo', to: 'someone@mailbox.example' } }]);
    await desk.worker.runUntilIdle();
    await sink.waitFor(before + 1);
    const m = sink.messages.at(-1)!;
    expect(m.to).toEqual(['it@dupont.example']);
    expect(m.parsed.subject).toBe(`[Case #${caseId}] Signalement d’abus : envoi massif de courriels non sollicités (spam)`);
    expect(unwrap(m.parsed.text!)).toContain('The User will refrain from using the OSSC network to send unsolicited mass mailings.');
    expect(m.parsed.text).toMatch(/avant le \d+ septembre 2025/);
    expect(m.parsed.text).not.toContain('someone@mailbox.example');
    const [notice] = await new ActionRepository(desk.ctx.db).forCase(caseId);
    expect([notice.kind, notice.status, notice.connector]).toEqual(['notify-customer', 'done', 'mail']);
  });

  it('resource abuse: the policy price is the PAY fee; a PAY reply bills it and no termination follows the deadline', async () => {
    const before = sink.messages.length;
    const { caseId } = await reportCase(desk, reportMail({ from: 'monitor@desk.example', subject: 'cpu', body: 'load' }), [{ category: 'resource-abuse', type: 'cpu', ip: '192.0.2.34' }]);
    await desk.worker.runUntilIdle();
    await sink.waitFor(before + 1);
    const text = unwrap(sink.messages.at(-1)!.parsed.text!);
    expect(text).toMatch(/PAY : conservez l’utilisation actuelle et payez un supplément de 50,00\s?€ par mois/);
    const reply = Buffer.from(`From: it@dupont.example\r\nTo: abuse+case-${caseId}@desk.example\r\nSubject: Re: [Case #${caseId}]\r\nMessage-ID: <payer-${caseId}@dupont.example>\r\n\r\nPayer\r\n`);
    await desk.ingest.submit({ raw: reply, channel: 'smtp', meta: { caseId } });
    await new MessageService(desk, notificationsOf(desk)).threadNewReplies();
    expect((await new InvoiceRepository(desk.ctx.db).offer(caseId))!.status).toBe('paying');
    clock.advance(15 * DAY);
    await desk.worker.runUntilIdle();
    const kinds = (await new ActionRepository(desk.ctx.db).forCase(caseId)).map((a) => a.kind);
    expect(kinds).not.toContain('terminate');
    expect((await new InvoiceService(desk).list({ caseId })).map((l) => [l.kind, l.amount, l.currency])).toEqual([['resource-fee', '50.00', 'EUR']]);
  });
});
