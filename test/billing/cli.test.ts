import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { InvoiceRepository } from '../../src/storage/repositories/invoice.repository.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';

const run = promisify(execFile);
let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase('sqlite');
  await new InvoiceRepository(db.db).insertLines(
    [
      { customerId: 'c-1', caseId: null, actionId: null, kind: 'blacklisting', description: 'Delisting, "two lists"', quantity: 2, unit: 'listing', unitPriceCents: 15000, amountCents: 30000, currency: 'EUR', periodStart: null, periodEnd: null, dedupeKey: 'a' },
      { customerId: 'c-2', caseId: null, actionId: null, kind: 'labour', description: 'Labour', quantity: 1.5, unit: 'hour', unitPriceCents: 6000, amountCents: 9000, currency: 'EUR', periodStart: null, periodEnd: null, dedupeKey: 'b' },
    ],
    'unsent',
    new Date('2025-01-02T00:00:00Z'),
  );
  // The CLI opens the file itself: let go of it first.
  await db.close();
});
afterAll(() => db.dispose().catch(() => {}));

async function cli(...args: string[]) {
  if (db.config.kind !== 'sqlite') throw new Error('sqlite only');
  return run('npx', ['tsx', 'src/cli/main.ts', 'invoices', 'export', ...args], { env: { ...process.env, ABUSEDESK_DATABASE_URL: '', ABUSEDESK_DATA_DIR: dirname(db.config.file), ABUSEDESK_LOG_LEVEL: 'silent' } }).catch((e: { stdout: string; stderr: string; code: number }) => e);
}

it('abusedesk invoices export: CSV by default, JSON on request, filtered by customer; a wrong format is refused', async () => {
  const csv = await cli();
  const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
  expect(rows.map((r) => [r.customer, r.kind, r.quantity, r.amount, r.description])).toEqual([
    ['c-1', 'blacklisting', '2', '300.00', 'Delisting, "two lists"'],
    ['c-2', 'labour', '1.5', '90.00', 'Labour'],
  ]);
  const json = JSON.parse((await cli('--format', 'json', '--customer', 'c-2', '--since', '2025-01-01')).stdout) as { customer: string; amountCents: number }[];
  expect(json).toEqual([expect.objectContaining({ customer: 'c-2', amountCents: 9000 })]);
  const bad = (await cli('--format', 'xml')) as { code?: number; stderr: string };
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/--format must be csv or json/);
}, 120_000);
