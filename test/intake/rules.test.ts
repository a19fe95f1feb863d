import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { describe, expect, it } from 'vitest';
import { caseIdOfTag, matchRecipient } from '../../src/intake/addresses.js';
import { ackDecision } from '../../src/intake/auto-reply.js';
import { ClientLimits } from '../../src/intake/client-limits.js';
import { authenticateMessage } from '../../src/intake/mail-auth.js';
import { fakeDns } from './support.js';

describe('recipients', () => {
  const allowed = ['abuse@desk.example'];
  it('accepts the abuse address and its plus-addressed variants, case-insensitively', () => {
    expect(matchRecipient('Abuse@Desk.example', allowed)).toEqual({ accepted: true, base: 'abuse@desk.example', tag: null });
    expect(matchRecipient('abuse+case-12@desk.example', allowed)).toEqual({ accepted: true, base: 'abuse@desk.example', tag: 'case-12' });
    expect(matchRecipient('abusex@desk.example', allowed).accepted).toBe(false);
    expect(matchRecipient('abuse@other.example', allowed).accepted).toBe(false);
    expect(matchRecipient('anyone@anywhere.example', null).accepted).toBe(true);
  });
  it('reads the case a tag names', () => {
    expect(caseIdOfTag('case-12')).toBe(12);
    expect(caseIdOfTag('case12')).toBe(12);
    expect(caseIdOfTag('c7')).toBe(7);
    expect(caseIdOfTag('newsletter')).toBeNull();
    expect(caseIdOfTag(null)).toBeNull();
  });
});

describe('acknowledgement rules (RFC 3834)', () => {
  const mail = (headers: string[]) => Buffer.from([...headers, '', 'body', ''].join('\r\n'));
  it('answers a person, at Reply-To before From', () => {
    expect(ackDecision(mail(['From: Ann <ann@example.org>']))).toEqual({ to: 'ann@example.org' });
    expect(ackDecision(mail(['From: Ann <ann@example.org>', 'Reply-To: desk@example.org']))).toEqual({ to: 'desk@example.org' });
    expect(ackDecision(mail(['From: x@y.example', 'Auto-Submitted: no']))).toEqual({ to: 'x@y.example' });
  });
  it.each([
    ['Auto-Submitted', ['From: a@b.example', 'Auto-Submitted: auto-replied']],
    ['Precedence junk', ['From: a@b.example', 'Precedence: junk']],
    ['List-Unsubscribe', ['From: a@b.example', 'List-Unsubscribe: <mailto:u@b.example>']],
    ['noreply', ['From: noreply@b.example']],
    ['mailer-daemon', ['From: MAILER-DAEMON@b.example']],
    ['null Return-Path', ['Return-Path: <>', 'From: a@b.example']],
    ['own address', ['From: abuse@desk.example']],
    ['no address', ['Subject: hello']],
  ])('never answers %s', (_name, headers) => {
    expect(ackDecision(mail(headers), { ownAddresses: ['abuse@desk.example'] })).toHaveProperty('skip');
  });
  it('never answers a null envelope sender, and prefers a contact given outside the headers', () => {
    expect(ackDecision(mail(['From: a@b.example']), { envelopeSender: '' })).toHaveProperty('skip');
    expect(ackDecision(null, { contact: 'jane@reporter.example' })).toEqual({ to: 'jane@reporter.example' });
  });
});

describe('per-client limits', () => {
  it('caps connections per client and refills the message bucket over time', () => {
    let now = 0;
    const l = new ClientLimits(2, 3, () => now);
    expect([l.connect('a'), l.connect('a'), l.connect('a'), l.connect('b')]).toEqual([true, true, false, true]);
    l.disconnect('a');
    expect(l.connect('a')).toBe(true);
    expect([l.takeMessage('a'), l.takeMessage('a'), l.takeMessage('a'), l.takeMessage('a')]).toEqual([true, true, true, false]);
    now += 20_000; // a third of a minute: one message back
    expect([l.takeMessage('a'), l.takeMessage('a')]).toEqual([true, false]);
  });
});

describe('SPF, DKIM and DMARC', () => {
  it('verifies a DKIM signature and DMARC alignment against the (fake) DNS', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const message = Buffer.from('From: Ann <ann@example.org>\r\nTo: abuse@desk.example\r\nSubject: spam from 192.0.2.1\r\nDate: Mon, 30 Nov 2026 06:00:00 +0000\r\nMessage-ID: <dkim@example.org>\r\n\r\nSpam from 192.0.2.1\r\n');
    const signed = await dkimSign(message, { signatureData: [{ signingDomain: 'example.org', selector: 's1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }] } as Parameters<typeof dkimSign>[1]);
    const raw = Buffer.concat([Buffer.from(signed.signatures), message]);
    const pub = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');
    const dns = fakeDns({ 's1._domainkey.example.org': [`v=DKIM1; k=rsa; p=${pub}`], '_dmarc.example.org': ['v=DMARC1; p=reject'] });
    const r = await authenticateMessage(raw, { clientAddress: '192.0.2.200', helo: 'mx.example.org', mailFrom: 'ann@example.org' }, { resolver: dns, mta: 'desk.example' });
    expect(r.error).toBeNull();
    expect(r.dkim).toEqual([expect.objectContaining({ result: 'pass', domain: 'example.org', selector: 's1' })]);
    expect(r.spf?.result).toBe('none');
    expect(r.dmarc?.result).toBe('pass');
    expect(r.header).toMatch(/dkim=pass/);

    const tampered = Buffer.from(raw.toString().replace('Spam from 192.0.2.1\r\n', 'Spam from 192.0.2.2\r\n'));
    const t = await authenticateMessage(tampered, { clientAddress: '192.0.2.200', helo: 'mx.example.org', mailFrom: 'ann@example.org' }, { resolver: dns, mta: 'desk.example' });
    // mailauth calls a body-hash mismatch 'neutral': anything but pass, and DMARC fails.
    expect(t.dkim[0].result).not.toBe('pass');
    expect(t.dmarc?.result).toBe('fail');
  });

  it('gives up within its time bound when DNS never answers', async () => {
    const silent = () => new Promise<never>(() => {});
    const t0 = performance.now();
    const r = await authenticateMessage(Buffer.from('From: a@example.org\r\n\r\nx\r\n'), { clientAddress: '192.0.2.1', helo: 'x', mailFrom: 'a@example.org' }, { resolver: silent, mta: 'desk.example', timeoutMs: 300 });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.error).toMatch(/timed out/);
  });
});
