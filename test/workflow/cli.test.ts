import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inventoryFor, report } from './harness.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const cli = ['--import', 'tsx', join(root, 'src/cli/main.ts')];
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'abusedesk-wfcli-'));
  env = { ...process.env, ABUSEDESK_DATA_DIR: join(dir, 'data'), ABUSEDESK_LOG_LEVEL: 'error', ABUSEDESK_DATABASE_URL: '' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const abusedesk = (...args: string[]) =>
  run(process.execPath, [...cli, ...args], { env, cwd: root, maxBuffer: 16 * 1024 * 1024 }).catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

it('validates a policy file and names file, line and field of each problem', { timeout: 60_000 }, async () => {
  const good = await abusedesk('policy', 'validate', join(root, 'policies/default-policy.yaml'));
  expect(good.stdout).toMatch(/valid, ossc-default@2026\.11\.1, .* 20 categories/);
  const text = readFileSync(join(root, 'policies/default-policy.yaml'), 'utf8').split('\n');
  const line = text.findIndex((l) => l.includes('deadline: P5D')) + 1;
  text[line - 1] = text[line - 1].replace('P5D', 'five days');
  const bad = join(dir, 'bad-policy.yaml');
  writeFileSync(bad, text.join('\n'));
  const r = (await abusedesk('policy', 'validate', bad)) as { code?: number; stderr: string };
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${bad}:${line}:9: categories.trademark.ladder.0.deadline: must be an ISO-8601 duration`);
});

it('shows a case with its policy version and actions, and audit verify names a changed entry and fails', { timeout: 120_000 }, async () => {
  writeFileSync(join(dir, 'inventory.json'), JSON.stringify(inventoryFor()));
  await abusedesk('inventory', 'import', join(dir, 'inventory.json'));
  writeFileSync(join(dir, 'report.json'), report('malware', new Date('2026-03-01T10:00:00Z')));
  const ingested = await abusedesk('ingest', join(dir, 'report.json'));
  const caseId = Number(/cases (\d+)/.exec(ingested.stdout)?.[1]);
  expect(caseId).toBeGreaterThan(0);
  const shown = JSON.parse((await abusedesk('cases', 'show', String(caseId), '--json')).stdout);
  expect(shown.policyVersion).toBe('ossc-default@2026.11.1');
  expect(shown.actions.map((a: { kind: string }) => a.kind)).toEqual(['remove-content', 'notify-customer']);
  for (const a of shown.actions) expect(Object.keys(a)).toEqual(expect.arrayContaining(['id', 'kind', 'status', 'scope', 'dueAt', 'approvedBy']));
  expect(shown.actions[0]).toMatchObject({ scope: 'content', approvedBy: 'policy' });

  const clean = await abusedesk('audit', 'verify');
  expect(clean.stdout).toMatch(/audit log intact: \d+ entries/);

  const sqlite = new BetterSqlite3(join(dir, 'data', 'abusedesk.sqlite'));
  const row = sqlite.prepare("select id from audit_log where entity = 'action' order by id limit 1").get() as { id: number };
  sqlite.prepare("update audit_log set actor = 'mallory' where id = ?").run(row.id);
  sqlite.close();
  const broken = (await abusedesk('audit', 'verify')) as { code?: number; stdout: string };
  expect(broken.code).toBe(1);
  expect(broken.stdout).toContain(`audit entry ${row.id} (action`);
  expect(broken.stdout).toMatch(/audit log BROKEN/);
});
