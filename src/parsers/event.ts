import { canonicalIp } from '../domain/ip.js';
import type { Category } from '../domain/categories.js';
import type { NormalizedEvent } from '../domain/event.js';
import { domainOf, hostOf, portOf } from './extract.js';

/** What every event of one report shares: who sent it, when, and the subject for evidence. */
export interface EventContext {
  reporter: string | null;
  /** The time to use when the report itself names none (hints.receivedAt, else the mail Date). */
  fallbackTime: string | null;
  subject: string;
}

export interface EventDraft {
  category: Category;
  type: string;
  ip?: string | null;
  port?: number | string | null;
  url?: string | null;
  domain?: string | null;
  email?: string | null;
  occurredAt?: string | null;
  evidence?: Record<string, unknown>;
}

const EPOCH = '1970-01-01T00:00:00.000Z';
const MAX_EXCERPT = 2048;

/** Cut every long string in the evidence so an event stays small (excerpt <= 2 KB). */
function smallEvidence(e: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'string') out[k] = v.length > MAX_EXCERPT ? v.slice(0, MAX_EXCERPT) : v;
    else if (Array.isArray(v)) out[k] = v.slice(0, 50).map((x) => (typeof x === 'string' ? x.slice(0, 512) : x));
    else out[k] = v;
  }
  return out;
}

/**
 * A normalized event from a draft: the IP canonical, the domain lower case (taken from the URL
 * when absent), an IP-literal URL host copied to `ip`, the time from the report or the fallback.
 */
export function makeEvent(d: EventDraft, ctx: EventContext): NormalizedEvent {
  let ip = d.ip ? canonicalIp(String(d.ip)) : null;
  const url = d.url ? d.url.trim() : null;
  const host = url ? hostOf(url) : null;
  if (!ip && host) ip = canonicalIp(host);
  const domain = domainOf(d.domain ?? null) ?? domainOf(host);
  const portNum = d.port !== undefined && d.port !== null && d.port !== '' ? Number(d.port) : url ? portOf(url) : null;
  const port = portNum !== null && Number.isInteger(portNum) && portNum > 0 && portNum < 65536 ? portNum : null;
  const occurredAt = d.occurredAt ?? ctx.fallbackTime ?? EPOCH;
  const evidence = smallEvidence({ subject: ctx.subject || undefined, ...(d.evidence ?? {}) });
  if (!d.occurredAt && !ctx.fallbackTime) evidence.timeUnknown = true;
  return {
    category: d.category,
    type: d.type,
    ip,
    port,
    url,
    domain,
    email: d.email ? d.email.toLowerCase() : null,
    occurredAt,
    reporter: ctx.reporter,
    evidence,
  };
}
