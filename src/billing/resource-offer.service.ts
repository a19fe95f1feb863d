import type { AbuseDesk } from '../app.js';
import type { NotificationsModule } from '../notifications/module.js';
import { notificationsOf } from '../notifications/module.js';
import type { Tx } from '../storage/database.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { ActionRepository } from '../storage/repositories/action.repository.js';
import { CaseRepository } from '../storage/repositories/case.repository.js';
import { CaseMessageRepository } from '../storage/repositories/case-message.repository.js';
import { InventoryRepository } from '../storage/repositories/inventory.repository.js';
import { InvoiceRepository, type ResourceOfferRow } from '../storage/repositories/invoice.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { NotificationRepository } from '../storage/repositories/notification.repository.js';
import { addDuration } from '../workflow/duration.js';
import type { ExecutionContext } from '../workflow/executors.js';
import { onCustomerReply, proposeAction } from '../workflow/service.js';
import { periodDays } from './fee.js';
import { queueBillingPush } from './invoice.service.js';
import { priceLines } from './pricing.js';

/**
 * The resource-abuse workflow the policy spells out: the customer may modify the software, pay an
 * additional fee, or move to dedicated hosting; failing all three, termination is proposed for a
 * supervisor's approval. The offer is a row with a small state machine:
 *
 *   offered --modify--> modifying --re-check clean--> complied | --still abusing--> terminate-proposed
 *   offered --pay-----> paying (a fee line per period, until the case's customer leaves)
 *   offered --move----> migrating --plan is dedicated--> complied | --not moved--> terminate-proposed
 *   offered --deadline, no choice--> terminate-proposed
 */
export const RESOURCE_CHOICES = ['modify', 'pay', 'move'] as const;
export type ResourceChoice = (typeof RESOURCE_CHOICES)[number];

export const OFFER_DUE_JOB = 'resource-offer-due';
export const RESOURCE_FEE_JOB = 'resource-fee';
const OFFER_GRACE_MS = 5 * 60_000;

export class ResourceOfferError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'conflict' | 'invalid',
  ) {
    super(message);
  }
}

/** The fee the PAY option costs: the step's resource-fee price, else the step param `fee`, else the setting. */
function feeOf(mod: NotificationsModule, ctx: ExecutionContext): { cents: number; currency: string; intervalDays: number } {
  const d = mod.settings.resourceFee;
  const price = ctx.step?.price;
  if (price && price.line === 'resource-fee') return { cents: Math.round(price.amount * 100), currency: price.currency, intervalDays: periodDays(price.per, d.intervalDays) };
  const fee = ctx.params.fee as { amount?: unknown; currency?: unknown; per?: unknown } | undefined;
  if (fee && typeof fee.amount === 'number' && fee.amount >= 0) {
    return { cents: Math.round(fee.amount * 100), currency: typeof fee.currency === 'string' ? fee.currency : d.currency, intervalDays: periodDays(typeof fee.per === 'string' ? fee.per : undefined, d.intervalDays) };
  }
  return { cents: d.cents, currency: d.currency, intervalDays: d.intervalDays };
}

/** Called by the notice executor: the offer is made once per case, with its deadline timer. */
export async function ensureResourceOffer(mod: NotificationsModule, ctx: ExecutionContext, dueAt: string | null, now: Date): Promise<ResourceOfferRow> {
  const existing = await new InvoiceRepository(ctx.db).offer(ctx.case.id);
  if (existing) return existing;
  const due = dueAt ?? (ctx.step?.deadline !== undefined ? addDuration(now, ctx.step.deadline) : addDuration(now, 'P14D')).toISOString();
  const fee = feeOf(mod, ctx);
  return ctx.db.transaction().execute(async (tx) => {
    const repo = new InvoiceRepository(tx);
    const row = await repo.createOffer({ caseId: ctx.case.id, customerId: ctx.customer.id, dueAt: due, feeCents: fee.cents, currency: fee.currency, intervalDays: fee.intervalDays }, now);
    if (!row) return (await repo.offer(ctx.case.id))!;
    // A little after the deadline: when the policy's own ladder proposes the termination at the
    // deadline, it goes first and this timer finds it instead of proposing a second one.
    await new JobRepository(tx).enqueue(OFFER_DUE_JOB, { caseId: ctx.case.id }, now, { runAt: new Date(Date.parse(due) + OFFER_GRACE_MS), maxAttempts: 20 });
    await new AuditRepository(tx).append(now, [{ actor: 'notifications', entity: 'case', entityId: ctx.case.id, action: 'resource-offer', data: { dueAt: due, feeCents: fee.cents, currency: fee.currency, intervalDays: fee.intervalDays } }]);
    return row;
  });
}

/** The customer's choice, from a reply keyword, the portal or the API; inside the caller's transaction. */
export async function chooseResourceOption(tx: Tx, mod: NotificationsModule, caseId: number, choice: ResourceChoice, via: string, now: Date): Promise<ResourceOfferRow> {
  const repo = new InvoiceRepository(tx);
  const offer = await repo.offer(caseId);
  if (!offer) throw new ResourceOfferError(`case ${caseId} has no resource-abuse offer`, 'not_found');
  if (offer.status !== 'offered') throw new ResourceOfferError(`case ${caseId}: the offer is ${offer.status}${offer.choice ? ` (chose ${offer.choice})` : ''}`, 'conflict');
  if (now.toISOString() > offer.due_at) throw new ResourceOfferError(`case ${caseId}: the offer expired at ${offer.due_at}`, 'conflict');
  const jobs = new JobRepository(tx);
  let patch: Partial<ResourceOfferRow>;
  if (choice === 'modify') {
    // Re-checked after the deadline: the customer has until then to change the software.
    const followUp = new Date(Date.parse(offer.due_at) + mod.settings.recheckMs).toISOString();
    patch = { status: 'modifying', follow_up_at: followUp };
    await jobs.enqueue(OFFER_DUE_JOB, { caseId }, now, { runAt: new Date(followUp), maxAttempts: 20 });
  } else if (choice === 'pay') {
    patch = { status: 'paying', fees_billed: 1, follow_up_at: new Date(now.getTime() + offer.fee_interval_days * 86_400_000).toISOString() };
    await billFee(tx, mod, offer, 1, now, now);
    await jobs.enqueue(RESOURCE_FEE_JOB, { caseId, period: 2 }, now, { runAt: new Date(patch.follow_up_at!), maxAttempts: 20 });
  } else {
    const followUp = new Date(now.getTime() + mod.settings.migrationMs).toISOString();
    patch = { status: 'migrating', follow_up_at: followUp };
    await jobs.enqueue(OFFER_DUE_JOB, { caseId }, now, { runAt: new Date(followUp), maxAttempts: 20 });
  }
  if (!(await repo.updateOffer(offer.id, 'offered', { ...patch, choice, chosen_at: now.toISOString(), chosen_via: via }, now))) {
    throw new ResourceOfferError(`case ${caseId}: the offer changed meanwhile`, 'conflict');
  }
  await new AuditRepository(tx).append(now, [{ actor: `customer:${via}`, entity: 'case', entityId: caseId, action: 'resource-choice', data: { choice, via, followUp: patch.follow_up_at ?? null } }]);
  // A choice is an answer: the policy's clock pauses or restarts as for any reply.
  await onCustomerReply(tx, caseId, now);
  return (await repo.offer(caseId))!;
}

/** One period's fee line; periods follow each other without gap whenever the job happens to run. */
async function billFee(tx: Tx, mod: NotificationsModule, offer: ResourceOfferRow, period: number, periodStart: Date, now: Date): Promise<void> {
  const lines = priceLines({
    customerId: offer.customer_id,
    caseId: offer.case_id,
    actionId: null,
    prices: [{ kind: 'resource-fee', amount: offer.fee_cents / 100, currency: offer.fee_currency, per: 'period', intervalDays: offer.fee_interval_days, description: `Additional fee for resource usage, period ${period}` }],
    events: [],
    now: periodStart,
    keyPrefix: `resource-offer:${offer.case_id}:period:${period}`,
  });
  const stored = await new InvoiceRepository(tx).insertLines(lines, mod.settings.billingWebhook ? 'pending' : 'unsent', now);
  if (stored.length) {
    await new AuditRepository(tx).append(now, stored.map((l) => ({ actor: 'billing', entity: 'invoice-line', entityId: l.id, action: 'created', data: { case: offer.case_id, kind: l.kind, amountCents: l.amount_cents, currency: l.currency, period } })));
    await queueBillingPush(tx, mod, now);
  }
}

/** Proposes the termination once per case, with a supervisor's approval, unless one is already on the way. */
async function proposeTermination(tx: Tx, caseId: number, reason: string, now: Date): Promise<number | null> {
  const kase = await new CaseRepository(tx).get(caseId);
  if (!kase || kase.closed_at) return null;
  const pending = (await new ActionRepository(tx).forCase(caseId)).find((a) => a.kind === 'terminate' && ['proposed', 'approved', 'running', 'done'].includes(a.status));
  if (pending) return pending.id;
  const row = await proposeAction(tx, caseId, { kind: 'terminate', scope: 'agreement', approval: 'supervisor', reason, idempotencyKey: `resource-offer-${caseId}-terminate` }, now, 'resource-offer');
  return row?.id ?? null;
}

/** The offer's timer: the deadline without a choice, the re-check after MODIFY, the end of the migration window after MOVE. */
export async function offerFollowUp(tx: Tx, mod: NotificationsModule, caseId: number, now: Date): Promise<string> {
  const repo = new InvoiceRepository(tx);
  const offer = await repo.offer(caseId);
  if (!offer) return 'no-offer';
  const at = now.toISOString();
  const audit = new AuditRepository(tx);
  const settle = async (status: string, data: Record<string, unknown>, terminate: string | null) => {
    if (!(await repo.updateOffer(offer.id, offer.status, { status }, now))) return 'changed';
    const action = terminate ? await proposeTermination(tx, caseId, terminate, now) : null;
    await audit.append(now, [{ actor: 'resource-offer', entity: 'case', entityId: caseId, action: `resource-offer-${status}`, data: { ...data, terminateAction: action } }]);
    return status;
  };
  if (offer.status === 'offered') {
    if (at < offer.due_at) return 'not-yet';
    return settle('expired', { dueAt: offer.due_at }, 'no choice among modify, pay or move by the deadline (resource abuse)');
  }
  if (offer.status === 'modifying') {
    if (!offer.follow_up_at || at < offer.follow_up_at) return 'not-yet';
    // Still abusing: resource events that happened after the deadline the customer had to fix it by.
    const after = await new NotificationRepository(tx).eventsAfter(caseId, offer.due_at);
    return after > 0 ? settle('not-complied', { eventsAfterDeadline: after }, 'resource abuse continued after the deadline despite the choice to modify') : settle('complied', { eventsAfterDeadline: 0 }, null);
  }
  if (offer.status === 'migrating') {
    if (!offer.follow_up_at || at < offer.follow_up_at) return 'not-yet';
    const customer = await new InventoryRepository(tx).customer(offer.customer_id);
    return customer?.plan === 'dedicated' ? settle('complied', { plan: customer.plan }, null) : settle('not-complied', { plan: customer?.plan ?? null }, 'the move to dedicated hosting was not made within the migration window');
  }
  return offer.status;
}

/** The next period of a PAY choice: billed while the offer stands and the customer is not terminated. */
export async function recurringFee(tx: Tx, mod: NotificationsModule, caseId: number, period: number, now: Date): Promise<string> {
  const repo = new InvoiceRepository(tx);
  const offer = await repo.offer(caseId);
  if (!offer || offer.status !== 'paying') return 'stopped';
  const customer = await new InventoryRepository(tx).customer(offer.customer_id);
  if (!customer || customer.status === 'terminated') {
    await repo.updateOffer(offer.id, 'paying', { status: 'ended' }, now);
    return 'ended';
  }
  if (offer.fees_billed >= period) return 'billed-before';
  const start = offer.follow_up_at ? new Date(offer.follow_up_at) : now;
  await billFee(tx, mod, offer, period, start, now);
  const next = new Date(start.getTime() + offer.fee_interval_days * 86_400_000);
  await repo.updateOffer(offer.id, 'paying', { fees_billed: period, follow_up_at: next.toISOString() }, now);
  await new JobRepository(tx).enqueue(RESOURCE_FEE_JOB, { caseId, period: period + 1 }, now, { runAt: next, maxAttempts: 20 });
  return 'billed';
}

/** The choice made outside mail (portal, API), in its own transaction. */
export async function chooseResourceOptionFor(desk: AbuseDesk, caseId: number, choice: ResourceChoice, via: string): Promise<ResourceOfferRow> {
  const mod = notificationsOf(desk);
  const now = desk.ctx.clock.now();
  const row = await desk.ctx.db.transaction().execute(async (tx) => {
    const r = await chooseResourceOption(tx, mod, caseId, choice, via, now);
    await new CaseMessageRepository(tx).insertOnce(
      { caseId, direction: 'inbound', channel: via, kind: 'resource-choice', sender: null, recipients: [], subject: `Resource choice: ${choice}`, body: choice.toUpperCase(), messageId: null, dedupeKey: `resource-choice:${caseId}` },
      now,
    );
    return r;
  });
  desk.ctx.nudge();
  return row;
}

/** A reply's first words as a choice: MODIFY, PAY or MOVE (and the Dutch and French words for them). */
export function choiceFromText(text: string): ResourceChoice | null {
  const first = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('>'));
  if (!first) return null;
  const word = first.split(/[\s:.,!;]+/)[0].toUpperCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  if (['MODIFY', 'AANPASSEN', 'MODIFIER'].includes(word)) return 'modify';
  if (['PAY', 'BETALEN', 'PAYER'].includes(word)) return 'pay';
  if (['MOVE', 'VERHUIZEN', 'OVERSTAPPEN', 'MIGRER', 'DEMENAGER'].includes(word)) return 'move';
  return null;
}
