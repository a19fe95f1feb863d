import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AbuseDesk } from '../../src/app.js';
import type { Category } from '../../src/domain/categories.js';
import { FakeClock } from '../../src/domain/clock.js';
import { AuditRepository } from '../../src/storage/repositories/audit.repository.js';
import { EventRepository } from '../../src/storage/repositories/event.repository.js';
import { workflowOf } from '../../src/workflow/install.js';
import { describeEachEngine } from '../support/databases.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { AUTHORITY, DAY, HOUR, inventoryFor, ipOf, Receiver, report } from './harness.js';
import { openWorkflowDesk } from './harness.js';

/**
 * The default policy played from report to closure, one scenario per category, on a fake clock
 * against a real SMTP sink and a real webhook receiver on loopback.
 */
describeEachEngine('default policy scenarios', (db) => {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  let desk: AbuseDesk;
  let sink: SmtpSink;
  let receiver: Receiver;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    receiver = await new Receiver().start();
    desk = await openWorkflowDesk(db(), clock, sink, receiver);
    await desk.inventory.import(inventoryFor());
  });
  afterAll(async () => {
    await desk?.close();
    await sink?.stop();
    await receiver?.stop();
  });

  const settle = () => desk.worker.runUntilIdle();
  const advance = async (ms: number) => {
    clock.advance(ms);
    await settle();
  };
  async function submit(category: Category, extra: Record<string, unknown> = {}, ip?: string) {
    const r = await desk.ingest.submit({ raw: report(category, clock.now(), extra, ip), channel: 'api', filename: category === 'unclassified' ? 'complaint.eml' : 'report.json' });
    await settle();
    return r;
  }
  async function theCase(category: Category) {
    const [c] = await desk.cases.list({ customerId: `c-${category}`, category, limit: 1 });
    expect(c, `a case for ${category}`).toBeTruthy();
    return (await desk.cases.show(c.id))!;
  }
  const summary = (c: Awaited<ReturnType<typeof theCase>>) => c.actions.map((a) => `${a.kind}${a.scope ? `:${a.scope}` : ''}=${a.status}`);
  const mailsTo = (addr: string) => sink.messages.filter((m) => m.to.includes(addr));
  const wf = () => workflowOf(desk).service;

  it('illegal-software: hosting account suspended at once, authorities and customer notified; a repeat proposes termination for a supervisor', async () => {
    const t0 = clock.now();
    await submit('illegal-software');
    let c = await theCase('illegal-software');
    expect(c.policyVersion).toBe('ossc-default@2026.11.1');
    expect(summary(c)).toEqual(['suspend:hosting-account=done', 'notify-authorities=done', 'notify-customer=done']);
    expect(c.actions.every((a) => a.approvedBy === 'policy' && a.dueAt === new Date(t0.getTime() + 14 * DAY).toISOString())).toBe(true);
    expect(receiver.effectsFor(c.id).map((b) => `${b.action.kind}:${b.action.scope}`)).toEqual(['suspend:hosting-account']);
    expect(mailsTo(AUTHORITY).some((m) => m.parsed.subject?.includes(`#${c.id}`) || m.parsed.text?.includes(String(c.id)))).toBe(true);
    expect(mailsTo('illegal-software@customers.example')).toHaveLength(1);

    await advance(15 * DAY);
    await submit('illegal-software');
    c = await theCase('illegal-software');
    const terminate = c.actions.find((a) => a.kind === 'terminate')!;
    expect(terminate).toMatchObject({ status: 'proposed', approval: 'supervisor' });
    await expect(wf().approve(terminate.id, 'olga', 'operator', null)).rejects.toThrow(/supervisor/);
    await wf().approve(terminate.id, 'sam', 'supervisor', 'repeat after suspension');
    await settle();
    c = await theCase('illegal-software');
    expect(c.actions.find((a) => a.kind === 'terminate')).toMatchObject({ status: 'done', approvedBy: 'sam' });
    expect(receiver.effectsFor(c.id).map((b) => b.action.kind)).toEqual(['suspend', 'terminate']);

    await advance(61 * DAY);
    c = await theCase('illegal-software');
    expect(c.status).toBe('closed');
    expect(c.closedAt).not.toBeNull();
  });

  it('copyright: notice with a deadline, content removal proposed when unanswered, a repeat proposes suspension, resolution cancels what is left', async () => {
    const t0 = clock.now();
    await submit('copyright');
    let c = await theCase('copyright');
    expect(summary(c)).toEqual(['notify-customer=done']);
    expect(c.actions[0].dueAt).toBe(new Date(t0.getTime() + 3 * DAY).toISOString());
    await advance(3 * DAY - HOUR);
    expect(summary(await theCase('copyright'))).toEqual(['notify-customer=done']);
    await advance(HOUR);
    c = await theCase('copyright');
    expect(summary(c)).toEqual(['notify-customer=done', 'remove-content:content=proposed']);
    expect(c.status).toBe('awaiting-approval');
    await wf().approve(c.actions[1].id, 'olga', 'operator', null);
    await settle();
    c = await theCase('copyright');
    expect(summary(c)).toEqual(['notify-customer=done', 'remove-content:content=done']);
    await advance(8 * DAY);
    await submit('copyright');
    c = await theCase('copyright');
    expect(summary(c)).toEqual(['notify-customer=done', 'remove-content:content=done', 'suspend:service=proposed']);
    await wf().resolveCase(c.id, 'olga', 'customer removed the files for good');
    c = await theCase('copyright');
    expect(c.status).toBe('resolved');
    expect(summary(c)).toEqual(['notify-customer=done', 'remove-content:content=done', 'suspend:service=cancelled']);
  });

  it('vulnerable-service: informational notice only after 3 events in 7 days, never a sanction, closes when quiet', async () => {
    await submit('vulnerable-service');
    await advance(DAY);
    await submit('vulnerable-service');
    let c = await theCase('vulnerable-service');
    expect(c.actions).toEqual([]);
    expect(c.status).toBe('watching');
    await advance(DAY);
    await submit('vulnerable-service');
    c = await theCase('vulnerable-service');
    expect(summary(c)).toEqual(['notify-customer=done']);
    expect(c.actions[0].params).toMatchObject({ informational: true });
    await advance(13 * DAY);
    expect((await theCase('vulnerable-service')).status).not.toBe('closed');
    await advance(DAY);
    c = await theCase('vulnerable-service');
    expect(c.status).toBe('closed');
    expect(summary(c)).toEqual(['notify-customer=done']);
  });

  it('trademark: a reply pauses the deadline, the pause runs out, removal is skipped because the customer answered', async () => {
    await submit('trademark');
    let c = await theCase('trademark');
    expect(summary(c)).toEqual(['notify-customer=done']);
    await advance(2 * DAY);
    expect(await wf().customerReplied(c.id)).toBe('paused');
    await advance(5 * DAY);
    expect(summary(await theCase('trademark'))).toEqual(['notify-customer=done']);
    // The pause lasts at most 7 days, then the 3 days left run again.
    await advance(2 * DAY + 3 * DAY + HOUR);
    c = await theCase('trademark');
    expect(summary(c)).toEqual(['notify-customer=done']);
    const audit = (await new AuditRepository(db().db).forEntity('case', c.id)).map((r) => r.action);
    expect(audit).toEqual(expect.arrayContaining(['customer-replied', 'clock-resumed', 'deadline-passed', 'step-skipped']));
  });

  it('adult-content: all data blocked at once and authorities notified', async () => {
    await submit('adult-content');
    const c = await theCase('adult-content');
    expect(summary(c)).toEqual(['suspend:all-data=done', 'notify-authorities=done', 'notify-customer=done']);
    expect(receiver.effectsFor(c.id)[0].action).toMatchObject({ kind: 'suspend', scope: 'all-data' });
    expect(mailsTo(AUTHORITY).length).toBeGreaterThan(0);
  });

  it('child-abuse: blocked at once, evidence preserved and reported, never forwarded to the customer', async () => {
    await submit('child-abuse');
    const c = await theCase('child-abuse');
    expect(summary(c)).toEqual(['suspend:all-data=done', 'notify-authorities=done', 'notify-customer=done']);
    expect(receiver.effectsFor(c.id)[0].action.params).toMatchObject({ preserveEvidence: true });
    const [mail] = mailsTo('child-abuse@customers.example');
    expect(mail).toBeTruthy();
    const url = c.events[0].url!;
    expect(url).toMatch(/child-abuse\.example/);
    expect(mail.raw.toString('utf8')).not.toContain(url.replace(/^https?:\/\//, ''));
  });

  it('spam: notice, then after the deadline a repeat proposes suspending mail', async () => {
    await submit('spam');
    expect(summary(await theCase('spam'))).toEqual(['notify-customer=done']);
    await submit('spam');
    expect(summary(await theCase('spam'))).toEqual(['notify-customer=done']);
    await advance(2 * DAY);
    await submit('spam');
    const c = await theCase('spam');
    expect(summary(c)).toEqual(['notify-customer=done', 'suspend:mail=proposed']);
    await wf().approve(c.actions[1].id, 'olga', 'operator', 'third complaint after the deadline');
    await settle();
    expect(summary(await theCase('spam'))).toEqual(['notify-customer=done', 'suspend:mail=done']);
  });

  it('spamvertising: notice, removal of the advertised content when unanswered', async () => {
    await submit('spamvertising');
    await advance(2 * DAY);
    expect(summary(await theCase('spamvertising'))).toEqual(['notify-customer=done', 'remove-content:content=proposed']);
  });

  it('blacklisting: the customer is told, then the losses and costs are invoiced at the policy price', async () => {
    await submit('blacklisting');
    expect(summary(await theCase('blacklisting'))).toEqual(['notify-customer=done']);
    await advance(DAY);
    let c = await theCase('blacklisting');
    expect(summary(c)).toEqual(['notify-customer=done', 'invoice=proposed']);
    expect(c.actions[1].params).toMatchObject({ price: { amount: 250, currency: 'EUR', line: 'blacklisting' } });
    await wf().approve(c.actions[1].id, 'olga', 'operator', null);
    await settle();
    c = await theCase('blacklisting');
    expect(['running', 'done']).toContain(c.actions[1].status);
  });

  it('malware and phishing: content removed at once and the customer notified; a repeat proposes suspension', async () => {
    for (const cat of ['malware', 'phishing'] as const) {
      await submit(cat);
      expect(summary(await theCase(cat))).toEqual(['remove-content:content=done', 'notify-customer=done']);
    }
    await advance(3 * DAY);
    await submit('malware');
    expect(summary(await theCase('malware'))).toEqual(['remove-content:content=done', 'notify-customer=done', 'suspend:service=proposed']);
  });

  it('fraud: notice with a deadline, then removal', async () => {
    await submit('fraud');
    await advance(3 * DAY);
    expect(summary(await theCase('fraud'))).toEqual(['notify-customer=done', 'remove-content:content=proposed']);
  });

  it('compromised-host: clean-up notice; persisting proposes suspending network access', async () => {
    await submit('compromised-host');
    await advance(3 * DAY + HOUR);
    expect(summary(await theCase('compromised-host'))).toEqual(['notify-customer=done']);
    await submit('compromised-host');
    expect(summary(await theCase('compromised-host'))).toEqual(['notify-customer=done', 'suspend:network=proposed']);
  });

  it('irc: an event a written consent covers is recorded and annotated, opens no case; without consent the customer is told', async () => {
    const consents = workflowOf(desk).consents;
    const consent = await consents.add({ customer: 'c-irc', kind: 'irc', cidrs: [`${ipOf('irc')}/32`], validFrom: '2026-01-01T00:00:00Z', validTo: '2027-01-01T00:00:00Z', document: 'contract-2026-17 annex B' }, 'olga');
    const r = await submit('irc');
    expect(await desk.cases.list({ customerId: 'c-irc' })).toEqual([]);
    const events = await new EventRepository(db().db).forReport(r.reportId);
    expect(events.map((e) => e.status)).toEqual(['consented']);
    expect((await new AuditRepository(db().db).forEntity('event', events[0].id)).map((a) => JSON.parse(a.data))).toEqual([expect.objectContaining({ consent: consent.id })]);
    expect((await consents.get(consent.id))!.hits).toBe(1);
    await consents.revoke(consent.id, 'olga', 'contract ended');
    await submit('irc');
    expect(summary(await theCase('irc'))).toEqual(['notify-customer=done']);
  });

  it('dos: suspending the source network is proposed with the notice for an operator', async () => {
    await submit('dos');
    const c = await theCase('dos');
    expect(summary(c)).toEqual(['suspend:network=proposed', 'notify-customer=proposed']);
    for (const a of c.actions) await wf().approve(a.id, 'olga', 'operator', null);
    await settle();
    expect(summary(await theCase('dos'))).toEqual(['suspend:network=done', 'notify-customer=done']);
  });

  it('port-scan: a security-audit permission covers its targets and ports only', async () => {
    await workflowOf(desk).consents.add({ customer: 'c-port-scan', kind: 'port-scan', cidrs: [ipOf('port-scan')], targets: ['203.0.113.0/24'], ports: ['1-1024'], validFrom: '2026-01-01T00:00:00Z', document: 'audit engagement letter 2026-03' }, 'olga');
    await submit('port-scan', { destination_ip: '203.0.113.9', destination_port: 443 });
    expect(await desk.cases.list({ customerId: 'c-port-scan' })).toEqual([]);
    await submit('port-scan', { destination_ip: '192.0.2.77', destination_port: 443 });
    expect(summary(await theCase('port-scan'))).toEqual(['notify-customer=done']);
  });

  it('objectionable-content: a short deadline, then removal whatever the answer', async () => {
    await submit('objectionable-content');
    const c = await theCase('objectionable-content');
    await wf().customerReplied(c.id);
    await advance(7 * DAY + HOUR);
    expect(summary(await theCase('objectionable-content'))).toEqual(['notify-customer=done', 'remove-content:content=proposed']);
  });

  it('harvesting: notice; a repeat proposes suspension', async () => {
    await submit('harvesting');
    await advance(3 * DAY);
    await submit('harvesting');
    expect(summary(await theCase('harvesting'))).toEqual(['notify-customer=done', 'suspend:service=proposed']);
  });

  it('resource-abuse: the three options offered with a deadline; no answer proposes termination for a supervisor', async () => {
    await submit('resource-abuse');
    let c = await theCase('resource-abuse');
    expect(summary(c)).toEqual(['notify-customer=done']);
    expect(c.actions[0].params).toMatchObject({ options: ['modify', 'pay', 'move'], price: { amount: 50, line: 'resource-fee', per: 'month' } });
    await advance(14 * DAY);
    c = await theCase('resource-abuse');
    expect(summary(c)).toEqual(['notify-customer=done', 'terminate:agreement=proposed']);
    expect(c.actions[1].approval).toBe('supervisor');
  });

  it('unclassified: lands in triage with no action and closes itself when quiet', async () => {
    await submit('unclassified');
    let c = await theCase('unclassified');
    expect(c.actions).toEqual([]);
    expect(c.status).toBe('open');
    await advance(30 * DAY);
    c = await theCase('unclassified');
    expect(c.status).toBe('closed');
  });

  it('audit verify is clean after all of it', async () => {
    const r = await new AuditRepository(db().db).verify();
    expect(r.problems).toEqual([]);
    expect(r.rows).toBeGreaterThan(20);
  });
});
