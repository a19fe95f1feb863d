import { z } from 'zod';
import { durationMs } from '../workflow/duration.js';

/**
 * Settings of notifications and billing, parsed once from the environment (documented here, where
 * they are declared). They sit apart from src/config/config.ts only because that file belongs to
 * the foundation; the names follow its ABUSEDESK_ convention.
 */
const duration = z.string().refine((v) => durationMs(v) !== null, 'must be an ISO-8601 duration such as PT4H or P1D');
const schema = z.object({
  /** Customer portal base URL named in notices (`https://portal.example/`); unset = notices name only the reply address. */
  ABUSEDESK_PORTAL_URL: z.string().url().optional(),
  /** `immediate` (one mail per notice) or `digest` (one mail per customer per interval for all its new cases). */
  ABUSEDESK_NOTIFY_MODE: z.enum(['immediate', 'digest']).default('immediate'),
  /** How often a customer's digest goes out. */
  ABUSEDESK_DIGEST_INTERVAL: duration.default('PT4H'),
  /** Billing system webhook that receives new invoice lines (POST, JSON, HMAC-SHA256 signed). */
  ABUSEDESK_BILLING_WEBHOOK_URL: z.string().url().optional(),
  /** Shared secret for the billing webhook signature. */
  ABUSEDESK_BILLING_WEBHOOK_SECRET: z.string().optional(),
  /** The resource-abuse PAY option when the policy prices none: amount, currency, days per period. */
  ABUSEDESK_RESOURCE_FEE: z.string().regex(/^\d+(\.\d{1,2})? [A-Z]{3} \d+$/, 'must be "<amount> <currency> <days>", e.g. "25 EUR 30"').default('25 EUR 30'),
  /** How long after the deadline a MODIFY choice is checked again, and how long a MOVE may take. */
  ABUSEDESK_RESOURCE_RECHECK: duration.default('P1D'),
  ABUSEDESK_RESOURCE_MIGRATION: duration.default('P30D'),
  /** How often new mail to the case plus-addresses is threaded to its case. */
  ABUSEDESK_REPLY_POLL: duration.default('PT5S'),
});

export interface NotificationSettings {
  portalUrl: string | null;
  mode: 'immediate' | 'digest';
  digestIntervalMs: number;
  billingWebhook: { url: string; secret: string } | null;
  resourceFee: { cents: number; currency: string; intervalDays: number };
  recheckMs: number;
  migrationMs: number;
  replyPollMs: number;
}

export function loadNotificationSettings(env: NodeJS.ProcessEnv = process.env): NotificationSettings {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('ABUSEDESK_') && v !== '')));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`invalid setting ${i.path.join('.')}: ${i.message}`);
  }
  const e = parsed.data;
  const [amount, currency, days] = e.ABUSEDESK_RESOURCE_FEE.split(' ');
  return {
    portalUrl: e.ABUSEDESK_PORTAL_URL ?? null,
    mode: e.ABUSEDESK_NOTIFY_MODE,
    digestIntervalMs: durationMs(e.ABUSEDESK_DIGEST_INTERVAL)!,
    billingWebhook: e.ABUSEDESK_BILLING_WEBHOOK_URL ? { url: e.ABUSEDESK_BILLING_WEBHOOK_URL, secret: e.ABUSEDESK_BILLING_WEBHOOK_SECRET ?? '' } : null,
    resourceFee: { cents: Math.round(Number(amount) * 100), currency, intervalDays: Number(days) },
    recheckMs: durationMs(e.ABUSEDESK_RESOURCE_RECHECK)!,
    migrationMs: durationMs(e.ABUSEDESK_RESOURCE_MIGRATION)!,
    replyPollMs: durationMs(e.ABUSEDESK_REPLY_POLL)!,
  };
}
