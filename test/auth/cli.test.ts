import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'abusedesk-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { out: string; err: string; code: number } {
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, ABUSEDESK_DATA_DIR: dir, ABUSEDESK_DATABASE_URL: '', ABUSEDESK_LOG_LEVEL: 'silent' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { out, err: '', code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; status: number };
    return { out: err.stdout, err: err.stderr, code: err.status };
  }
}

it('adds users and creates tokens from the command line', { timeout: 180_000 }, () => {
  const added = cli('users', 'add', '--email', 'Ann@Example.net', '--role', 'supervisor', '--password', 'a long password', '--json');
  expect(added.code).toBe(0);
  expect(JSON.parse(added.out)).toMatchObject({ email: 'ann@example.net', role: 'supervisor' });
  const generated = cli('users', 'add', '--email', 'bob@example.net', '--role', 'analyst');
  expect(generated.out).toMatch(/one-time password: \S{10,}/);
  const bad = cli('users', 'add', '--email', 'c@example.net', '--role', 'customer', '--customer', 'c-404');
  expect(bad.code).toBe(1);
  expect(bad.err).toMatch(/no customer "c-404"/);
  const token = cli('tokens', 'create', '--role', 'analyst', '--name', 'siem');
  expect(token.code).toBe(0);
  expect(token.out.trim()).toMatch(/^adk_[A-Za-z0-9_-]{40,}$/);
  const list = JSON.parse(cli('tokens', 'list', '--json').out);
  expect(list).toEqual([expect.objectContaining({ name: 'siem', role: 'analyst', revokedAt: null })]);
  expect(JSON.stringify(list)).not.toContain(token.out.trim());
});
