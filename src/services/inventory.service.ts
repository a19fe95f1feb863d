import { parse as parseCsv } from 'csv-parse/sync';
import { type InventoryDocument, InventoryError, validateInventory } from '../domain/inventory.js';
import type { PipelineContext } from '../pipeline/context.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { InventoryRepository } from '../storage/repositories/inventory.repository.js';

/** Importing the network inventory: validated whole, written all-or-nothing, the resolver refreshed. */
export class InventoryService {
  constructor(private readonly ctx: PipelineContext) {}

  async import(input: unknown, onProgress?: (done: number, total: number) => void): Promise<InventoryDocument> {
    const known = await new InventoryRepository(this.ctx.db).knownIds();
    const doc = validateInventory(input, known);
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction().execute(async (tx) => {
      await new InventoryRepository(tx).upsert(doc, now, onProgress);
      await new AuditRepository(tx).append(now, [
        { actor: 'inventory', entity: 'inventory', entityId: 'import', action: 'imported', data: { customers: doc.customers.length, services: doc.services.length, ipAssignments: doc.ipAssignments.length, domains: doc.domains.length } },
      ]);
    });
    return doc;
  }
}

const CSV_LISTS = ['customers', 'services', 'ipAssignments', 'domains'] as const;

/**
 * The CSV form of one inventory list (header row = the JSON field names; `contacts` separated by
 * `;`, empty `to` = open-ended) turned into the JSON document shape.
 */
export function inventoryFromCsv(list: string, text: string): Record<string, unknown[]> {
  if (!(CSV_LISTS as readonly string[]).includes(list)) throw new InventoryError(`unknown inventory list "${list}" (one of ${CSV_LISTS.join(', ')})`);
  const rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  return {
    [list]: rows.map((r) => {
      const out: Record<string, unknown> = { ...r };
      if (list === 'customers') out.contacts = (r.contacts ?? '').split(';').map((s) => s.trim()).filter(Boolean);
      if ('to' in r) out.to = r.to ? r.to : null;
      for (const k of Object.keys(out)) if (out[k] === '' && k !== 'label') delete out[k];
      return out;
    }),
  };
}
