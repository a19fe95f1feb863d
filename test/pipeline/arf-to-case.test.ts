import { expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock.js';
import { describeEachEngine } from '../support/databases.js';
import { openDesk } from '../support/desk.js';
import { arfReport, inventory } from '../support/fixtures.js';

const enc = (s: string) => Buffer.from(s);

describeEachEngine('an ARF report in, a case out', (db) => {
  it('opens one case for the customer who held the address at the time, however often the report arrives', async () => {
    const clock = new FakeClock('2025-05-01T12:00:00Z');
    const desk = await openDesk(db(), { clock });
    await desk.inventory.import(inventory);

    // Sent in February from 192.0.2.5, which Dupont held until March (Jansen has it now).
    const report = enc(arfReport({ ip: '192.0.2.5', arrival: '2025-02-10T08:00:00Z' }));
    const first = await desk.ingest.submit({ raw: report, channel: 'file' });
    const again = await desk.ingest.submit({ raw: report, channel: 'smtp' });
    expect(again).toEqual({ reportId: first.reportId, duplicate: true });
    await desk.worker.runUntilIdle();

    let cases = await desk.cases.list();
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ customer: 'c-1001', category: 'spam', resource: '192.0.2.5', eventCount: 1, firstSeen: '2025-02-10T08:00:00.000Z' });

    // The same feedback forwarded again with other outer headers: a new report, the same event.
    const forwarded = enc('X-Forwarded-By: relay.example\r\n' + arfReport({ ip: '192.0.2.5', arrival: '2025-02-10T08:00:00Z' }));
    const third = await desk.ingest.submit({ raw: forwarded, channel: 'smtp' });
    expect(third.duplicate).toBe(false);
    await desk.worker.runUntilIdle();
    cases = await desk.cases.list();
    expect(cases).toHaveLength(1);
    expect(cases[0].eventCount).toBe(1);

    // A later spam run from the same address now belongs to Jansen: a case of its own.
    await desk.ingest.submit({ raw: enc(arfReport({ ip: '192.0.2.5', arrival: '2025-04-02T09:30:00Z' })), channel: 'smtp' });
    // And a second message from Dupont's other address joins nothing of Jansen's.
    await desk.ingest.submit({ raw: enc(arfReport({ ip: '198.51.100.20', arrival: '2025-04-03T10:00:00Z' })), channel: 'smtp' });
    await desk.ingest.submit({ raw: enc(arfReport({ ip: '198.51.100.20', arrival: '2025-04-04T10:00:00Z' })), channel: 'smtp' });
    await desk.worker.runUntilIdle();
    cases = await desk.cases.list();
    const byKey = Object.fromEntries(cases.map((c) => [`${c.customer} ${c.resource}`, c.eventCount]));
    expect(byKey).toEqual({ 'c-1001 192.0.2.5': 1, 'c-1002 192.0.2.5': 1, 'c-1001 198.51.100.20': 2 });

    const shown = await desk.cases.show(cases.find((c) => c.resource === '198.51.100.20')!.id);
    expect(shown?.events.map((e) => e.occurredAt)).toEqual(['2025-04-03T10:00:00.000Z', '2025-04-04T10:00:00.000Z']);
    expect(shown?.lastSeen).toBe('2025-04-04T10:00:00.000Z');
    await desk.close();
  });

  it('queues events nobody holds as unassigned and keeps failed reports with their error', async () => {
    const desk = await openDesk(db(), { clock: new FakeClock('2025-05-01T12:00:00Z') });
    await desk.inventory.import(inventory);
    const stray = await desk.ingest.submit({ raw: enc(arfReport({ ip: '203.0.113.77', arrival: '2025-04-01T00:00:00Z', domain: null })), channel: 'smtp' });
    // An XARF v4 document that fails its schema: no reporter, an unknown category.
    const invalid = { xarf_version: '4.2.0', report_id: 'r-1', timestamp: 'yesterday', category: 'nonsense', type: 'spam', source_identifier: '192.0.2.5' };
    const broken = await desk.ingest.submit({ raw: enc(JSON.stringify(invalid)), channel: 'api', filename: 'x.json' });
    await desk.worker.runUntilIdle();
    const r = await desk.reports.show(stray.reportId);
    expect(r?.status).toBe('parsed');
    expect(r?.events.map((e) => [e.status, e.ip, e.caseId])).toEqual([['unassigned', '203.0.113.77', null]]);
    const b = await desk.reports.show(broken.reportId);
    expect(b?.status).toBe('failed');
    expect(b?.error).toBeTruthy();
    await desk.close();
  });
  it('takes mail to a case plus-address as a reply in that case, never as a new report', async () => {
    const desk = await openDesk(db(), { clock: new FakeClock('2025-05-01T12:00:00Z') });
    await desk.inventory.import(inventory);
    // A customer's reply quoting our notice, which quotes the ARF report.
    const quoted = arfReport({ ip: '198.51.100.44', arrival: '2025-04-20T10:00:00Z' });
    const reply = await desk.ingest.submit({ raw: enc(quoted), channel: 'smtp', meta: { caseId: 1, plusTags: ['case-1'] } });
    await desk.worker.runUntilIdle();
    const r = await desk.reports.show(reply.reportId);
    expect(r).toMatchObject({ status: 'not-actionable', format: 'case-reply', eventCount: 0 });
    expect(await desk.cases.list({ resource: '198.51.100.44' })).toEqual([]);
    await desk.close();
  });
});
