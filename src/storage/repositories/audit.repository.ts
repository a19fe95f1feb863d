import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../database.js';
import { onPostgres } from '../dialect.js';

export interface AuditEntry {
  actor: string;
  entity: string;
  entityId: string | number;
  action: string;
  data?: Record<string, unknown>;
}

export interface AuditProblem {
  id: number;
  problem: 'changed' | 'removed-before' | 'head-mismatch';
  detail: string;
}

const GENESIS = '0'.repeat(64);

/** The hash that chains one audit row to the one before: any change to a row or its order breaks it. */
export function auditHash(prev: string, row: { at: string; actor: string; entity: string; entity_id: string; action: string; data: string }): string {
  return createHash('sha256')
    .update(JSON.stringify([prev, row.at, row.actor, row.entity, row.entity_id, row.action, row.data]))
    .digest('hex');
}

/**
 * The append-only audit log. Each row carries the hash of the row before; the newest hash is
 * also kept in `meta` so that removing the last rows is caught too.
 */
export class AuditRepository {
  constructor(private readonly db: Executor) {}

  /** Appends entries; call inside the transaction that makes the change they describe. */
  async append(at: Date, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // Writers must take turns on the chain head. SQLite has one writer at a time already.
    if (onPostgres(this.db)) await sql`select pg_advisory_xact_lock(7202611)`.execute(this.db);
    const head = await this.db.selectFrom('meta').select('value').where('key', '=', 'audit_head').executeTakeFirst();
    let prev = head?.value ?? GENESIS;
    const rows = entries.map((e) => {
      const row = { at: at.toISOString(), actor: e.actor, entity: e.entity, entity_id: String(e.entityId), action: e.action, data: JSON.stringify(e.data ?? {}) };
      const hash = auditHash(prev, row);
      const out = { ...row, prev_hash: prev, hash };
      prev = hash;
      return out;
    });
    await this.db.insertInto('audit_log').values(rows).execute();
    await this.db
      .insertInto('meta')
      .values({ key: 'audit_head', value: prev })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: prev }))
      .execute();
  }

  async forEntity(entity: string, entityId: string | number) {
    return this.db.selectFrom('audit_log').selectAll().where('entity', '=', entity).where('entity_id', '=', String(entityId)).orderBy('id').execute();
  }

  /** Walks the whole chain; returns every row found changed, or missing before a row, or a head that does not match. */
  async verify(batch = 5000): Promise<{ rows: number; problems: AuditProblem[] }> {
    const problems: AuditProblem[] = [];
    let prev = GENESIS;
    let lastId = 0;
    let rows = 0;
    for (;;) {
      const page = await this.db.selectFrom('audit_log').selectAll().where('id', '>', lastId).orderBy('id').limit(batch).execute();
      for (const r of page) {
        rows++;
        if (r.prev_hash !== prev) problems.push({ id: r.id, problem: 'removed-before', detail: `audit entry ${r.id}: the entry before it was removed or reordered` });
        if (auditHash(r.prev_hash, r) !== r.hash) problems.push({ id: r.id, problem: 'changed', detail: `audit entry ${r.id} (${r.entity} ${r.entity_id} ${r.action}) was changed` });
        prev = r.hash;
        lastId = r.id;
      }
      if (page.length < batch) break;
    }
    const head = await this.db.selectFrom('meta').select('value').where('key', '=', 'audit_head').executeTakeFirst();
    if ((head?.value ?? GENESIS) !== prev) problems.push({ id: lastId, problem: 'head-mismatch', detail: `the newest audit entries after ${lastId} were removed` });
    return { rows, problems };
  }
}
