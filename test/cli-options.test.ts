import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'abusedesk-cli-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, ABUSEDESK_DATA_DIR: join(dir, 'data'), ABUSEDESK_LOG_LEVEL: 'warn', ABUSEDESK_DATABASE_URL: '' };
const abusedesk = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { env, cwd: root }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

// A typo in a list filter is named, never answered with a database error or an empty list.
it('refuses a bad --limit, --category or --status with the option named', { timeout: 180_000 }, async () => {
  const [limit, category, status, good] = await Promise.all([
    abusedesk('cases', 'list', '--json', '--limit', 'abc'),
    abusedesk('cases', 'list', '--json', '--category', 'nonsense'),
    abusedesk('reports', 'list', '--json', '--status', 'bogus'),
    abusedesk('cases', 'list', '--json', '--category', 'port-scan', '--limit', '5'),
  ]);
  expect(limit.code).not.toBe(0);
  expect(limit.stderr).toMatch(/--limit.*whole number/);
  expect(category.code).not.toBe(0);
  expect(category.stderr).toMatch(/--category.*resource-abuse/);
  expect(status.code).not.toBe(0);
  expect(status.stderr).toMatch(/--status.*not-actionable/);
  expect(good.code, good.stderr).toBe(0);
  expect(JSON.parse(good.stdout)).toEqual([]);
});
