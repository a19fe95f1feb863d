import { type Kysely, sql } from 'kysely';
import { idColumn, idType, isPostgres } from './dialect.js';

/**
 * Accounts and the console: users (operators and customer users), server-side sessions, API
 * tokens and one-time sign-in links (secrets stored only as SHA-256), case notes, and the
 * indexes the console's queues and search need to answer fast on millions of rows.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const id = idType(db);

  await db.schema
    .createTable('users')
    .addColumn('id', id, idColumn(db))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('password_hash', 'text')
    .addColumn('totp_secret', 'text')
    .addColumn('totp_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_login_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_customer').on('users').column('customer_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', id, (c) => c.notNull().references('users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', id, idColumn(db))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('login_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', id, (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('login_links_user').on('login_links').column('user_id').execute();

  await db.schema
    .createTable('case_notes')
    .addColumn('id', id, idColumn(db))
    .addColumn('case_id', id, (c) => c.notNull().references('cases.id'))
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_notes_case').on('case_notes').columns(['case_id', 'id']).execute();

  // Search by resource (IP ranges are prefix ranges over the canonical text, domains exact).
  // On PostgreSQL in the "C" collation: a range of addresses is a bytewise text range, which a
  // linguistic collation (en_US...) would not keep in order.
  if (isPostgres(db)) await sql`create index cases_resource on cases (resource collate "C", last_seen)`.execute(db);
  else await db.schema.createIndex('cases_resource').on('cases').columns(['resource', 'last_seen']).execute();
  // Keyset pages over (last_seen, id): PostgreSQL needs the id in the index to avoid a sort.
  await db.schema.createIndex('cases_seen_id').on('cases').columns(['last_seen', 'id']).execute();
  await db.schema.createIndex('cases_category_seen').on('cases').columns(['category', 'last_seen', 'id']).execute();
  await db.schema.createIndex('cases_status_seen_id').on('cases').columns(['status', 'last_seen', 'id']).execute();
  await db.schema.createIndex('cases_customer_seen_id').on('cases').columns(['customer_id', 'last_seen', 'id']).execute();
  await db.schema.createIndex('events_reporter').on('events').columns(['reporter', 'case_id']).execute();
  // The dashboard's windows: events per day by category, top customers, without touching the rows.
  await db.schema.createIndex('events_created').on('events').columns(['created_at', 'category', 'customer_id']).execute();
  await db.schema.createIndex('events_status_id').on('events').columns(['status', 'id']).execute();
  await db.schema.createIndex('actions_status_id').on('actions').columns(['status', 'id']).execute();
  await db.schema.createIndex('actions_kind_status_due').on('actions').columns(['kind', 'status', 'due_at']).execute();
  await db.schema.createIndex('reports_status_id').on('reports').columns(['status', 'id']).execute();
  await db.schema.createIndex('reports_reporter').on('reports').columns(['reporter', 'received_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['cases_resource', 'cases_seen_id', 'cases_category_seen', 'cases_status_seen_id', 'cases_customer_seen_id', 'events_reporter', 'events_created', 'events_status_id', 'actions_status_id', 'actions_kind_status_due', 'reports_status_id', 'reports_reporter']) {
    await db.schema.dropIndex(i).execute();
  }
  for (const t of ['case_notes', 'login_links', 'api_tokens', 'sessions', 'users']) await db.schema.dropTable(t).execute();
}
