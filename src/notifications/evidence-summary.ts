import type { LocaleText } from './locales/index.js';
import { formatDate } from './locales/index.js';
import { type RedactionContext, redactEvidence, redactText } from './redact.js';

/** The facts of one event a notice may show (never the raw report). */
export interface EventFacts {
  occurredAt: string;
  type: string;
  ip: string | null;
  port: number | null;
  url: string | null;
  domain: string | null;
  email: string | null;
  reporter: string | null;
  evidence: Record<string, unknown>;
}

/** One line per event, newest last, redacted; at most `limit` lines and a count of the rest. */
export function summarizeEvents(t: LocaleText, events: EventFacts[], ctx: RedactionContext, limit = 10): string[] {
  const shown = events.slice(-limit);
  const lines = shown.map((e) => {
    const parts = [formatDate(t, e.occurredAt), e.type];
    if (e.ip) parts.push(e.port ? `${e.ip} port ${e.port}` : e.ip);
    if (e.url) parts.push(redactText(e.url, ctx));
    else if (e.domain) parts.push(e.domain);
    if (e.email) parts.push(redactText(e.email, ctx));
    const facts = redactEvidence(e.evidence, ctx, 160).map(([k, v]) => `${k}: ${v}`);
    return facts.length ? `${parts.join(' · ')} (${facts.join('; ')})` : parts.join(' · ');
  });
  if (events.length > shown.length) lines.push(t.evidenceMore(events.length - shown.length));
  return lines;
}

/** Who must not be named to the customer: every reporter of the case's events. */
export function thirdPartiesOf(events: EventFacts[]): string[] {
  const out = new Set<string>();
  for (const e of events) {
    if (!e.reporter) continue;
    out.add(e.reporter);
    const m = /^(.*?)\s*<([^>]+)>$/.exec(e.reporter);
    if (m) {
      if (m[1].replace(/"/g, '').trim()) out.add(m[1].replace(/"/g, '').trim());
      out.add(m[2]);
    }
  }
  return [...out];
}
