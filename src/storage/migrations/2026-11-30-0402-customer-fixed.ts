import type { Kysely } from 'kysely';

/**
 * A customer's "I have fixed it" from the portal: one row per case (the latest report wins), so the
 * console's awaiting-customer queue can put the case in front of an operator to verify and resolve.
 * Indexed by time for that queue's keyset pages.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_customer_fixed')
    .addColumn('case_id', 'integer', (c) => c.primaryKey().references('cases.id'))
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .addColumn('reported_by', 'text', (c) => c.notNull())
    .addColumn('message_id', 'integer')
    .execute();
  await db.schema.createIndex('case_customer_fixed_time').on('case_customer_fixed').columns(['reported_at', 'case_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('case_customer_fixed').execute();
}
