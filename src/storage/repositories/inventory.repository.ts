import type { InventoryDocument } from '../../domain/inventory.js';
import type { InventorySnapshot } from '../../resolver/types.js';
import type { Executor } from '../database.js';
import { chunk } from '../dialect.js';

/** Customers, services, IP assignments and domains: what the resolver is built from. */
export class InventoryRepository {
  constructor(private readonly db: Executor) {}

  async knownIds(): Promise<{ customers: Set<string>; services: Set<string> }> {
    const [c, s] = await Promise.all([
      this.db.selectFrom('customers').select('id').execute(),
      this.db.selectFrom('services').select('id').execute(),
    ]);
    return { customers: new Set(c.map((r) => r.id)), services: new Set(s.map((r) => r.id)) };
  }

  /** Upserts a validated document: importing the same file twice leaves the same state. */
  async upsert(doc: InventoryDocument, now: Date, onProgress?: (done: number, total: number) => void): Promise<void> {
    const at = now.toISOString();
    const total = doc.customers.length + doc.services.length + doc.ipAssignments.length + doc.domains.length;
    let done = 0;
    const step = (n: number) => { done += n; onProgress?.(done, total); };

    for (const rows of chunk(doc.customers, 8)) {
      await this.db
        .insertInto('customers')
        .values(rows.map((c) => ({ id: c.id, name: c.name, contacts: JSON.stringify(c.contacts), plan: c.plan, status: c.status, locale: c.locale, created_at: at, updated_at: at })))
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            contacts: eb.ref('excluded.contacts'),
            plan: eb.ref('excluded.plan'),
            status: eb.ref('excluded.status'),
            locale: eb.ref('excluded.locale'),
          })),
        )
        .execute();
      step(rows.length);
    }
    for (const rows of chunk(doc.services, 4)) {
      await this.db
        .insertInto('services')
        .values(rows.map((s) => ({ id: s.id, customer_id: s.customer, kind: s.kind, label: s.label })))
        .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ customer_id: eb.ref('excluded.customer_id'), kind: eb.ref('excluded.kind'), label: eb.ref('excluded.label') })))
        .execute();
      step(rows.length);
    }
    for (const rows of chunk(doc.ipAssignments, 5)) {
      await this.db
        .insertInto('ip_assignments')
        .values(rows.map((a) => ({ cidr: a.cidr, family: a.cidr.includes(':') ? 6 : 4, service_id: a.service, valid_from: a.from, valid_to: a.to })))
        .onConflict((oc) => oc.columns(['cidr', 'service_id', 'valid_from']).doUpdateSet((eb) => ({ valid_to: eb.ref('excluded.valid_to') })))
        .execute();
      step(rows.length);
    }
    for (const rows of chunk(doc.domains, 4)) {
      await this.db
        .insertInto('domains')
        .values(rows.map((d) => ({ name: d.name, service_id: d.service, valid_from: d.from, valid_to: d.to })))
        .onConflict((oc) => oc.columns(['name', 'service_id', 'valid_from']).doUpdateSet((eb) => ({ valid_to: eb.ref('excluded.valid_to') })))
        .execute();
      step(rows.length);
    }
    await this.bumpVersion();
  }

  /** The inventory's version: bumped by every change so that every process can tell its resolver is stale. */
  async version(): Promise<number> {
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', 'inventory_version').executeTakeFirst();
    return row ? Number(row.value) : 0;
  }

  async bumpVersion(): Promise<void> {
    const next = String((await this.version()) + 1);
    await this.db
      .insertInto('meta')
      .values({ key: 'inventory_version', value: next })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: next }))
      .execute();
  }

  async snapshot(): Promise<InventorySnapshot> {
    const [services, ips, domains] = await Promise.all([
      this.db.selectFrom('services').select(['id', 'customer_id']).execute(),
      this.db.selectFrom('ip_assignments').select(['cidr', 'service_id', 'valid_from', 'valid_to']).execute(),
      this.db.selectFrom('domains').select(['name', 'service_id', 'valid_from', 'valid_to']).execute(),
    ]);
    return {
      services: services.map((s) => ({ id: s.id, customerId: s.customer_id })),
      ipAssignments: ips.map((a) => ({ cidr: a.cidr, serviceId: a.service_id, from: a.valid_from, to: a.valid_to })),
      domains: domains.map((d) => ({ name: d.name, serviceId: d.service_id, from: d.valid_from, to: d.valid_to })),
    };
  }

  async customer(id: string) {
    return this.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async counts(): Promise<{ customers: number; services: number; ipAssignments: number; domains: number }> {
    const count = async (t: 'customers' | 'services' | 'ip_assignments' | 'domains') =>
      Number((await this.db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return { customers: await count('customers'), services: await count('services'), ipAssignments: await count('ip_assignments'), domains: await count('domains') };
  }
}
