import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { centsToDecimal, CSV_COLUMNS, type InvoiceLineOut, toCsv } from '../../src/billing/invoice-export.js';
import { countListings, priceLines } from '../../src/billing/pricing.js';

const now = new Date('2025-05-01T00:00:00Z');
const listing = (ip: string, list?: string) => ({ ip, domain: null, evidence: list ? { list } : {} });

it('prices blacklisting per distinct listing plus labour hours, in cents', () => {
  const events = [listing('192.0.2.5', 'zen.spamhaus.org'), listing('192.0.2.5', 'zen.spamhaus.org'), listing('192.0.2.5', 'b.barracudacentral.org'), listing('192.0.2.6')];
  expect(countListings(events)).toBe(3);
  const lines = priceLines({
    customerId: 'c-1',
    caseId: 7,
    actionId: 70,
    prices: [
      { kind: 'blacklisting', amount: 150, currency: 'eur', per: 'listing' },
      { kind: 'labour', amount: 62.5, currency: 'EUR', quantity: 1.5 },
    ],
    events,
    now,
    keyPrefix: 'action:70',
  });
  expect(lines.map((l) => [l.kind, l.quantity, l.unitPriceCents, l.amountCents, l.currency])).toEqual([
    ['blacklisting', 3, 15000, 45000, 'EUR'],
    ['labour', 1.5, 6250, 9375, 'EUR'],
  ]);
  expect(lines[0].description).toContain('case #7');
  expect(new Set(lines.map((l) => l.dedupeKey)).size).toBe(2);
  // Pricing the same action again yields the same keys: storing twice stores once.
  expect(priceLines({ customerId: 'c-1', caseId: 7, actionId: 70, prices: [{ kind: 'blacklisting', amount: 150, currency: 'EUR', per: 'listing' }], events, now, keyPrefix: 'action:70' })[0].dedupeKey).toBe(lines[0].dedupeKey);
});

it('gives a recurring resource fee its period', () => {
  const [fee] = priceLines({ customerId: 'c-1', caseId: 8, actionId: null, prices: [{ kind: 'resource-fee', amount: 25, currency: 'EUR', intervalDays: 30 }], events: [], now, keyPrefix: 'offer:8:1' });
  expect(fee.amountCents).toBe(2500);
  expect(fee.periodStart).toBe('2025-05-01T00:00:00.000Z');
  expect(fee.periodEnd).toBe('2025-05-31T00:00:00.000Z');
});

it('refuses a negative or missing price', () => {
  expect(() => priceLines({ customerId: 'c', caseId: 1, actionId: 1, prices: [{ kind: 'penalty', amount: -5, currency: 'EUR' }], events: [], now, keyPrefix: 'k' })).toThrow(/invalid price/);
  expect(() => priceLines({ customerId: 'c', caseId: 1, actionId: 1, prices: [{ kind: 'penalty', amount: Number.NaN, currency: 'EUR' }], events: [], now, keyPrefix: 'k' })).toThrow(/invalid price/);
});

it('exports CSV that a CSV reader gives back unchanged, formulas defused', () => {
  expect(centsToDecimal(9375)).toBe('93.75');
  expect(centsToDecimal(5)).toBe('0.05');
  expect(centsToDecimal(-1250)).toBe('-12.50');
  const line: InvoiceLineOut = {
    id: 1,
    createdAt: '2025-05-01T00:00:00.000Z',
    customer: 'c-1',
    caseId: 7,
    actionId: null,
    kind: 'penalty',
    description: '=HYPERLINK("x"), "quoted", and\nnewline',
    quantity: 1,
    unit: 'case',
    unitPrice: '250.00',
    amount: '250.00',
    amountCents: 25000,
    currency: 'EUR',
    periodStart: null,
    periodEnd: null,
  };
  const rows = parse(toCsv([line]), { columns: true }) as Record<string, string>[];
  expect(Object.keys(rows[0])).toEqual(CSV_COLUMNS);
  expect(rows[0].description).toBe(`'${line.description}`);
  expect(rows[0].amount).toBe('250.00');
  expect(rows[0].actionId).toBe('');
});
