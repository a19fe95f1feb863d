import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../logging.js';
import type { Component } from '../serve.js';
import { caseIdOfTag, matchRecipient } from './addresses.js';
import { ClientLimits } from './client-limits.js';
import type { Intake } from './intake.js';

export interface SmtpIntakeOptions {
  host: string;
  port: number;
  /** null = every recipient. */
  abuseAddresses: string[] | null;
  maxBytes: number;
  maxConnectionsPerClient: number;
  messagesPerMinute: number;
  tls: { certFile: string; keyFile: string } | null;
  /** Our own name in the banner and in Authentication-Results. */
  hostname?: string;
}

type SmtpError = Error & { responseCode?: number };

function smtpError(code: number, message: string): SmtpError {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * abuse@ over SMTP. A message is answered 250 only after IngestService.submit committed it;
 * any failure to store answers 451 so the sending MTA keeps the message and tries again.
 */
export class SmtpIntake implements Component {
  readonly name = 'smtp';
  private readonly server: SMTPServer;
  private readonly limits: ClientLimits;

  constructor(
    private readonly intake: Intake,
    private readonly opts: SmtpIntakeOptions,
    private readonly log: Logger,
  ) {
    this.limits = new ClientLimits(opts.maxConnectionsPerClient, opts.messagesPerMinute);
    const tls = opts.tls ? { key: readFileSync(opts.tls.keyFile), cert: readFileSync(opts.tls.certFile) } : null;
    this.server = new SMTPServer({
      name: opts.hostname,
      banner: 'AbuseDesk abuse report intake',
      secure: false,
      ...(tls ?? {}),
      disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      authOptional: true,
      size: opts.maxBytes,
      maxClients: 1000,
      socketTimeout: 120_000,
      closeTimeout: 30_000,
      logger: false,
      onConnect: (session, cb) => {
        if (!this.limits.connect(session.remoteAddress)) {
          (session as SMTPServerSession & { counted?: boolean }).counted = false;
          return cb(smtpError(421, '4.7.0 too many connections from your address, try again later'));
        }
        (session as SMTPServerSession & { counted?: boolean }).counted = true;
        cb();
      },
      onClose: (session) => {
        if ((session as SMTPServerSession & { counted?: boolean }).counted) this.limits.disconnect(session.remoteAddress);
      },
      onMailFrom: (_address, session, cb) => {
        if (!this.limits.takeMessage(session.remoteAddress)) return cb(smtpError(450, '4.7.1 too many messages from your address, slow down'));
        cb();
      },
      onRcptTo: (address, _session, cb) => {
        if (!matchRecipient(address.address, opts.abuseAddresses).accepted) return cb(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
        cb();
      },
      onData: (stream, session, cb) => this.onData(stream, session, cb),
    });
    this.server.on('error', (err) => this.log.warn({ err: err.message }, 'smtp connection error'));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.server.off('error', reject);
        resolve();
      });
    });
    this.log.info({ smtp: `${this.opts.host}:${this.port}`, tls: !!this.opts.tls, addresses: this.opts.abuseAddresses ?? 'any' }, 'SMTP intake listening');
  }

  /** The port actually bound (the configured one, or the one the OS chose for port 0). */
  get port(): number {
    return (this.server.server.address() as AddressInfo | null)?.port ?? this.opts.port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let answered = false;
    // One answer per message, whatever the stream does after an error.
    const answer = (err: Error | null, message?: string) => {
      if (answered) return;
      answered = true;
      cb(err, message);
    };
    stream.on('data', (c: Buffer) => {
      size += c.length;
      // Past the limit the rest is read and dropped: memory stays bounded whatever the client sends.
      if (size <= this.opts.maxBytes) chunks.push(c);
    });
    stream.on('error', (err) => answer(smtpError(451, `4.3.0 error while receiving: ${err.message}`)));
    stream.on('end', () => {
      if (answered) return;
      if (stream.sizeExceeded || size > this.opts.maxBytes) return answer(smtpError(552, `5.3.4 message exceeds the ${this.opts.maxBytes} byte limit`));
      const raw = Buffer.concat(chunks, size);
      const rcpt = session.envelope.rcptTo.map((r) => matchRecipient(r.address, this.opts.abuseAddresses));
      const tags = [...new Set(rcpt.map((r) => r.tag).filter((t): t is string => !!t))];
      const caseId = tags.map(caseIdOfTag).find((c) => c !== null) ?? null;
      const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const smtp = { clientAddress: session.remoteAddress, helo: session.hostNameAppearsAs ?? null, mailFrom };
      this.intake
        .receive({
          raw,
          channel: 'smtp',
          meta: {
            smtp: { ...smtp, rcptTo: session.envelope.rcptTo.map((r) => r.address), tls: !!session.secure, session: session.id },
            ...(tags.length ? { plusTags: tags } : {}),
            ...(caseId !== null ? { caseId } : {}),
          },
        })
        .then(
          (r) => answer(null, `2.0.0 stored as report ${r.reportId}${r.duplicate ? ' (seen before)' : ''}`),
          (err: unknown) => {
            this.log.error({ err: err instanceof Error ? err.message : String(err), client: session.remoteAddress }, 'could not store an SMTP report');
            answer(smtpError(451, '4.3.0 the report could not be stored right now, try again later'));
          },
        );
    });
  }
}
