import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AbuseDesk } from '../../src/app.js';
import type { Category } from '../../src/domain/categories.js';
import { FakeClock } from '../../src/domain/clock.js';
import { AuditRepository } from '../../src/storage/repositories/audit.repository.js';
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

  it('audit verify is clean after all of it', async () => {
    const r = await new AuditRepository(db().db).verify();
    expect(r.problems).toEqual([]);
    expect(r.rows).toBeGreaterThan(20);
  });
});
