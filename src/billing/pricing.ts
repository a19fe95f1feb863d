/**
 * Invoice lines from the policy's price for a step: pure, so that what a case costs can be
 * checked without a database. Money is integer cents throughout; the policy writes amounts in
 * currency units ("250" or "12.50").
 */
export const LINE_KINDS = ['penalty', 'blacklisting', 'resource-fee', 'labour'] as const;
export type LineKind = (typeof LINE_KINDS)[number];

/** What a policy step says one line costs. */
export interface PriceSpec {
  kind: LineKind;
  /** Per unit, in currency units. */
  amount: number;
  currency: string;
  /** What one unit is: the case (default), each event, each distinct blacklisting, an hour of labour, a period of a recurring fee. */
  per?: 'case' | 'event' | 'listing' | 'hour' | 'period';
  /** Units when fixed by the policy (hours of labour). */
  quantity?: number;
  /** For recurring fees: the length of one period in days. */
  intervalDays?: number;
  description?: string;
}

export interface PricingEvent {
  ip: string | null;
  domain: string | null;
  evidence: Record<string, unknown>;
}

export interface NewInvoiceLine {
  customerId: string;
  caseId: number | null;
  actionId: number | null;
  kind: LineKind;
  description: string;
  quantity: number;
  unit: string;
  unitPriceCents: number;
  amountCents: number;
  currency: string;
  periodStart: string | null;
  periodEnd: string | null;
  dedupeKey: string;
}

export function toCents(amount: number): number {
  if (!Number.isFinite(amount) || amount < 0) throw new Error(`invalid price ${amount}`);
  return Math.round(amount * 100);
}

const LIST_KEYS = ['list', 'dnsbl', 'blocklist', 'blacklist', 'rbl', 'zone', 'listName', 'list_name'];

/** Distinct listings in blacklisting events: one per (address, list); events without a list name count by address. */
export function countListings(events: PricingEvent[]): number {
  const seen = new Set<string>();
  for (const e of events) {
    const list = LIST_KEYS.map((k) => e.evidence[k]).find((v) => typeof v === 'string' && v) as string | undefined;
    seen.add(`${e.ip ?? e.domain ?? '?'}|${(list ?? '').toLowerCase()}`);
  }
  return seen.size;
}

const DEFAULT_DESCRIPTION: Record<LineKind, string> = {
  penalty: 'Penalty for breach of the Acceptable Use Policy',
  blacklisting: 'Losses and costs of the blacklisting of our addresses (delisting)',
  'resource-fee': 'Additional fee for resource usage',
  labour: 'Labour of the abuse desk',
};

export function priceLines(input: {
  customerId: string;
  caseId: number | null;
  actionId: number | null;
  prices: PriceSpec[];
  events: PricingEvent[];
  now: Date;
  /** Makes each line's dedupe key: the same action priced twice yields the same keys, so storing is idempotent. */
  keyPrefix: string;
}): NewInvoiceLine[] {
  return input.prices.map((p, i) => {
    const per = p.per ?? (p.kind === 'labour' ? 'hour' : p.kind === 'resource-fee' ? 'period' : 'case');
    let quantity: number;
    if (p.quantity !== undefined) quantity = p.quantity;
    else if (per === 'event') quantity = input.events.length;
    else if (per === 'listing') quantity = countListings(input.events);
    else quantity = 1;
    if (!Number.isFinite(quantity) || quantity < 0) throw new Error(`invalid quantity ${quantity} for ${p.kind}`);
    const unitPriceCents = toCents(p.amount);
    let periodStart: string | null = null;
    let periodEnd: string | null = null;
    if (per === 'period') {
      periodStart = input.now.toISOString();
      periodEnd = new Date(input.now.getTime() + (p.intervalDays ?? 30) * 86_400_000).toISOString();
    }
    const base = p.description ?? DEFAULT_DESCRIPTION[p.kind];
    const description = input.caseId ? `${base} (case #${input.caseId})` : base;
    return {
      customerId: input.customerId,
      caseId: input.caseId,
      actionId: input.actionId,
      kind: p.kind,
      description,
      quantity,
      unit: per,
      unitPriceCents,
      amountCents: Math.round(quantity * unitPriceCents),
      currency: p.currency.toUpperCase(),
      periodStart,
      periodEnd,
      dedupeKey: `${input.keyPrefix}:${i}:${p.kind}`,
    };
  });
}
