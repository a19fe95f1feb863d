import type { Selectable } from 'kysely';
import type { NewInvoiceLine } from '../../billing/pricing.js';
import type { Executor } from '../database.js';
import { chunk } from '../dialect.js';
import type { InvoiceLineTable, ResourceOfferTable } from '../schema.js';

export type InvoiceLineRow = Selectable<InvoiceLineTable>;
export type ResourceOfferRow = Selectable<ResourceOfferTable>;

const lineColumns = [
  'id',
  'customer_id',
  'case_id',
  'action_id',
  'kind',
  'description',
  'quantity',
  'unit',
  'unit_price_cents',
  'amount_cents',
  'currency',
  'period_start',
  'period_end',
  'dedupe_key',
  'push_status',
  'pushed_at',
  'push_error',
  'created_at',
] as const;

const offerColumns = ['id', 'case_id', 'customer_id', 'status', 'offered_at', 'due_at', 'choice', 'chosen_at', 'chosen_via', 'follow_up_at', 'fee_cents', 'fee_currency', 'fee_interval_days', 'fees_billed', 'updated_at'] as const;

/** Money: invoice lines (stored once per dedupe key) and the resource-abuse offers that create recurring fees. */
export class InvoiceRepository {
  constructor(private readonly db: Executor) {}

  /** Inserts lines not stored before; returns the new ones. */
  async insertLines(lines: NewInvoiceLine[], pushStatus: 'pending' | 'unsent', now: Date): Promise<InvoiceLineRow[]> {
    const out: InvoiceLineRow[] = [];
    for (const part of chunk(lines, 18)) {
      if (!part.length) continue;
      const rows = await this.db
        .insertInto('invoice_lines')
        .values(
          part.map((l) => ({
            customer_id: l.customerId,
            case_id: l.caseId,
            action_id: l.actionId,
            kind: l.kind,
            description: l.description,
            quantity: String(l.quantity),
            unit: l.unit,
            unit_price_cents: l.unitPriceCents,
            amount_cents: l.amountCents,
            currency: l.currency,
            period_start: l.periodStart,
            period_end: l.periodEnd,
            dedupe_key: l.dedupeKey,
            push_status: pushStatus,
            pushed_at: null,
            push_error: null,
            created_at: now.toISOString(),
          })),
        )
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning(lineColumns)
        .execute();
      out.push(...rows);
    }
    return out;
  }

  async byDedupePrefix(prefix: string): Promise<InvoiceLineRow[]> {
    return this.db.selectFrom('invoice_lines').select(lineColumns).where('dedupe_key', 'like', `${prefix.replace(/[%_]/g, '')}%`).orderBy('id').execute();
  }

  async list(f: { since?: string; until?: string; customerId?: string; caseId?: number; limit?: number; afterId?: number } = {}): Promise<InvoiceLineRow[]> {
    let q = this.db.selectFrom('invoice_lines').select(lineColumns).orderBy('id').limit(f.limit ?? 100_000);
    if (f.since) q = q.where('created_at', '>=', f.since);
    if (f.until) q = q.where('created_at', '<', f.until);
    if (f.customerId) q = q.where('customer_id', '=', f.customerId);
    if (f.caseId) q = q.where('case_id', '=', f.caseId);
    if (f.afterId) q = q.where('id', '>', f.afterId);
    return q.execute();
  }

  async pendingPush(limit: number): Promise<InvoiceLineRow[]> {
    return this.db.selectFrom('invoice_lines').select(lineColumns).where('push_status', 'in', ['pending', 'failed']).orderBy('id').limit(limit).execute();
  }

  async markPushed(ids: number[], now: Date): Promise<void> {
    if (!ids.length) return;
    await this.db.updateTable('invoice_lines').set({ push_status: 'pushed', pushed_at: now.toISOString(), push_error: null }).where('id', 'in', ids).execute();
  }

  async markPushFailed(ids: number[], error: string): Promise<void> {
    if (!ids.length) return;
    await this.db.updateTable('invoice_lines').set({ push_status: 'failed', push_error: error.slice(0, 2000) }).where('id', 'in', ids).where('push_status', '!=', 'pushed').execute();
  }

  // Resource-abuse offers.

  async createOffer(o: { caseId: number; customerId: string; dueAt: string; feeCents: number; currency: string; intervalDays: number }, now: Date): Promise<ResourceOfferRow | null> {
    const at = now.toISOString();
    const row = await this.db
      .insertInto('resource_offers')
      .values({
        case_id: o.caseId,
        customer_id: o.customerId,
        status: 'offered',
        offered_at: at,
        due_at: o.dueAt,
        choice: null,
        chosen_at: null,
        chosen_via: null,
        follow_up_at: null,
        fee_cents: o.feeCents,
        fee_currency: o.currency,
        fee_interval_days: o.intervalDays,
        fees_billed: 0,
        updated_at: at,
      })
      .onConflict((oc) => oc.column('case_id').doNothing())
      .returning(offerColumns)
      .executeTakeFirst();
    return row ?? null;
  }

  async offer(caseId: number): Promise<ResourceOfferRow | undefined> {
    return this.db.selectFrom('resource_offers').select(offerColumns).where('case_id', '=', caseId).executeTakeFirst();
  }

  /** Moves an offer on only from the status the caller saw: two deciders racing cannot both win. */
  async updateOffer(id: number, fromStatus: string, patch: Partial<Omit<ResourceOfferRow, 'id' | 'case_id' | 'customer_id'>>, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('resource_offers')
      .set({ ...patch, updated_at: now.toISOString() })
      .where('id', '=', id)
      .where('status', '=', fromStatus)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
