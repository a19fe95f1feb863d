import { z } from 'zod';

/**
 * Settings of accounts and sessions, read once from the environment (the same ABUSEDESK_
 * convention as src/config/config.ts).
 */
const schema = z.object({
  /** The address people reach AbuseDesk at, for the links in sign-in mails. Default: http://HTTP_HOST:HTTP_PORT. */
  ABUSEDESK_PUBLIC_URL: z.string().url().optional(),
  /** `auto` (Secure cookie on HTTPS and on loopback, where browsers accept it), `always` or `never`. */
  ABUSEDESK_COOKIE_SECURE: z.enum(['auto', 'always', 'never']).default('auto'),
  /** Idle lifetime of a session, in minutes. */
  ABUSEDESK_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(12 * 60),
  /** Absolute lifetime of a session, in hours. */
  ABUSEDESK_SESSION_MAX_HOURS: z.coerce.number().int().min(1).default(7 * 24),
  /** Failed sign-ins in a row that lock an account, and for how many minutes. */
  ABUSEDESK_LOCKOUT_THRESHOLD: z.coerce.number().int().min(1).default(5),
  ABUSEDESK_LOCKOUT_MINUTES: z.coerce.number().int().min(1).default(15),
  /** Sign-in attempts per client address per minute (POST /session and the link routes). */
  ABUSEDESK_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(20),
});

export interface AuthConfig {
  publicUrl: string | null;
  cookieSecure: 'auto' | 'always' | 'never';
  sessionIdleMs: number;
  sessionMaxMs: number;
  lockoutThreshold: number;
  lockoutMs: number;
  loginRatePerMinute: number;
  /** Lifetime of a mailed sign-in link. */
  linkTtlMs: number;
}

export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const e = schema.parse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('ABUSEDESK_') && v !== '')));
  return {
    publicUrl: e.ABUSEDESK_PUBLIC_URL ?? null,
    cookieSecure: e.ABUSEDESK_COOKIE_SECURE,
    sessionIdleMs: e.ABUSEDESK_SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: e.ABUSEDESK_SESSION_MAX_HOURS * 3_600_000,
    lockoutThreshold: e.ABUSEDESK_LOCKOUT_THRESHOLD,
    lockoutMs: e.ABUSEDESK_LOCKOUT_MINUTES * 60_000,
    loginRatePerMinute: e.ABUSEDESK_LOGIN_RATE_PER_MINUTE,
    linkTtlMs: 30 * 60_000,
  };
}
