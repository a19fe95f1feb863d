import { ImapFlow } from 'imapflow';
import type { Db } from '../storage/database.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logging.js';
import type { Component } from '../serve.js';
import { IntakeRepository } from '../storage/repositories/intake.repository.js';
import type { Intake } from './intake.js';

export interface ImapPollerOptions {
  /** `imap://user:pass@host:143/INBOX` or `imaps://...` (the path is the folder, INBOX by default). */
  url: string;
  pollMs: number;
  /** Moved here after storing when the folder exists; otherwise the message is only flagged \Seen. */
  processedFolder: string;
  maxBytes: number;
  /** Accept a self-signed server certificate (tests, an internal server). */
  insecureTls?: boolean;
}

export interface PollOutcome {
  fetched: number;
  stored: number;
  duplicates: number;
  skipped: number;
}

/** What the poller needs of an IMAP URL. */
export function parseImapUrl(url: string): { host: string; port: number; secure: boolean; user: string; pass: string; folder: string } {
  const u = new URL(url);
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') throw new Error(`ABUSEDESK_IMAP_URL must be imap:// or imaps://, not ${u.protocol}`);
  const secure = u.protocol === 'imaps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    folder: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX',
  };
}

/**
 * Polls an abuse@ mailbox that lives elsewhere. Each message is stored first, and only then
 * flagged and moved; the highest UID handled is kept per mailbox (within its UIDVALIDITY), so a
 * restart resumes where it stopped. A message fetched twice (a crash between storing and
 * moving) is the same bytes, which the report SHA-256 keeps to one report.
 */
export class ImapPoller implements Component {
  readonly name = 'imap';
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly target: ReturnType<typeof parseImapUrl>;
  private readonly key: string;

  constructor(
    private readonly intake: Intake,
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: ImapPollerOptions,
  ) {
    this.target = parseImapUrl(opts.url);
    this.key = `${this.target.user}@${this.target.host}:${this.target.port}/${this.target.folder}`;
  }

  async start(): Promise<void> {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const o = await this.pollOnce();
        if (o.fetched) this.log.info({ mailbox: this.key, ...o }, 'IMAP poll');
      } catch (err) {
        this.log.error({ mailbox: this.key, err: err instanceof Error ? err.message : String(err) }, 'IMAP poll failed; will retry');
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.opts.pollMs);
        this.wake = () => (clearTimeout(t), resolve());
      });
      this.wake = null;
    }
  }

  /** One pass over the mailbox: every message newer than the last one handled. */
  async pollOnce(): Promise<PollOutcome> {
    const t = this.target;
    const client = new ImapFlow({
      host: t.host,
      port: t.port,
      secure: t.secure,
      auth: { user: t.user, pass: t.pass },
      logger: false,
      tls: { rejectUnauthorized: !this.opts.insecureTls },
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 120_000,
    });
    client.on('error', (err: Error) => this.log.warn({ mailbox: this.key, err: err.message }, 'IMAP connection error'));
    const out: PollOutcome = { fetched: 0, stored: 0, duplicates: 0, skipped: 0 };
    await client.connect();
    try {
      const folders = await client.list();
      const canMove = this.opts.processedFolder !== t.folder && folders.some((f) => f.path === this.opts.processedFolder);
      const lock = await client.getMailboxLock(t.folder);
      try {
        const box = client.mailbox;
        if (!box) throw new Error(`cannot open ${t.folder}`);
        const uidValidity = String(box.uidValidity);
        const repo = new IntakeRepository(this.db);
        const pos = await repo.imapPosition(this.key);
        // A new UIDVALIDITY means old UIDs mean nothing: start over; the SHA-256 keeps old mail to one report.
        let lastUid = pos && pos.uidValidity === uidValidity ? pos.lastUid : 0;
        if (box.exists === 0) return out;
        const uids = ((await client.search({ uid: `${lastUid + 1}:*` }, { uid: true })) || []).filter((u) => u > lastUid).sort((a, b) => a - b);
        for (const uid of uids) {
          if (!this.running && this.loop) break;
          out.fetched++;
          const head = await client.fetchOne(String(uid), { uid: true, size: true }, { uid: true });
          if (!head) continue;
          if ((head.size ?? 0) > this.opts.maxBytes) {
            // Left in the mailbox, flagged, for a person to look at; never silently dropped.
            this.log.error({ mailbox: this.key, uid, size: head.size }, 'IMAP message over the size limit left in the mailbox');
            await client.messageFlagsAdd(String(uid), ['$AbuseDeskTooLarge'], { uid: true });
            out.skipped++;
          } else {
            const msg = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
            if (!msg || !msg.source) continue;
            const receipt = await this.intake.receive({ raw: msg.source, channel: 'imap', meta: { imap: { mailbox: this.key, uid, uidValidity } } });
            if (receipt.duplicate) out.duplicates++;
            else out.stored++;
            await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
            if (canMove) await client.messageMove(String(uid), this.opts.processedFolder, { uid: true });
          }
          lastUid = uid;
          await repo.setImapPosition(this.key, uidValidity, lastUid, this.clock.now());
        }
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    return out;
  }
}
