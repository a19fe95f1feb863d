import { describe, expect, it } from 'vitest';
import { parseReport } from '../src/parsers/index.js';

/**
 * Hostile mail: every case must end in a clear error or a sane result, within a bounded time,
 * and never throw. The time bound is generous for a shared 2-core machine; the point is that
 * nothing is exponential or unbounded.
 */
const enc = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'latin1');
const BOUND_MS = 5000;

async function timed(bytes: Uint8Array) {
  const t = performance.now();
  const r = await parseReport(bytes);
  return { r, ms: performance.now() - t };
}

describe('hostile mail', () => {
  it('refuses deep MIME nesting with a clear error', async () => {
    let body = 'Content-Type: text/plain\n\nspam from 203.0.113.5\n';
    for (let i = 0; i < 400; i++) body = `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n${body}\n--b${i}--\n`;
    const { r, ms } = await timed(enc(`From: a@b.example\nSubject: nest\n${body}`));
    expect(r.events).toEqual([]);
    expect(r.error).toMatch(/nesting deeper than \d+ levels/);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('refuses deeply nested message/rfc822 parts', async () => {
    let msg = 'Subject: inner\n\nspam from 203.0.113.5\n';
    for (let i = 0; i < 200; i++) msg = `From: x@y.example\nContent-Type: message/rfc822\n\n${msg}`;
    const { r, ms } = await timed(enc(msg));
    expect(r.error).toMatch(/nesting/);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('refuses thousands of parts', async () => {
    const parts = Array.from({ length: 5000 }, (_, i) => `--p\nContent-Type: text/plain\n\npart ${i} 203.0.113.${i % 250}\n`).join('');
    const { r, ms } = await timed(enc(`From: a@b.example\nSubject: bomb\nContent-Type: multipart/mixed; boundary="p"\n\n${parts}--p--\n`));
    expect(r.events).toEqual([]);
    expect(r.error).toMatch(/more than \d+ MIME parts/);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('refuses a huge header section', async () => {
    const { r, ms } = await timed(enc(`From: a@b.example\nSubject: ${'A'.repeat(2_000_000)}\n\nbody\n`));
    expect(r.error).toMatch(/header section larger than/);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('refuses an oversized report before parsing it', async () => {
    const big = new Uint8Array(41 * 1024 * 1024).fill(0x61);
    const { r, ms } = await timed(big);
    expect(r.error).toMatch(/exceeds the \d+ MiB limit/);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('tolerates unknown charsets, invalid bytes and UTF-7', async () => {
    const raw = Buffer.concat([
      enc('From: a@b.example\nSubject: =?x-bogus?B?////?= spam\nDate: Wed, 01 May 2024 10:00:00 +0000\nContent-Type: text/plain; charset="x-no-such-charset"\nContent-Transfer-Encoding: quoted-printable\n\nspam from 203.0.113.5 =FF=FE=C3=28 =ZZ broken\n'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]),
    ]);
    const r = await parseReport(raw);
    expect(r.error).toBeNull();
    expect(r.events.some((e) => e.ip === '203.0.113.5')).toBe(true);
    const utf7 = await parseReport(enc('From: a@b.example\nSubject: x\nContent-Type: text/plain; charset=utf-7\n\n+ADw-script+AD4-alert(1)+ADw-/script+AD4- spam from 203.0.113.6\n'));
    expect(JSON.stringify(utf7.events)).not.toContain('<script>');
  });

  it('never carries scripts from HTML bodies into events', async () => {
    const html = `<html><head><script>document.write('203.0.113.66')</script><style>p{}</style></head><body onload="x()"><p>Phishing page at <a href="http://bad.example/login">here</a> on 203.0.113.7</p><!-- 203.0.113.99 --></body></html>`;
    const { r, ms } = await timed(enc(`From: a@b.example\nSubject: phishing\nContent-Type: text/html\n\n${html}\n`));
    expect(ms).toBeLessThan(BOUND_MS);
    const ips = r.events.map((e) => e.ip);
    expect(ips).toContain('203.0.113.7');
    expect(ips).not.toContain('203.0.113.66');
    expect(ips).not.toContain('203.0.113.99');
    expect(r.events.some((e) => e.url === 'http://bad.example/login')).toBe(true);
    expect(JSON.stringify(r.events)).not.toMatch(/<script|onload/);
  });

  it('keeps pathological text linear (long dotted and colon runs, endless URLs)', async () => {
    const text = `${'1.'.repeat(300_000)} ${'a:'.repeat(300_000)} http://${'x.'.repeat(200_000)}example/ ${'a-'.repeat(200_000)}`;
    const { r, ms } = await timed(enc(`From: a@b.example\nSubject: spam\n\n${text}\n`));
    expect(r.error).toBeNull();
    expect(ms).toBeLessThan(BOUND_MS * 2);
  });

  it('survives random bytes and truncated multiparts without throwing', async () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
    const noise = Uint8Array.from({ length: 200_000 }, rnd);
    const a = await parseReport(noise);
    expect(a.events).toEqual([]);
    expect(a.error).toBeTruthy();
    const b = await parseReport(enc('From: a@b.example\nSubject: cut\nContent-Type: multipart/mixed; boundary="q"\n\n--q\nContent-Type: text/plain\n\nspam from 203.0.113.8'));
    expect(b.error).toBeNull();
    expect(b.events.some((e) => e.ip === '203.0.113.8')).toBe(true);
  });
});
