import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapPoller } from '../../src/intake/imap.poller.js';
import { createLogger } from '../../src/logging.js';
import { type TestDatabase, openTestDatabase } from '../support/databases.js';
import { DOVECOT, Dovecot } from './dovecot.js';
import { type IntakeRig, startIntake } from './support.js';

if (!DOVECOT) console.warn('\n*** dovecot is not installed (Debian package dovecot-imapd): the IMAP poller tests are SKIPPED ***\n');

const mail = (n: string, extra = '') => `From: Reporter ${n} <reporter${n}@example.org>\r\nTo: abuse@desk.example\r\nSubject: Spam from 198.51.100.${n}\r\nMessage-ID: <imap-${n}@example.org>\r\nDate: Mon, 30 Nov 2026 06:00:00 +0000\r\n${extra}\r\nSpam was sent from 198.51.100.${n} this morning.\r\n`;

async function mailbox(server: Dovecot, fn: (c: ImapFlow) => Promise<void>): Promise<void> {
  const c = new ImapFlow({ host: '127.0.0.1', port: server.port, secure: false, auth: { user: 'abuse', pass: 'secret' }, logger: false });
  await c.connect();
  try {
    await fn(c);
  } finally {
    await c.logout();
  }
}

async function uidsIn(server: Dovecot, folder: string): Promise<{ uid: number; seen: boolean }[]> {
  const out: { uid: number; seen: boolean }[] = [];
  await mailbox(server, async (c) => {
    const lock = await c.getMailboxLock(folder);
    try {
      if ((c.mailbox && c.mailbox.exists) === 0) return;
      for await (const m of c.fetch('1:*', { uid: true, flags: true })) out.push({ uid: m.uid, seen: !!m.flags?.has('\\Seen') });
    } finally {
      lock.release();
    }
  });
  return out;
}

describe.skipIf(!DOVECOT)('IMAP poller against a real Dovecot', () => {
  let server: Dovecot;
  let db: TestDatabase;
  let rig: IntakeRig;
  const poller = (url: string, processedFolder = 'Processed') =>
    new ImapPoller(rig.parts.intake, rig.desk.ctx.db, rig.desk.ctx.clock, createLogger('silent'), { url, pollMs: 50, processedFolder, maxBytes: 1_000_000 });

  beforeAll(async () => {
    server = await new Dovecot().start();
    db = await openTestDatabase('sqlite');
    rig = await startIntake(db, {}, { smtp: false });
  });
  afterAll(async () => {
    await rig?.stop();
    await db?.dispose();
    await server?.stop();
  });

  it('stores every message, then flags and moves it; a restarted poller fetches nothing again', async () => {
    await mailbox(server, async (c) => {
      for (const n of ['1', '2', '3']) await c.append('INBOX', mail(n));
    });
    const first = await poller(server.url()).pollOnce();
    expect(first).toEqual({ fetched: 3, stored: 3, duplicates: 0, skipped: 0 });
    const reports = (await rig.desk.reports.list()).filter((r) => r.channel === 'imap');
    expect(reports.map((r) => r.messageId).sort()).toEqual(['imap-1@example.org', 'imap-2@example.org', 'imap-3@example.org']);
    expect(await uidsIn(server, 'INBOX')).toEqual([]);
    const processed = await uidsIn(server, 'Processed');
    expect(processed).toHaveLength(3);
    expect(processed.every((m) => m.seen)).toBe(true);

    // A new poller (a restart) reads the position from the database.
    expect(await poller(server.url()).pollOnce()).toEqual({ fetched: 0, stored: 0, duplicates: 0, skipped: 0 });
    await rig.settle();
    const acked = rig.sink.messages.map((m) => m.to[0]).sort();
    expect(acked).toEqual(['reporter1@example.org', 'reporter2@example.org', 'reporter3@example.org']);
  });

  it('after a crash between storing and moving, the message is fetched again but stored once', async () => {
    await mailbox(server, async (c) => {
      await c.append('INBOX', mail('4'));
      await c.append('INBOX', mail('5'));
    });
    // As if the previous run stored message 4 and died before flagging it.
    await rig.parts.intake.receive({ raw: Buffer.from(mail('4')), channel: 'imap' });
    const o = await poller(server.url()).pollOnce();
    expect(o).toEqual({ fetched: 2, stored: 1, duplicates: 1, skipped: 0 });
    const ids = (await rig.desk.reports.list()).filter((r) => r.messageId === 'imap-4@example.org');
    expect(ids).toHaveLength(1);
    expect(await uidsIn(server, 'INBOX')).toEqual([]);
  });

  it('without a Processed folder, flags Seen and keeps its place by UID', async () => {
    await mailbox(server, async (c) => {
      await c.append('INBOX', mail('6'));
    });
    const p = poller(server.url(), 'NoSuchFolder');
    expect((await p.pollOnce()).stored).toBe(1);
    const left = await uidsIn(server, 'INBOX');
    expect(left).toHaveLength(1);
    expect(left[0].seen).toBe(true);
    expect((await poller(server.url(), 'NoSuchFolder').pollOnce()).fetched).toBe(0);
  });

  it('runs as a component of serve when ABUSEDESK_IMAP_URL is set', async () => {
    const db2 = await openTestDatabase('sqlite');
    const rig2 = await startIntake(db2, { ABUSEDESK_IMAP_URL: server.url() }, { smtp: false, imap: { pollMs: 100 } });
    try {
      expect(rig2.parts.imap).not.toBeNull();
      await mailbox(server, async (c) => {
        await c.append('INBOX', mail('7'));
      });
      let found = false;
      for (let i = 0; i < 100 && !found; i++) {
        await new Promise((r) => setTimeout(r, 100));
        found = (await rig2.desk.reports.list()).some((r) => r.messageId === 'imap-7@example.org');
      }
      expect(found).toBe(true);
    } finally {
      await rig2.stop();
      await db2.dispose();
    }
  });
});
