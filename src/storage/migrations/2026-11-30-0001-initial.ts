import { type Kysely, sql } from 'kysely';
import { blobType, idColumn, idType } from './dialect.js';

/** The foundation schema: inventory, reports, events, cases, actions, audit log and the job queue. */
export async function up(db: Kysely<any>): Promise<void> {
  const id = idType(db);

  await db.schema.createTable('meta').addColumn('key', 'text', (c) => c.primaryKey()).addColumn('value', 'text', (c) => c.notNull()).execute();

  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('contacts', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('services')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('services_customer').on('services').column('customer_id').execute();

  await db.schema
    .createTable('ip_assignments')
    .addColumn('id', id, idColumn(db))
    .addColumn('cidr', 'text', (c) => c.notNull())
    .addColumn('family', 'integer', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text')
    .execute();
  await db.schema.createIndex('ip_assignments_key').on('ip_assignments').columns(['cidr', 'service_id', 'valid_from']).unique().execute();
  await db.schema.createIndex('ip_assignments_service').on('ip_assignments').column('service_id').execute();

  await db.schema
    .createTable('domains')
    .addColumn('id', id, idColumn(db))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text')
    .execute();
  await db.schema.createIndex('domains_key').on('domains').columns(['name', 'service_id', 'valid_from']).unique().execute();
  await db.schema.createIndex('domains_service').on('domains').column('service_id').execute();

  await db.schema
    .createTable('reports')
    .addColumn('id', id, idColumn(db))
    .addColumn('sha256', 'text', (c) => c.notNull().unique())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('reporter', 'text')
    .addColumn('message_id', 'text')
    .addColumn('subject', 'text')
    .addColumn('filename', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('raw', blobType(db), (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('format', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('event_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('meta', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('reports_received').on('reports').column('received_at').execute();
  await db.schema.createIndex('reports_status').on('reports').columns(['status', 'received_at']).execute();
  await db.schema.createIndex('reports_message_id').on('reports').column('message_id').execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', id, idColumn(db))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'text')
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .addColumn('last_seen', 'text', (c) => c.notNull())
    .addColumn('event_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('closed_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // At most one open case per customer, category and resource: correlation relies on it, and on
  // PostgreSQL it is what makes two workers racing for the same new case safe.
  await db.schema
    .createIndex('cases_open_key')
    .on('cases')
    .columns(['customer_id', 'category', 'resource'])
    .unique()
    .where(sql.ref('closed_at'), 'is', null)
    .execute();
  await db.schema.createIndex('cases_status').on('cases').columns(['status', 'last_seen']).execute();
  await db.schema.createIndex('cases_customer').on('cases').columns(['customer_id', 'last_seen']).execute();
  await db.schema.createIndex('cases_last_seen').on('cases').column('last_seen').execute();

  await db.schema
    .createTable('events')
    .addColumn('id', id, idColumn(db))
    .addColumn('report_id', id, (c) => c.notNull().references('reports.id'))
    .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('port', 'integer')
    .addColumn('url', 'text')
    .addColumn('domain', 'text')
    .addColumn('email', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('reporter', 'text')
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text')
    .addColumn('service_id', 'text')
    .addColumn('case_id', id, (c) => c.references('cases.id'))
    .addColumn('resource', 'text')
    .addColumn('matched', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_report').on('events').columns(['report_id', 'status']).execute();
  await db.schema.createIndex('events_case').on('events').columns(['case_id', 'occurred_at']).execute();
  await db.schema.createIndex('events_status').on('events').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('events_ip').on('events').column('ip').execute();
  await db.schema.createIndex('events_domain').on('events').column('domain').execute();
  await db.schema.createIndex('events_customer').on('events').columns(['customer_id', 'occurred_at']).execute();

  await db.schema
    .createTable('actions')
    .addColumn('id', id, idColumn(db))
    .addColumn('case_id', id, (c) => c.notNull().references('cases.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('scope', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('due_at', 'text')
    .addColumn('approval', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'text')
    .addColumn('reason', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('result', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('actions_case').on('actions').column('case_id').execute();
  await db.schema.createIndex('actions_status').on('actions').columns(['status', 'due_at']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', id, idColumn(db))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_entity').on('audit_log').columns(['entity', 'entity_id']).execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', id, idColumn(db))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(5))
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['jobs', 'audit_log', 'actions', 'events', 'cases', 'reports', 'domains', 'ip_assignments', 'services', 'customers', 'meta']) {
    await db.schema.dropTable(t).execute();
  }
}
