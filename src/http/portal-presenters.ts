import type { ActionRow } from '../storage/repositories/action.repository.js';
import type { CaseRow } from '../storage/repositories/case.repository.js';
import type { EventRow } from '../storage/repositories/event.repository.js';

/**
 * What a customer sees. A customer is told what was reported about its own resources and what to
 * do, never who reported it or anything about third parties: reporter identities, addresses in the
 * evidence and messages meant for reporters or authorities stay on the operators' side. Evidence
 * of child sexual abuse is never shown at all, only that the content must go.
 */

const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
// Keys that name or point at a person other than the customer.
const PRIVATE_KEY = /reporter|recipient|^to$|^cc$|contact|complainant|rcpt|trap|^user|^(full|real|first|last|display)?name$|phone|^from$|reply|received|header|mole|spamcop/i;
const MAX_DEPTH = 4;
const MAX_STRING = 2000;

export const REDACTED = '[removed]';

function redactString(s: string, ownDomain: string | null): string {
  const cut = s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}…` : s;
  return cut.replace(EMAIL, (addr) => (ownDomain && addr.toLowerCase().endsWith(`@${ownDomain}`) ? addr : REDACTED));
}

function redactValue(v: unknown, ownDomain: string | null, depth: number): unknown {
  if (typeof v === 'string') return redactString(v, ownDomain);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  if (depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => redactValue(x, ownDomain, depth + 1));
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (PRIVATE_KEY.test(k)) continue;
      const r = redactValue(x, ownDomain, depth + 1);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return undefined;
}

/** The evidence of an event as a customer may read it. */
export function portalEvidence(category: string, evidence: Record<string, unknown>, ownDomain: string | null): Record<string, unknown> {
  if (category === 'child-abuse') return { note: 'The reported material must be removed. It is not shown here.' };
  return (redactValue(evidence, ownDomain, 0) as Record<string, unknown>) ?? {};
}

function domainOf(resource: string): string | null {
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(resource) && !/^[\d.]+$/.test(resource) ? resource.toLowerCase() : null;
}

export function portalEvent(e: EventRow, caseResource: string) {
  const own = domainOf(caseResource);
  const email = e.email && own && e.email.toLowerCase().endsWith(`@${own}`) ? e.email : null;
  return {
    id: e.id,
    type: e.type,
    occurredAt: e.occurred_at,
    resource: e.ip ?? e.url ?? e.domain ?? email ?? null,
    port: e.port,
    evidence: portalEvidence(e.category, JSON.parse(e.evidence) as Record<string, unknown>, own),
  };
}

// Steps a customer is not told about through the portal.
const HIDDEN_ACTIONS = new Set(['notify-authorities']);

export function portalActions(actions: ActionRow[]) {
  return actions.filter((a) => !HIDDEN_ACTIONS.has(a.kind) && a.status !== 'cancelled').map((a) => ({ kind: a.kind, status: a.status, dueAt: a.due_at }));
}

// Messages between the provider and the customer; reporter acknowledgements, outcomes and authority reports are not.
const CUSTOMER_KINDS = new Set(['notice', 'digest', 'resource-offer', 'reply', 'policy']);

export interface PortalMessageRow {
  id: number;
  direction: string;
  channel: string;
  kind: string;
  sender: string | null;
  subject: string;
  body: string;
  created_at: string;
}

export function portalMessages(rows: PortalMessageRow[]) {
  return rows
    .filter((m) => CUSTOMER_KINDS.has(m.kind))
    .map((m) => ({ id: m.id, direction: m.direction === 'inbound' ? ('in' as const) : ('out' as const), subject: m.subject, body: m.body, at: m.created_at }));
}

export function portalCase(c: CaseRow, state?: { deadlineAt: string | null; offer: { status: string; due_at: string; choice: string | null } | null; nextStep?: string | null }) {
  const closed = c.closed_at !== null;
  return {
    id: c.id,
    category: c.category,
    resource: c.resource,
    status: c.status,
    openedAt: c.opened_at,
    lastSeen: c.last_seen,
    eventCount: c.event_count,
    closedAt: c.closed_at,
    dueAt: closed ? null : (state?.deadlineAt ?? null),
    nextStep: closed ? null : (state?.nextStep ?? null),
    awaiting: closed ? null : c.status === 'in-progress' ? ('customer' as const) : ('provider' as const),
    options: state?.offer && state.offer.status === 'offered' ? ['modify', 'pay', 'move'] : null,
    choice: state?.offer?.choice ?? null,
  };
}
