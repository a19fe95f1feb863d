import { spawn } from 'node:child_process';
import type { AbuseDesk } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createMailer } from '../../src/connectors/mailer.js';
import { type IntakeExtensionOptions, type IntakeParts, intakeExtension } from '../../src/intake/intake.extension.js';
import type { DnsResolver } from '../../src/intake/mail-auth.js';
import { openDesk } from '../support/desk.js';
import type { TestDatabase } from '../support/databases.js';
import { SmtpSink } from '../support/smtp-sink.js';

/**
 * A DNS that never leaves the process: TXT records from a table, NXDOMAIN for everything else,
 * so SPF/DKIM/DMARC run for real without touching the network.
 */
export function fakeDns(txt: Record<string, string[]> = {}): DnsResolver & { queries: string[] } {
  const queries: string[] = [];
  const fn = async (name: string, rrtype: string) => {
    queries.push(`${rrtype} ${name}`);
    const key = name.toLowerCase().replace(/\.$/, '');
    if (rrtype === 'TXT' && txt[key]) return txt[key].map((r) => [r]);
    throw Object.assign(new Error(`query${rrtype} ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
  return Object.assign(fn, { queries });
}

export interface IntakeRig {
  desk: AbuseDesk;
  parts: IntakeParts;
  sink: SmtpSink;
  dns: ReturnType<typeof fakeDns>;
  smtpPort: number;
  /** Plans the follow-ups of everything received and runs every due job. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** The whole system on a test database with its SMTP intake on a free loopback port and a real relay sink. */
export async function startIntake(db: TestDatabase, env: Record<string, string> = {}, opts: IntakeExtensionOptions = {}, dnsTxt: Record<string, string[]> = {}): Promise<IntakeRig> {
  const sink = await new SmtpSink().start();
  const desk = await openDesk(db);
  const config = loadConfig({ ABUSEDESK_DATA_DIR: '/nonexistent', ABUSEDESK_SMTP_PORT: '0', ABUSEDESK_RELAY_URL: sink.url, ABUSEDESK_MAIL_FROM: 'abuse@desk.example', ...env });
  Object.assign(desk.config, { ...config, database: desk.config.database });
  const dns = fakeDns(dnsTxt);
  const mailer = createMailer(sink.url, 'abuse@desk.example');
  const parts = await intakeExtension(desk, { resolver: dns, mailer, ...opts });
  for (const c of parts.components) await c.start();
  return {
    desk,
    parts,
    sink,
    dns,
    smtpPort: parts.smtp?.port ?? 0,
    async settle() {
      await parts.intake.flush();
      await desk.worker.runUntilIdle();
    },
    async stop() {
      for (const c of [...parts.components].reverse()) await c.stop();
      mailer.close();
      await desk.close();
      await sink.stop();
    },
  };
}

/** Runs swaks (the real SMTP test client) and returns its exit code and transcript. */
export function swaks(args: string[], timeoutMs = 30_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('swaks', ['--hide-informational', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? -1, out });
    });
  });
}

/** The last SMTP reply code swaks saw for the DATA end (or the first refusal). */
export function finalReply(out: string): number {
  const codes = [...out.matchAll(/^<(?:-|\*\*|~|~\*\*)\s+(\d{3})[ -]/gm)].map((m) => Number(m[1]));
  const refusal = codes.find((c) => c >= 400);
  if (refusal) return refusal;
  return codes.filter((c) => c !== 221).at(-1) ?? 0;
}
