import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IntakeRepository } from '../../src/storage/repositories/intake.repository.js';
import { describeEachEngine } from '../support/databases.js';
import { arfReport } from '../support/fixtures.js';
import { finalReply, type IntakeRig, startIntake, swaks } from './support.js';

const tmp = mkdtempSync(join(tmpdir(), 'abusedesk-ack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

// RFC 3834: a feedback loop, a feed or spam sent straight to abuse@ is automatic mail even when it
// carries no Auto-Submitted header; only its parsed form shows it. Answering it spams the feed's
// robot or, for spam, a forged sender (backscatter). A person's complaint is still answered.
describeEachEngine('acknowledgements of machine-made reports', (db) => {
  let rig: IntakeRig;
  beforeAll(async () => {
    rig = await startIntake(db(), { ABUSEDESK_ABUSE_ADDRESSES: 'abuse@desk.example' });
  });
  afterAll(() => rig?.stop());

  const send = async (path: string) => {
    const r = await swaks(['--server', `127.0.0.1:${rig.smtpPort}`, '--from', 'fbl@mailbox.example', '--to', 'abuse@desk.example', '--data', path]);
    expect(finalReply(r.out), r.out).toBe(250);
    return Number(/stored as report (\d+)/.exec(r.out)?.[1]);
  };

  it('answers a person but not an ARF feedback report', async () => {
    const arf = await send(file('fbl.eml', arfReport({ ip: '192.0.2.5', arrival: '2026-11-29T10:00:00Z', reporter: 'fbl@mailbox.example' })));
    const human = await send(file('person.eml', 'From: Jane <jane@mailbox.example>\r\nTo: abuse@desk.example\r\nSubject: spam from your network\r\nMessage-ID: <jane-1@mailbox.example>\r\n\r\nYour customer at 192.0.2.7 keeps sending us spam, please stop it.\r\n'));
    await rig.settle();
    const repo = new IntakeRepository(rig.desk.ctx.db);
    expect((await rig.desk.reports.show(arf))?.format).toBe('arf');
    expect((await repo.followup(arf, 'acknowledge-report'))?.state).toBe('skipped');
    expect(rig.sink.messages.some((m) => m.parsed.headers.get('x-abusedesk-report') === String(arf))).toBe(false);
    expect((await repo.followup(human, 'acknowledge-report'))?.state).toBe('done');
    expect(rig.sink.messages.filter((m) => m.parsed.headers.get('x-abusedesk-report') === String(human)).map((m) => m.to)).toEqual([['jane@mailbox.example']]);
  });
});
