import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IntakeRepository } from '../../src/storage/repositories/intake.repository.js';
import { describeEachEngine } from '../support/databases.js';
import { finalReply, type IntakeRig, startIntake, swaks } from './support.js';

const tmp = mkdtempSync(join(tmpdir(), 'abusedesk-smtp-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function message(o: { from?: string; subject?: string; body?: string; headers?: string[]; messageId?: string } = {}): string {
  const file = join(tmp, `${Math.random().toString(36).slice(2)}.eml`);
  writeFileSync(
    file,
    [
      `From: Reporter <${o.from ?? 'reporter@example.org'}>`,
      'To: abuse@desk.example',
      `Subject: ${o.subject ?? 'Spam from 192.0.2.44'}`,
      `Message-ID: <${o.messageId ?? `${Math.random().toString(36).slice(2)}@example.org`}>`,
      'Date: Mon, 30 Nov 2026 06:00:00 +0000',
      ...(o.headers ?? []),
      '',
      o.body ?? 'We received spam sent from 192.0.2.44 at 05:55 UTC today.',
      '',
    ].join('\r\n'),
  );
  return file;
}

describeEachEngine('SMTP intake', (db) => {
  let rig: IntakeRig;
  beforeAll(async () => {
    rig = await startIntake(
      db(),
      { ABUSEDESK_ABUSE_ADDRESSES: 'abuse@desk.example, security@desk.example', ABUSEDESK_SMTP_MAX_BYTES: '200000', ABUSEDESK_SMTP_MAX_CONNECTIONS_PER_CLIENT: '3', ABUSEDESK_SMTP_MESSAGES_PER_MINUTE: '20' },
      {},
      { 'example.org': ['v=spf1 ip4:127.0.0.1 -all'], '_dmarc.example.org': ['v=DMARC1; p=reject'] },
    );
  });
  afterAll(() => rig?.stop());

  const send = (to: string, file: string, extra: string[] = []) => swaks(['--server', `127.0.0.1:${rig.smtpPort}`, '--from', 'reporter@example.org', '--to', to, '--data', file, ...extra]);

  it('stores a report sent with swaks before answering 250, with SPF/DMARC and one acknowledgement', async () => {
    const r = await send('abuse@desk.example', message({ messageId: 'first-report@example.org' }));
    expect(finalReply(r.out), r.out).toBe(250);
    const id = Number(/stored as report (\d+)/.exec(r.out)?.[1]);
    // Stored at 250, before any worker ran.
    const stored = await rig.desk.reports.show(id);
    expect(stored?.channel).toBe('smtp');
    expect(stored?.messageId).toBe('first-report@example.org');
    expect(stored?.meta.smtp).toMatchObject({ clientAddress: '127.0.0.1', mailFrom: 'reporter@example.org', rcptTo: ['abuse@desk.example'] });

    await rig.settle();
    const after = await rig.desk.reports.show(id);
    const auth = after?.meta.authentication as { spf: { result: string }; dmarc: { result: string }; error: string | null };
    expect(auth.error).toBeNull();
    expect(auth.spf.result).toBe('pass');
    expect(auth.dmarc.result).toBe('pass');
    expect(rig.dns.queries.some((q) => q === 'TXT example.org')).toBe(true);
    expect(after?.status).toBe('parsed');

    await rig.sink.waitFor(1);
    const ack = rig.sink.messages.find((m) => m.parsed.headers.get('x-abusedesk-report') === String(id));
    expect(ack?.to).toEqual(['reporter@example.org']);
    expect(ack?.parsed.text).toContain(`report ${id}`);
    expect(ack?.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(ack?.parsed.inReplyTo).toBe('<first-report@example.org>');
  });

  it('keeps one report and one acknowledgement when the identical message arrives twice', async () => {
    const file = message({ messageId: 'twice@example.org' });
    const a = await send('abuse@desk.example', file);
    const b = await send('abuse@desk.example', file);
    expect(finalReply(a.out)).toBe(250);
    expect(finalReply(b.out)).toBe(250);
    expect(b.out).toMatch(/seen before/);
    await rig.settle();
    const list = (await rig.desk.reports.list({ limit: 1000 })).filter((r) => r.messageId === 'twice@example.org');
    expect(list).toHaveLength(1);
    const acks = rig.sink.messages.filter((m) => m.parsed.headers.get('x-abusedesk-report') === String(list[0].id));
    expect(acks).toHaveLength(1);
  });

  it('accepts plus-addressed variants and records the tag for threading', async () => {
    const r = await send('abuse+case-12@desk.example', message({ subject: 'Re: [case 12] still spamming' }));
    expect(finalReply(r.out), r.out).toBe(250);
    const id = Number(/stored as report (\d+)/.exec(r.out)?.[1]);
    const stored = await rig.desk.reports.show(id);
    expect(stored?.meta.plusTags).toEqual(['case-12']);
    expect(stored?.meta.caseId).toBe(12);
  });

  it('refuses recipients that are not abuse addresses with 550', async () => {
    const before = (await rig.desk.reports.list({ limit: 1000 })).length;
    const r = await send('sales@desk.example', message());
    expect(finalReply(r.out)).toBe(550);
    expect((await rig.desk.reports.list({ limit: 1000 })).length).toBe(before);
  });

  it('refuses an oversized message with 552 and stores nothing', async () => {
    const before = (await rig.desk.reports.list({ limit: 1000 })).length;
    const r = await send('abuse@desk.example', message({ body: 'x'.repeat(76).concat('\r\n').repeat(4000) }));
    expect(finalReply(r.out)).toBe(552);
    expect((await rig.desk.reports.list({ limit: 1000 })).length).toBe(before);
  });

  it('never acknowledges automatic, bulk or null-sender mail (RFC 3834)', async () => {
    const cases: { file: string; extra?: string[] }[] = [
      { file: message({ headers: ['Auto-Submitted: auto-generated'] }) },
      { file: message({ headers: ['Precedence: bulk'] }) },
      { file: message({ headers: ['List-Id: <reports.lists.example.org>'] }) },
      { file: message({ from: 'no-reply@example.org' }) },
      { file: message(), extra: ['--from', '<>'] },
    ];
    const ids: number[] = [];
    for (const c of cases) {
      const r = await swaks(['--server', `127.0.0.1:${rig.smtpPort}`, '--from', 'reporter@example.org', '--to', 'abuse@desk.example', '--data', c.file, ...(c.extra ?? [])]);
      expect(finalReply(r.out), r.out).toBe(250);
      ids.push(Number(/stored as report (\d+)/.exec(r.out)?.[1]));
    }
    await rig.settle();
    for (const id of ids) {
      const f = await new IntakeRepository(rig.desk.ctx.db).followup(id, 'acknowledge-report');
      expect(f?.state, `report ${id}`).toBe('skipped');
      expect(rig.sink.messages.some((m) => m.parsed.headers.get('x-abusedesk-report') === String(id))).toBe(false);
    }
  });

  it('plans the follow-ups a crash left unplanned when the intake starts again', async () => {
    // Stored with its SMTP facts, then the process died before planning: no follow-up rows.
    const raw = Buffer.from('From: Late Reporter <late@example.org>\r\nSubject: spam from 192.0.2.99\r\nMessage-ID: <late@example.org>\r\n\r\nSpam from 192.0.2.99\r\n');
    const { reportId } = await rig.desk.ingest.submit({ raw, channel: 'smtp', meta: { smtp: { clientAddress: '127.0.0.1', helo: 'mx.example.org', mailFrom: 'late@example.org' } } });
    expect(await new IntakeRepository(rig.desk.ctx.db).followup(reportId, 'acknowledge-report')).toBeUndefined();
    expect(await rig.parts.intake.reconcile()).toBeGreaterThanOrEqual(1);
    expect(await rig.parts.intake.reconcile()).toBe(0);
    await rig.settle();
    expect((await new IntakeRepository(rig.desk.ctx.db).followup(reportId, 'acknowledge-report'))?.state).toBe('done');
    expect(rig.sink.messages.filter((m) => m.parsed.headers.get('x-abusedesk-report') === String(reportId)).map((m) => m.to)).toEqual([['late@example.org']]);
  });

  it('limits connections per client (421) and messages per minute (450)', async () => {
    const net = await import('node:net');
    const open = await Promise.all(
      [0, 1, 2, 3].map(
        () =>
          new Promise<{ sock: import('node:net').Socket; greeting: string }>((resolve) => {
            const sock = net.connect(rig.smtpPort, '127.0.0.1');
            sock.once('data', (d) => resolve({ sock, greeting: d.toString() }));
          }),
      ),
    );
    const greetings = open.map((o) => o.greeting.slice(0, 3)).sort();
    expect(greetings).toEqual(['220', '220', '220', '421']);
    for (const o of open) o.sock.destroy();
    await new Promise((r) => setTimeout(r, 200));

    let deferred = 0;
    for (let i = 0; i < 25 && !deferred; i++) {
      const r = await send('abuse@desk.example', message());
      if (finalReply(r.out) === 450) deferred++;
    }
    expect(deferred).toBe(1);
  });
});

it('offers STARTTLS with the configured certificate and stores mail sent over it', async () => {
  const { openTestDatabase } = await import('../support/databases.js');
  const cert = join(tmp, 'cert.pem');
  const key = join(tmp, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  const db = await openTestDatabase('sqlite');
  const rig = await startIntake(db, { ABUSEDESK_SMTP_TLS_CERT: cert, ABUSEDESK_SMTP_TLS_KEY: key });
  try {
    const r = await swaks(['--server', `127.0.0.1:${rig.smtpPort}`, '--from', 'reporter@example.org', '--to', 'abuse@desk.example', '--data', message(), '-tls']);
    expect(r.out).toMatch(/STARTTLS/);
    expect(finalReply(r.out), r.out).toBe(250);
    const id = Number(/stored as report (\d+)/.exec(r.out)?.[1]);
    expect((await rig.desk.reports.show(id))?.meta.smtp).toMatchObject({ tls: true });
  } finally {
    await rig.stop();
    await db.dispose();
  }
});
