import type { AbuseDesk } from '../app.js';
import { postWebhook } from '../connectors/webhook.js';
import type { NotificationsModule } from '../notifications/module.js';
import type { JobType } from '../pipeline/worker.js';
import type { Tx } from '../storage/database.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { type InvoiceLineRow, InvoiceRepository } from '../storage/repositories/invoice.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { centsToDecimal, type InvoiceLineOut, toCsv, toJson } from './invoice-export.js';

export const BILLING_PUSH_JOB = 'billing-push';
const PUSH_BATCH = 500;

export function presentLine(l: InvoiceLineRow): InvoiceLineOut {
  return {
    id: l.id,
    createdAt: l.created_at,
    customer: l.customer_id,
    caseId: l.case_id,
    actionId: l.action_id,
    kind: l.kind,
    description: l.description,
    quantity: Number(l.quantity),
    unit: l.unit,
    unitPrice: centsToDecimal(l.unit_price_cents),
    amount: centsToDecimal(l.amount_cents),
    amountCents: l.amount_cents,
    currency: l.currency,
    periodStart: l.period_start,
    periodEnd: l.period_end,
  };
}

/** Queues a push of the lines not yet with the billing system; written in the transaction that stored them. */
export async function queueBillingPush(tx: Tx, mod: NotificationsModule, now: Date): Promise<void> {
  if (!mod.settings.billingWebhook) return;
  await new JobRepository(tx).enqueue(BILLING_PUSH_JOB, {}, now, { maxAttempts: 50 });
}

export interface ExportFilter {
  since?: string;
  until?: string;
  customerId?: string;
  caseId?: number;
}

/** Reading money out: the CLI export, the API, the billing webhook all present lines the same way. */
export class InvoiceService {
  constructor(private readonly desk: AbuseDesk) {}

  async list(f: ExportFilter = {}): Promise<InvoiceLineOut[]> {
    return (await new InvoiceRepository(this.desk.ctx.db).list(f)).map(presentLine);
  }

  async export(format: 'csv' | 'json', f: ExportFilter = {}): Promise<string> {
    const lines = await this.list(f);
    return format === 'csv' ? toCsv(lines) : toJson(lines);
  }
}

/**
 * Pushes pending invoice lines to the billing system, signed, in batches. The Idempotency-Key
 * names the lines, so a retry after a crash is recognised; the line ids let the receiver dedupe too.
 */
export function billingPushJob(desk: AbuseDesk, mod: NotificationsModule): JobType<Record<string, never>> {
  return {
    kind: BILLING_PUSH_JOB,
    maxAttempts: 50,
    backoffMs: (attempt) => Math.min(30_000 * 2 ** (attempt - 1), 3_600_000),
    async run(job) {
      const target = mod.settings.billingWebhook;
      const lines = target ? await new InvoiceRepository(desk.ctx.db).pendingPush(PUSH_BATCH) : [];
      if (!target || !lines.length) {
        await new JobRepository(desk.ctx.db).complete(job);
        return;
      }
      const ids = lines.map((l) => l.id);
      const key = `invoice-lines-${ids[0]}-${ids.at(-1)}-${ids.length}`;
      try {
        await postWebhook(target, { type: 'invoice-lines', lines: lines.map(presentLine) }, key);
      } catch (err) {
        await new InvoiceRepository(desk.ctx.db).markPushFailed(ids, err instanceof Error ? err.message : String(err));
        throw err;
      }
      const now = desk.ctx.clock.now();
      const more = lines.length === PUSH_BATCH;
      await desk.ctx.db.transaction().execute(async (tx) => {
        await new InvoiceRepository(tx).markPushed(ids, now);
        await new AuditRepository(tx).append(now, [{ actor: 'billing', entity: 'invoice-lines', entityId: `${ids[0]}-${ids.at(-1)}`, action: 'pushed', data: { lines: ids.length, key } }]);
        if (more) await new JobRepository(tx).enqueue(BILLING_PUSH_JOB, {}, now, { maxAttempts: 50 });
        await new JobRepository(tx).complete(job);
      });
    },
  };
}
