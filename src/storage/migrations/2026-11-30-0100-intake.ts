import type { Kysely } from 'kysely';

/**
 * Intake bookkeeping: the follow-up jobs each report got once (acknowledgement, authentication
 * check), and how far the IMAP poller has read each mailbox.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('intake_followups')
    .addColumn('report_id', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // queued, attempted, done, skipped, failed
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('intake_followups_pk', ['report_id', 'kind'])
    .execute();

  await db.schema
    .createTable('imap_mailboxes')
    .addColumn('mailbox', 'text', (c) => c.primaryKey())
    .addColumn('uid_validity', 'text', (c) => c.notNull())
    .addColumn('last_uid', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('imap_mailboxes').execute();
  await db.schema.dropTable('intake_followups').execute();
}
