import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listFiles, readReports } from '../../src/intake/files.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const corpus = resolve(process.cwd(), '../shared/corpus/reports');
let dir: string;

const mail = (n: number) => `From: reporter@example.org\nTo: abuse@desk.example\nSubject: Spam from 198.51.100.${n}\nMessage-ID: <maildir-${n}@example.org>\n\nSpam was sent from 198.51.100.${n}.\n`;

const acns = `<?xml version="1.0" encoding="UTF-8"?>
<Infringement xmlns="http://www.acns.net/ACNS">
 <Case><ID>42</ID><Status>Open</Status><Severity>Normal</Severity></Case>
 <Complainant><Entity>Studio</Entity><Contact>Compliance</Contact><Email>copyright@studio.example</Email></Complainant>
 <Source><TimeStamp>2026-11-29T20:35:03Z</TimeStamp><IP_Address>198.51.100.77</IP_Address><Port>35657</Port><Type>BitTorrent</Type></Source>
 <Content><Item><TimeStamp>2026-11-29T20:35:03Z</TimeStamp><Title>A Film</Title><FileName>A.Film.2026.mkv</FileName></Item></Content>
</Infringement>
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'abusedesk-files-'));
  const md = join(dir, 'in', 'Maildir');
  for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(md, d), { recursive: true });
  writeFileSync(join(md, 'new', '1764482400.M1P1.host'), mail(1));
  writeFileSync(join(md, 'cur', '1764482401.M2P1.host:2,S'), mail(2));
  // Still being delivered: never read.
  writeFileSync(join(md, 'tmp', '1764482402.M3P1.host'), mail(3));
  copyFileSync(join(corpus, 'shadowserver/blocklist.csv'), join(dir, 'in', 'blocklist.csv'));
  copyFileSync(join(corpus, 'xarf-v4/content-phishing.json'), join(dir, 'in', 'phishing.json'));
  writeFileSync(join(dir, 'in', 'notice.xml'), acns);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reads a Maildir from cur and new, never tmp', () => {
  const files = listFiles([join(dir, 'in', 'Maildir')]);
  expect(files.map((f) => f.split('/').slice(-2).join('/'))).toEqual(['cur/1764482401.M2P1.host:2,S', 'new/1764482400.M1P1.host']);
  expect(readReports(files[0])).toHaveLength(1);
});

it('ingests Maildir, CSV, XML and JSON reports, and lists them with id, messageId, channel, receivedAt, status and error', { timeout: 60_000 }, async () => {
  const env = { ...process.env, ABUSEDESK_DATA_DIR: join(dir, 'data'), ABUSEDESK_DATABASE_URL: '', ABUSEDESK_LOG_LEVEL: 'warn' };
  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { env, cwd: root, maxBuffer: 32 * 1024 * 1024 });
  const ingested = await cli('ingest', join(dir, 'in'));
  const lines = ingested.stdout.trim().split('\n');
  expect(lines).toHaveLength(5);
  const list = JSON.parse((await cli('reports', 'list', '--json')).stdout) as { id: number; messageId: string | null; channel: string; receivedAt: string; status: string; error: string | null; format: string | null; filename: string | null }[];
  expect(list).toHaveLength(5);
  for (const r of list) expect(Object.keys(r)).toEqual(expect.arrayContaining(['id', 'messageId', 'channel', 'receivedAt', 'status', 'error']));
  const byName = new Map(list.map((r) => [r.filename, r]));
  expect(byName.get('blocklist.csv')).toMatchObject({ channel: 'file', status: 'parsed' });
  expect(byName.get('phishing.json')).toMatchObject({ status: 'parsed', format: 'xarf-v4' });
  expect(byName.get('notice.xml')?.status).toBe('parsed');
  expect(list.filter((r) => r.messageId?.startsWith('maildir-')).map((r) => r.messageId).sort()).toEqual(['maildir-1@example.org', 'maildir-2@example.org']);
  const text = (await cli('reports', 'list')).stdout;
  expect(text).toMatch(/^#\d+\tmaildir-2@example\.org\tfile\t\d{4}-\d\d-\d\dT[\d:.]+Z\tparsed/m);
});
