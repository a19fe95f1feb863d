/**
 * Pipeline: ARF files ingested end to end on SQLite — read, stored (hashed, committed), parsed,
 * resolved to the customer, correlated into cases, stored — per second, beside bare MIME parsing
 * (mailparser's simpleParser) of the same files in the same run, so the cost of everything but
 * MIME parsing shows as a ratio. The files are generated: 200 customers' addresses, spam reports
 * spread over them so that cases both open and grow.
 *
 *   npm run bench -- pipeline        (ABUSEDESK_BENCH_ARF_FILES=n to change the count)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { AbuseDesk } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { listFiles, readReports } from '../src/intake/files.js';
import { createLogger } from '../src/logging.js';
import { arfReport } from '../test/support/fixtures.js';

const FILES = Number(process.env.ABUSEDESK_BENCH_ARF_FILES ?? 2000);
const CUSTOMERS = 200;

const dir = mkdtempSync(join(tmpdir(), 'abusedesk-bench-pipeline-'));
try {
  const inbox = join(dir, 'arf');
  mkdirSync(inbox);
  for (let i = 0; i < FILES; i++) {
    const c = i % CUSTOMERS;
    const ip = `10.${c >> 8}.${c & 255}.${1 + (i % 7)}`;
    const arrival = new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
    writeFileSync(join(inbox, `${String(i).padStart(6, '0')}.eml`), arfReport({ ip, arrival, messageId: `<bench-${i}@fbl.example>`, domain: null }));
  }
  const files = listFiles([inbox]);

  // Baseline: read and MIME-parse every file, nothing else.
  let t = performance.now();
  let parts = 0;
  for (const f of files) parts += (await simpleParser(readFileSync(f))).attachments.length + 1;
  const bareRate = files.length / ((performance.now() - t) / 1000);

  const config = loadConfig({ ABUSEDESK_DATA_DIR: join(dir, 'data') });
  const desk = await AbuseDesk.open(config, { log: createLogger('silent') });
  await desk.inventory.import({
    customers: Array.from({ length: CUSTOMERS }, (_, c) => ({ id: `c-${c}`, name: `Customer ${c}`, contacts: [`it@c${c}.example`], plan: 'vps', locale: 'en' })),
    services: Array.from({ length: CUSTOMERS }, (_, c) => ({ id: `s-${c}`, customer: `c-${c}`, kind: 'server', label: `vps ${c}` })),
    ipAssignments: Array.from({ length: CUSTOMERS }, (_, c) => ({ cidr: `10.${c >> 8}.${c & 255}.0/24`, service: `s-${c}`, from: '2024-01-01T00:00:00Z', to: null })),
    domains: [],
  });

  // End to end: what `abusedesk ingest` does — store each file, then let the worker parse, resolve and correlate.
  t = performance.now();
  for (const f of files) for (const r of readReports(f)) await desk.ingest.submit({ raw: r.bytes, channel: 'file', filename: r.filename });
  const stored = performance.now() - t;
  await desk.worker.runUntilIdle();
  const total = performance.now() - t;
  const e2eRate = files.length / (total / 1000);

  const reports = await desk.reports.list({ limit: 1_000_000 });
  const parsed = reports.filter((r) => r.status === 'parsed').length;
  const events = reports.reduce((n, r) => n + r.eventCount, 0);
  const cases = await desk.cases.list({ limit: 1000 });
  await desk.close();
  if (parsed !== files.length) throw new Error(`only ${parsed} of ${files.length} reports parsed`);

  console.log(`${files.length} ARF files, ${CUSTOMERS} customers, SQLite (synchronous=FULL)`);
  console.log(`bare MIME parsing (simpleParser)   ${bareRate.toFixed(0).padStart(6)} files/s   (${parts} MIME parts)`);
  console.log(`end to end                         ${e2eRate.toFixed(0).padStart(6)} files/s   (stored, parsed, resolved, correlated: ${events} events in ${cases.length} cases)`);
  console.log(`  of which storing the raw reports ${(files.length / (stored / 1000)).toFixed(0).padStart(6)} files/s`);
  console.log(`end to end / bare MIME parsing: ${(e2eRate / bareRate).toFixed(2)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
