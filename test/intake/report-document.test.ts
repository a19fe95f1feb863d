import { expect, it } from 'vitest';
import { CATEGORIES } from '../../src/domain/categories.js';
import { buildReportMessage } from '../../src/intake/report-document.js';
import { parseReport } from '../../src/parsers/index.js';

/**
 * The form and the JSON API store a generated RFC 822 message; the parsers must read back the
 * reporter's category and every resource. If a parser change breaks this, this test says which.
 */
const roundTrip = CATEGORIES.filter((c) => c !== 'objectionable-content' && c !== 'unclassified');

it.each(roundTrip)('a %s report from the form parses back to its category and resources', async (category) => {
  const { raw } = await buildReportMessage(
    { reporterName: 'Jane <Doe>', reporterEmail: 'jane@reporter.example', ip: '192.0.2.5', domain: 'shop.dupont.example', url: 'http://bad.dupont.example/login', email: 'sender@mailer.dupont.example', category, description: 'See the attached files.', occurredAt: '2026-11-29T10:00:00Z' },
    { channel: 'form', now: new Date('2026-11-30T06:00:00Z'), to: 'abuse@desk.example' },
  );
  const r = await parseReport(raw, { receivedAt: '2026-11-30T06:00:00Z' });
  expect(r.error).toBeNull();
  expect(new Set(r.events.map((e) => e.category))).toEqual(new Set([category]));
  expect(r.events.some((e) => e.ip === '192.0.2.5')).toBe(true);
  expect(r.events.some((e) => e.url === 'http://bad.dupont.example/login')).toBe(true);
  expect(r.events.some((e) => e.domain === 'shop.dupont.example')).toBe(true);
  expect(r.events.some((e) => e.domain === 'mailer.dupont.example' || e.email === 'sender@mailer.dupont.example')).toBe(true);
  expect(r.events.every((e) => e.occurredAt.startsWith('2026-11-29T10:00:00'))).toBe(true);
});

it('without a category, the description is read like any human complaint', async () => {
  const { raw } = await buildReportMessage({ reporterEmail: 'jane@reporter.example', url: 'http://bad.dupont.example/login', description: 'This is a phishing page imitating my bank.' }, { channel: 'api', now: new Date(), to: 'abuse@desk.example' });
  const r = await parseReport(raw);
  expect(r.events.some((e) => e.url === 'http://bad.dupont.example/login')).toBe(true);
});
