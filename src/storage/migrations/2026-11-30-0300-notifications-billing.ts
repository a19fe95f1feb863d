import type { Kysely } from 'kysely';
import { idColumn, idType } from './dialect.js';

/**
 * Notifications and money: the messages threaded to a case (both directions), the digest queue,
 * reporters' outcome preferences, invoice lines and the resource-abuse offers.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const id = idType(db);

  await db.schema
    .createTable('case_messages')
    .addColumn('id', id, idColumn(db))
    .addColumn('case_id', id, (c) => c.notNull().references('cases.id'))
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('sender', 'text')
    .addColumn('recipients', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('report_id', id)
    .addColumn('action_id', id)
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('meta', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_messages_case').on('case_messages').columns(['case_id', 'id']).execute();

  await db.schema
    .createTable('digest_entries')
    .addColumn('id', id, idColumn(db))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('case_id', id, (c) => c.notNull().references('cases.id'))
    .addColumn('action_id', id)
    .addColumn('due_at', 'text')
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('message_id', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .execute();
  await db.schema.createIndex('digest_entries_pending').on('digest_entries').columns(['sent_at', 'customer_id']).execute();

  await db.schema
    .createTable('reporter_preferences')
    .addColumn('reporter', 'text', (c) => c.primaryKey())
    .addColumn('notify_outcome', 'integer', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('invoice_lines')
    .addColumn('id', id, idColumn(db))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('case_id', id, (c) => c.references('cases.id'))
    .addColumn('action_id', id)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('quantity', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('unit_price_cents', 'integer', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('period_start', 'text')
    .addColumn('period_end', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('push_status', 'text', (c) => c.notNull())
    .addColumn('pushed_at', 'text')
    .addColumn('push_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invoice_lines_customer').on('invoice_lines').columns(['customer_id', 'created_at']).execute();
  await db.schema.createIndex('invoice_lines_created').on('invoice_lines').column('created_at').execute();

  await db.schema
    .createTable('resource_offers')
    .addColumn('id', id, idColumn(db))
    .addColumn('case_id', id, (c) => c.notNull().unique().references('cases.id'))
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('offered_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('choice', 'text')
    .addColumn('chosen_at', 'text')
    .addColumn('chosen_via', 'text')
    .addColumn('follow_up_at', 'text')
    .addColumn('fee_cents', 'integer', (c) => c.notNull())
    .addColumn('fee_currency', 'text', (c) => c.notNull())
    .addColumn('fee_interval_days', 'integer', (c) => c.notNull())
    .addColumn('fees_billed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['resource_offers', 'invoice_lines', 'reporter_preferences', 'digest_entries', 'case_messages']) await db.schema.dropTable(t).execute();
}
