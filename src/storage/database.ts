import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from '../config/config.js';
import { migrations } from './migrations/index.js';
import type { Schema } from './schema.js';

// PostgreSQL returns int8 (bigint ids, count(*)) as strings by default; every id and count here
// fits in a double, and one type on both engines keeps the query code single.
pg.types.setTypeParser(20, (v) => Number(v));

export type Db = Kysely<Schema>;
export type Tx = Transaction<Schema>;
/** Either the database or a transaction on it: repositories take this so a step can compose them in one transaction. */
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Run pending migrations (default true). */
  migrate?: boolean;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(cfg: Config['database'], opts: OpenOptions = {}): Promise<Database> {
  let db: Db;
  let dialect: Database['dialect'];
  if (cfg.kind === 'sqlite') {
    if (cfg.file !== ':memory:') mkdirSync(dirname(cfg.file), { recursive: true });
    const sqlite = new BetterSqlite3(cfg.file);
    sqlite.pragma('journal_mode = WAL');
    // FULL: a report acknowledged to its sender (SMTP 250) must survive a power cut, not only a crash.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 10000');
    db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
    dialect = 'sqlite';
  } else {
    const pool = new pg.Pool({ connectionString: cfg.url, max: opts.poolSize ?? 10 });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    dialect = 'postgres';
  }
  if (opts.migrate !== false) await migrate(db);
  return { db, dialect, close: () => db.destroy() };
}

export async function migrate(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
