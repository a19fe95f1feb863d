import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * The few DDL differences between SQLite and PostgreSQL, kept beside the migrations so that a
 * migration never imports application code and stays frozen in time.
 */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** An auto-incrementing integer primary key. */
export function idColumn(db: Kysely<any>) {
  return (col: ColumnDefinitionBuilder) =>
    isPostgres(db) ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement();
}

export function idType(db: Kysely<any>) {
  return isPostgres(db) ? ('bigint' as const) : ('integer' as const);
}

export function blobType(db: Kysely<any>) {
  return isPostgres(db) ? sql`bytea` : sql`blob`;
}
