/**
 * SMTP intake: messages per second accepted AND durably stored (committed before the 250) with
 * 20 concurrent real SMTP clients on loopback, and the latency from the end of DATA to the 250
 * (p50, p99). Beside it, the same clients against a bare smtp-server that discards each message,
 * in the same run: the ratio is what storing durably costs. Clients and server share this process
 * (and the machine's two cores), as a sending MTA on the same host would.
 *
 *   npm run bench -- smtp          (ABUSEDESK_BENCH_SMTP_MESSAGES=n to change the count)
 *
 * With ABUSEDESK_TEST_DATABASE_URL set (a PostgreSQL server), the intake is measured on a
 * temporary PostgreSQL database too, where concurrent sessions commit in parallel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { AbuseDesk } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { intakeExtension } from '../src/intake/intake.extension.js';
import { createLogger } from '../src/logging.js';
import { SmtpClient } from '../test/intake/smtp-client.js';
import { arfReport } from '../test/support/fixtures.js';

const CLIENTS = 20;
const MESSAGES = Number(process.env.ABUSEDESK_BENCH_SMTP_MESSAGES ?? 3000);

function messages(prefix: string): string[] {
  return Array.from({ length: MESSAGES }, (_, i) =>
    arfReport({ ip: `198.51.100.${i % 250}`, arrival: new Date(Date.UTC(2026, 10, 29, 0, 0, i)).toISOString(), messageId: `<${prefix}-${i}@bench.example>` }),
  );
}

async function load(port: number, batch: string[]): Promise<{ seconds: number; latencies: number[]; refused: number }> {
  const latencies: number[] = [];
  let refused = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      const { client } = await SmtpClient.connect(port);
      await client.command(`EHLO bench${c}.example`);
      while (next < batch.length) {
        const raw = batch[next++];
        const r = await client.send('fbl@mailbox.example', 'abuse@desk.example', raw);
        if (r.dataEnd.code === 250) latencies.push(r.latencyMs);
        else refused++;
      }
      await client.quit();
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, latencies: latencies.sort((a, b) => a - b), refused };
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

function report(name: string, r: { seconds: number; latencies: number[]; refused: number }) {
  const rate = r.latencies.length / r.seconds;
  console.log(
    `${name.padEnd(34)} ${rate.toFixed(0).padStart(6)} msg/s   DATA-end -> 250 p50 ${pct(r.latencies, 50).toFixed(2)} ms  p99 ${pct(r.latencies, 99).toFixed(2)} ms${r.refused ? `  (${r.refused} refused)` : ''}`,
  );
  return rate;
}

async function baseline(): Promise<number> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _s, cb) {
      stream.on('data', () => {});
      stream.on('end', () => cb());
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  await load(port, messages('warm-bare').slice(0, 300));
  const rate = report('bare smtp-server (discards)', await load(port, messages('bare')));
  await new Promise<void>((r) => server.close(() => r()));
  return rate;
}

async function intake(databaseUrl?: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'abusedesk-bench-smtp-'));
  try {
    const config = loadConfig({
      ABUSEDESK_DATA_DIR: dir,
      ...(databaseUrl ? { ABUSEDESK_DATABASE_URL: databaseUrl } : {}),
      ABUSEDESK_SMTP_PORT: '0',
      ABUSEDESK_SMTP_MESSAGES_PER_MINUTE: '100000000',
      ABUSEDESK_SMTP_MAX_CONNECTIONS_PER_CLIENT: '1000',
      ABUSEDESK_MAIL_FROM: 'abuse@desk.example',
    });
    const desk = await AbuseDesk.open(config, { log: createLogger('silent') });
    // No worker: this measures intake (store + queue), not parsing; DNS never consulted.
    const parts = await intakeExtension(desk, { imap: false, resolver: async () => [] });
    await parts.smtp!.start();
    await load(parts.smtp!.port, messages('warm-intake').slice(0, 300));
    const rate = report(`AbuseDesk SMTP intake (${desk.database.dialect})`, await load(parts.smtp!.port, messages('intake')));
    await parts.smtp!.stop();
    await desk.close();
    return rate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`${CLIENTS} concurrent SMTP clients on loopback, ${MESSAGES} ARF messages of ~1.3 KB each`);
const bare = await baseline();
const ours = await intake();
console.log(`durably stored / bare discard: ${(ours / bare).toFixed(2)}x (each 250 waits for a committed, fsynced SQLite transaction)`);

const pgUrl = process.env.ABUSEDESK_TEST_DATABASE_URL;
if (pgUrl) {
  const name = `abusedesk_bench_smtp_${process.pid}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    const onPg = await intake(url.toString());
    console.log(`durably stored on PostgreSQL / bare discard: ${(onPg / bare).toFixed(2)}x`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
