import { zipSync } from 'fflate';
import { expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock.js';
import { describeEachEngine } from '../support/databases.js';
import { openDesk } from '../support/desk.js';
import { arfReport, inventory } from '../support/fixtures.js';

// The parsers have their own hostile-input tests; this one proves the promise through the whole
// pipeline: each hostile report is stored, fails with a clear error in bounded time, and the
// report that follows it is processed as usual.
const BOUND_MS = 15_000;
const enc = (s: string) => Buffer.from(s);

function deepMime(): Buffer {
  let body = 'Content-Type: text/plain\n\nspam from 192.0.2.5\n';
  for (let i = 0; i < 400; i++) body = `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n${body}\n--b${i}--\n`;
  return enc(`From: a@b.example\nSubject: nest\n${body}`);
}
function manyParts(): Buffer {
  const parts = Array.from({ length: 5000 }, (_, i) => `--p\nContent-Type: text/plain\n\npart ${i} 192.0.2.${i % 14}\n`).join('');
  return enc(`From: a@b.example\nSubject: parts\nContent-Type: multipart/mixed; boundary="p"\n\n${parts}--p--\n`);
}
function billionLaughs(): Buffer {
  let dtd = '<!ENTITY lol0 "lol">';
  for (let i = 1; i < 10; i++) dtd += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
  return enc(`<?xml version="1.0"?><!DOCTYPE lolz [${dtd}]><IODEF-Document><Incident><Description>&lol9;</Description></Incident></IODEF-Document>`);
}
const xxe = () =>
  enc(`<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Infringement xmlns="http://www.acns.net/ACNS"><Complainant><Entity>&xxe;</Entity></Complainant><Source><IP_Address>192.0.2.1</IP_Address></Source></Infringement>`);
const zipBomb = () => Buffer.from(zipSync({ 'bomb.csv': new Uint8Array(40 * 1024 * 1024) }, { level: 9 }));
const absurdRow = () => enc(`timestamp,ip,port,tag\n2024-01-01 00:00:00,192.0.2.1,23,"${'A'.repeat(400_000)}"\n`);

const HOSTILE: Array<[string, () => Buffer, string | undefined, RegExp]> = [
  ['deep MIME nesting', deepMime, undefined, /nesting/],
  ['thousands of MIME parts', manyParts, undefined, /MIME parts/],
  ['billion laughs', billionLaughs, 'incident.xml', /ENTITY|DTD/],
  ['XXE', xxe, 'notice.xml', /ENTITY|DTD/],
  ['zip bomb', zipBomb, 'report.csv.zip', /zip bomb/],
  ['absurd CSV row', absurdRow, 'scan.csv', /larger than/],
];

describeEachEngine('hostile reports through the pipeline', (db) => {
  it.each(HOSTILE)('%s: stored with a clear error in bounded time, the next report processed as usual', async (_name, make, filename, error) => {
    const desk = await openDesk(db(), { clock: new FakeClock('2025-05-01T12:00:00Z') });
    await desk.inventory.import(inventory);
    const t = performance.now();
    const bad = await desk.ingest.submit({ raw: make(), channel: 'api', filename });
    const good = await desk.ingest.submit({ raw: enc(arfReport({ ip: '198.51.100.20', arrival: '2025-04-03T10:00:00Z' })), channel: 'smtp' });
    await desk.worker.runUntilIdle();
    expect(performance.now() - t).toBeLessThan(BOUND_MS);

    const stored = await desk.reports.show(bad.reportId);
    expect(stored?.status).toBe('failed');
    expect(stored?.error).toMatch(error);
    expect(stored?.eventCount ?? 0).toBe(0);

    expect((await desk.reports.show(good.reportId))?.status).toBe('parsed');
    const cases = await desk.cases.list();
    expect(cases.map((c) => `${c.customer} ${c.category} ${c.resource}`)).toEqual(['c-1001 spam 198.51.100.20']);
    await desk.close();
  }, 60_000);
});
