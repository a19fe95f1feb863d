import { expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock.js';
import { buildReportMessage } from '../../src/intake/report-document.js';
import { describeEachEngine } from '../support/databases.js';
import { openDesk } from '../support/desk.js';
import { inventory } from '../support/fixtures.js';

// A form or API report that names a website and the address it is served from is about one
// thing. Split into an IP event and a URL event, the URL event went unassigned whenever the site's
// domain is not in our inventory (a customer's own domain on a server of ours), and the case was
// keyed by the IP rather than by the site, as web content cases are.
describeEachEngine('a reported website and its IP address', (db) => {
  it('is one event, resolved by the IP and kept in a case keyed by the site', async () => {
    const desk = await openDesk(db(), { clock: new FakeClock('2025-05-01T12:00:00Z') });
    await desk.inventory.import(inventory);
    const report = (path: string) =>
      buildReportMessage(
        { reporterEmail: 'jane@reporter.example', url: `https://login.bank-secure.example/${path}`, ip: '198.51.100.20', category: 'phishing', description: 'phishing kit', occurredAt: '2025-04-01T10:00:00Z' },
        { channel: 'api', now: new Date('2025-05-01T12:00:00Z'), to: 'abuse@desk.example' },
      );
    for (const path of ['a', 'b']) await desk.ingest.submit({ raw: (await report(path)).raw, channel: 'api' });
    await desk.worker.runUntilIdle();

    const cases = await desk.cases.list();
    expect(cases.map((c) => `${c.customer} ${c.category} ${c.resource} ${c.eventCount}`)).toEqual(['c-1001 phishing login.bank-secure.example 2']);
    const shown = await desk.cases.show(cases[0].id);
    expect(shown?.events.map((e) => [e.ip, e.url])).toEqual([
      ['198.51.100.20', 'https://login.bank-secure.example/a'],
      ['198.51.100.20', 'https://login.bank-secure.example/b'],
    ]);
    await desk.close();
  });
});
