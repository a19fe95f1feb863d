import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Every setting AbuseDesk reads, parsed and validated once. Each is documented where it is
 * declared; the README's configuration table is written from this list.
 */
const schema = z.object({
  /** `postgres://user@host:port/db` to run on PostgreSQL; unset = the embedded SQLite database. */
  ABUSEDESK_DATABASE_URL: z.string().url().optional(),
  /** Where the SQLite database and other local state live. */
  ABUSEDESK_DATA_DIR: z.string().default('./data'),
  /** HTTP API, console and portal. */
  ABUSEDESK_HTTP_HOST: z.string().default('127.0.0.1'),
  ABUSEDESK_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** SMTP intake for abuse@. */
  ABUSEDESK_SMTP_HOST: z.string().default('127.0.0.1'),
  ABUSEDESK_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  /** Addresses the SMTP intake accepts, separated by commas, semicolons or spaces (plus-addressed variants included); unset = every recipient. */
  ABUSEDESK_ABUSE_ADDRESSES: z.string().optional(),
  /** PEM certificate and key files for STARTTLS on the SMTP intake; both set = STARTTLS offered, unset = plain SMTP only. */
  ABUSEDESK_SMTP_TLS_CERT: z.string().optional(),
  ABUSEDESK_SMTP_TLS_KEY: z.string().optional(),
  /** Largest message the SMTP intake takes (bytes); larger ones are refused with 552. */
  ABUSEDESK_SMTP_MAX_BYTES: z.coerce.number().int().min(1024).default(25 * 1024 * 1024),
  /** Simultaneous SMTP connections one client address may hold; more are refused with 421. */
  ABUSEDESK_SMTP_MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(1).default(20),
  /** Messages one client address may send per minute; more are deferred with 450. */
  ABUSEDESK_SMTP_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** IMAP mailbox to poll, e.g. `imaps://user:pass@host/INBOX`. */
  ABUSEDESK_IMAP_URL: z.string().optional(),
  /** Seconds between two polls of the IMAP mailbox. */
  ABUSEDESK_IMAP_POLL_SECONDS: z.coerce.number().min(1).default(60),
  /** Folder a stored message is moved to (when it exists on the server); unset or absent = the message is only flagged Seen. */
  ABUSEDESK_IMAP_PROCESSED_FOLDER: z.string().default('Processed'),
  /** Outbound mail relay, e.g. `smtp://127.0.0.1:25`. */
  ABUSEDESK_RELAY_URL: z.string().optional(),
  /** The address AbuseDesk's own mail comes from. */
  ABUSEDESK_MAIL_FROM: z.string().default('abuse@localhost'),
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  ABUSEDESK_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  dataDir: string;
  http: { host: string; port: number };
  smtp: {
    host: string;
    port: number;
    abuseAddresses: string[] | null;
    tls: { certFile: string; keyFile: string } | null;
    maxBytes: number;
    maxConnectionsPerClient: number;
    messagesPerMinute: number;
  };
  imapUrl: string | null;
  imap: { pollSeconds: number; processedFolder: string };
  relayUrl: string | null;
  mailFrom: string;
  logLevel: Env['ABUSEDESK_LOG_LEVEL'];
}

export class ConfigError extends Error {}

/** Reads the configuration from an environment (process.env by default); throws ConfigError naming the setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('ABUSEDESK_') && v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid setting ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.ABUSEDESK_DATA_DIR);
  return {
    database: e.ABUSEDESK_DATABASE_URL
      ? { kind: 'postgres', url: e.ABUSEDESK_DATABASE_URL }
      : { kind: 'sqlite', file: resolve(dataDir, 'abusedesk.sqlite') },
    dataDir,
    http: { host: e.ABUSEDESK_HTTP_HOST, port: e.ABUSEDESK_HTTP_PORT },
    smtp: {
      host: e.ABUSEDESK_SMTP_HOST,
      port: e.ABUSEDESK_SMTP_PORT,
      abuseAddresses: e.ABUSEDESK_ABUSE_ADDRESSES ? e.ABUSEDESK_ABUSE_ADDRESSES.split(/[\s,;]+/).map((a) => a.trim().toLowerCase()).filter(Boolean) : null,
      tls: tlsFiles(e.ABUSEDESK_SMTP_TLS_CERT, e.ABUSEDESK_SMTP_TLS_KEY),
      maxBytes: e.ABUSEDESK_SMTP_MAX_BYTES,
      maxConnectionsPerClient: e.ABUSEDESK_SMTP_MAX_CONNECTIONS_PER_CLIENT,
      messagesPerMinute: e.ABUSEDESK_SMTP_MESSAGES_PER_MINUTE,
    },
    imapUrl: e.ABUSEDESK_IMAP_URL ?? null,
    imap: { pollSeconds: e.ABUSEDESK_IMAP_POLL_SECONDS, processedFolder: e.ABUSEDESK_IMAP_PROCESSED_FOLDER },
    relayUrl: e.ABUSEDESK_RELAY_URL ?? null,
    mailFrom: e.ABUSEDESK_MAIL_FROM,
    logLevel: e.ABUSEDESK_LOG_LEVEL,
  };
}

/** STARTTLS needs both files; one without the other is a mistake worth stopping for. */
function tlsFiles(cert: string | undefined, key: string | undefined): Config['smtp']['tls'] {
  if (!cert && !key) return null;
  if (!cert || !key) throw new ConfigError('invalid setting ABUSEDESK_SMTP_TLS_CERT/ABUSEDESK_SMTP_TLS_KEY: set both or neither');
  return { certFile: resolve(cert), keyFile: resolve(key) };
}
