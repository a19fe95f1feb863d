import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Database, openDatabase } from '../../src/storage/database.js';

/**
 * The storage test matrix: every storage test runs on SQLite and on PostgreSQL. PostgreSQL comes
 * from ABUSEDESK_TEST_DATABASE_URL (set by .ci/run); each test file gets a database of its own,
 * dropped at the end. Where the variable is unset the PostgreSQL half is skipped, loudly.
 */
export type Engine = 'sqlite' | 'postgres';
const pgUrl = process.env.ABUSEDESK_TEST_DATABASE_URL;

let warned = false;
export const engines: Engine[] = ['sqlite', 'postgres'];

export function engineAvailable(engine: Engine): boolean {
  if (engine === 'postgres' && !pgUrl) {
    if (!warned) {
      warned = true;
      console.warn('\n*** ABUSEDESK_TEST_DATABASE_URL is not set: the PostgreSQL half of the storage tests is SKIPPED ***\n');
    }
    return false;
  }
  return true;
}

export interface TestDatabase extends Database {
  /** Drops what open() created: the SQLite folder or the PostgreSQL database. */
  dispose(): Promise<void>;
  /** The configuration that reaches this database, for code that opens its own connection. */
  config: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
}

export async function openTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'abusedesk-test-'));
    const config = { kind: 'sqlite' as const, file: join(dir, 'abusedesk.sqlite') };
    const database = await openDatabase(config);
    return { ...database, config, dispose: async () => { await database.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  if (!pgUrl) throw new Error('ABUSEDESK_TEST_DATABASE_URL is not set');
  const name = `abusedesk_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const config = { kind: 'postgres' as const, url: url.toString() };
  const database = await openDatabase(config);
  return {
    ...database,
    config,
    dispose: async () => {
      await database.close();
      const a = new pg.Client({ connectionString: pgUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** describe() once per engine, with a fresh database for the block. */
export function describeEachEngine(title: string, body: (db: () => TestDatabase, engine: Engine) => void): void {
  for (const engine of engines) {
    describe.skipIf(!engineAvailable(engine))(`${title} [${engine}]`, () => {
      let database: TestDatabase | undefined;
      beforeAll(async () => {
        database = await openTestDatabase(engine);
      });
      afterAll(async () => {
        await database?.dispose();
      });
      body(() => {
        if (!database) throw new Error('test database not open');
        return database;
      }, engine);
    });
  }
}
