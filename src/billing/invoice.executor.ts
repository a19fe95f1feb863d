import type { NotificationsModule } from '../notifications/module.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { InvoiceRepository } from '../storage/repositories/invoice.repository.js';
import { type ActionExecutor, type ExecutionContext, PermanentActionError } from '../workflow/executors.js';
import { periodDays } from './fee.js';
import { queueBillingPush } from './invoice.service.js';
import { LINE_KINDS, type LineKind, type PriceSpec, priceLines } from './pricing.js';

function isLineKind(v: unknown): v is LineKind {
  return typeof v === 'string' && (LINE_KINDS as readonly string[]).includes(v);
}

/**
 * The prices an invoice action bills: the step's price (`line`, `amount`, `currency`, `per`) and
 * any further lines in the params (`prices: [{line, amount, currency, per, quantity}]`, e.g. the
 * labour beside the delisting costs of a blacklisting).
 */
export function pricesOf(ctx: Pick<ExecutionContext, 'step' | 'params'>): PriceSpec[] {
  const out: PriceSpec[] = [];
  const toSpec = (p: { line?: unknown; kind?: unknown; amount?: unknown; currency?: unknown; per?: unknown; quantity?: unknown; description?: unknown }, where: string): PriceSpec => {
    const kind = p.line ?? p.kind;
    if (!isLineKind(kind)) throw new PermanentActionError(`${where}: line must be one of ${LINE_KINDS.join(', ')}, not ${JSON.stringify(kind)}`);
    if (typeof p.amount !== 'number' || !(p.amount >= 0)) throw new PermanentActionError(`${where}: amount must be a number >= 0`);
    if (typeof p.currency !== 'string' || !/^[A-Za-z]{3}$/.test(p.currency)) throw new PermanentActionError(`${where}: currency must be a three-letter code`);
    const per = typeof p.per === 'string' ? p.per : 'once';
    const unit: PriceSpec['per'] = per === 'once' || per === 'case' ? 'case' : per === 'event' || per === 'listing' || per === 'hour' ? per : 'period';
    return {
      kind,
      amount: p.amount,
      currency: p.currency,
      per: unit,
      quantity: typeof p.quantity === 'number' ? p.quantity : kind === 'labour' && typeof ctx.params.labourHours === 'number' ? ctx.params.labourHours : undefined,
      intervalDays: unit === 'period' ? periodDays(per, 30) : undefined,
      description: typeof p.description === 'string' ? p.description : undefined,
    };
  };
  if (ctx.step?.price) out.push(toSpec(ctx.step.price, 'policy step price'));
  const extra = ctx.params.prices;
  if (Array.isArray(extra)) extra.forEach((p, i) => out.push(toSpec((p ?? {}) as Record<string, unknown>, `params.prices[${i}]`)));
  if (!out.length) throw new PermanentActionError('the invoice action has no price (policy step price or params.prices)');
  return out;
}

/** invoice: lines priced by the policy, stored once per action (the idempotency key), pushed to billing. */
export function invoiceExecutor(mod: NotificationsModule): ActionExecutor {
  return {
    kind: 'invoice',
    connector: 'billing',
    async execute(ctx) {
      const now = ctx.clock.now();
      const lines = priceLines({
        customerId: ctx.customer.id,
        caseId: ctx.case.id,
        actionId: ctx.action.id,
        prices: pricesOf(ctx),
        events: ctx.events.map((e) => ({ ip: e.ip, domain: e.domain, evidence: safeJson(e.evidence) })),
        now,
        keyPrefix: `invoice:${ctx.idempotencyKey}`,
      });
      const stored = await ctx.db.transaction().execute(async (tx) => {
        const rows = await new InvoiceRepository(tx).insertLines(lines, mod.settings.billingWebhook ? 'pending' : 'unsent', now);
        if (rows.length) {
          await new AuditRepository(tx).append(
            now,
            rows.map((l) => ({ actor: 'billing', entity: 'invoice-line', entityId: l.id, action: 'created', data: { case: ctx.case.id, action: ctx.action.id, kind: l.kind, amountCents: l.amount_cents, currency: l.currency } })),
          );
          await queueBillingPush(tx, mod, now);
        }
        return rows;
      });
      const all = stored.length ? stored : await new InvoiceRepository(ctx.db).byDedupePrefix(`invoice:${ctx.idempotencyKey}:`);
      mod.desk.ctx.nudge();
      return { status: 'done', result: { lines: all.map((l) => l.id), totalCents: all.reduce((s, l) => s + l.amount_cents, 0), currency: all[0]?.currency ?? null } };
    },
  };
}

function safeJson(s: string): Record<string, unknown> {
  try {
    return JSON.parse(s) as Record<string, unknown>;
  } catch {
    return {};
  }
}
