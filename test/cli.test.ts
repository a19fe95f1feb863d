import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { arfReport, inventory } from './support/fixtures.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const cli = ['--import', 'tsx', join(root, 'src/cli/main.ts')];
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'abusedesk-cli-'));
  env = { ...process.env, ABUSEDESK_DATA_DIR: join(dir, 'data'), ABUSEDESK_LOG_LEVEL: 'warn', ABUSEDESK_DATABASE_URL: '' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each command is a fresh Node process compiling TypeScript on the fly: slow on a loaded two-core machine.
const slow = { timeout: 180_000 };
const abusedesk = (...args: string[]) => run(process.execPath, [...cli, ...args], { env, cwd: root, maxBuffer: 64 * 1024 * 1024 });

it('imports an inventory, ingests reports and lists the case as JSON', slow, async () => {
  writeFileSync(join(dir, 'inventory.json'), JSON.stringify(inventory));
  const imported = await abusedesk('inventory', 'import', join(dir, 'inventory.json'));
  expect(imported.stdout).toMatch(/imported 2 customers, 2 services, 3 IP assignments, 1 domains/);

  const mbox = ['2025-04-01', '2025-04-02'].map((d) => `From feedback@mailbox.example Mon Apr  1 00:00:00 2025\n${arfReport({ ip: '198.51.100.20', arrival: `${d}T10:00:00Z` }).replace(/\r\n/g, '\n')}`).join('\n');
  writeFileSync(join(dir, 'reports.mbox'), mbox);
  writeFileSync(join(dir, 'one.eml'), arfReport({ ip: '198.51.100.20', arrival: '2025-04-01T10:00:00Z' }));
  const ingested = await abusedesk('ingest', join(dir, 'reports.mbox'), join(dir, 'one.eml'));
  const lines = ingested.stdout.trim().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/reports\.mbox#1: report \d+, parsed, arf, 1 events, cases \d+/);

  const listed = JSON.parse((await abusedesk('cases', 'list', '--json')).stdout);
  expect(listed).toEqual([
    { id: expect.any(Number), customer: 'c-1001', category: 'spam', resource: '198.51.100.20', status: expect.any(String), eventCount: 2, firstSeen: '2025-04-01T10:00:00.000Z', lastSeen: '2025-04-02T10:00:00.000Z' },
  ]);
  const shown = JSON.parse((await abusedesk('cases', 'show', String(listed[0].id), '--json')).stdout);
  expect(shown.events).toHaveLength(2);
  expect(shown.actions).toEqual(expect.any(Array));

  const bad = await abusedesk('inventory', 'import', join(dir, 'nope.json')).catch((e) => e);
  expect(bad.code).toBe(1);
});

it('parses without a database, one JSON line per report', slow, async () => {
  writeFileSync(join(dir, 'p.eml'), arfReport({ ip: '192.0.2.5', arrival: '2025-02-10T08:00:00Z' }));
  const { stdout } = await abusedesk('parse', '--json', join(dir, 'p.eml'));
  const out = JSON.parse(stdout.trim());
  expect(out).toMatchObject({ file: join(dir, 'p.eml'), format: 'arf', error: null });
  expect(out.events[0]).toMatchObject({ category: 'spam', ip: '192.0.2.5', occurredAt: '2025-02-10T08:00:00.000Z' });
});

it('parses the paths that exist and names the ones that do not, exiting non-zero', slow, async () => {
  writeFileSync(join(dir, 'q.eml'), arfReport({ ip: '192.0.2.6', arrival: '2025-02-10T08:00:00Z' }));
  const failed = await abusedesk('parse', '--json', join(dir, 'missing.eml'), join(dir, 'q.eml')).catch((e: { code: number; stdout: string; stderr: string }) => e);
  expect('code' in failed && failed.code).toBe(1);
  expect(failed.stderr).toMatch(/missing\.eml: no such file or directory/);
  expect(JSON.parse(failed.stdout.trim()).events[0]).toMatchObject({ ip: '192.0.2.6' });
});

it('serves /healthz on SQLite with nothing else set up', slow, async () => {
  const child = spawn(process.execPath, [...cli, 'serve'], { env: { ...env, ABUSEDESK_HTTP_PORT: '0', ABUSEDESK_SMTP_PORT: '0', ABUSEDESK_DATA_DIR: join(dir, 'served') }, cwd: root });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = err.match(/serving on (http:\/\/[\d.]+:\d+)/);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: 'sqlite' });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/abusedesk_stage_duration_seconds/);
    const openapi = (await (await fetch(`${url}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toContain('/api/v1/cases/{id}');
  } finally {
    child.kill('SIGTERM');
  }
});
