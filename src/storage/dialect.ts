import { PostgresAdapter } from 'kysely';
import type { Executor } from './database.js';

/** True on PostgreSQL. Repositories ask this in the few queries the two engines spell differently. */
export function onPostgres(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Rows per multi-row INSERT: SQLite allows 32,766 bound parameters per statement. */
export function chunk<T>(rows: T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(30000 / Math.max(1, columns)));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
