import type { Kysely } from 'kysely';
import { idColumn, idType } from './dialect.js';

/**
 * The policy engine's tables: stored policy versions, the consent registry, each case's place on
 * its ladder (with its durable timers), the once-per-customer record of policy notices, and the
 * action columns the state machine needs.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const id = idType(db);

  await db.schema
    .createTable('policies')
    .addColumn('id', id, idColumn(db))
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull().unique())
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('activated_at', 'text', (c) => c.notNull())
    .addColumn('activated_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('policies_effective').on('policies').columns(['effective_from', 'id']).execute();

  await db.schema
    .createTable('policy_notices')
    .addColumn('policy_ref', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addPrimaryKeyConstraint('policy_notices_pk', ['policy_ref', 'customer_id'])
    .execute();

  await db.schema
    .createTable('consents')
    .addColumn('id', id, idColumn(db))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('cidrs', 'text', (c) => c.notNull())
    .addColumn('targets', 'text')
    .addColumn('ports', 'text')
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text')
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .addColumn('revoke_reason', 'text')
    .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_hit_at', 'text')
    .execute();
  await db.schema.createIndex('consents_customer').on('consents').columns(['customer_id', 'kind']).execute();

  await db.schema
    .createTable('case_workflow')
    .addColumn('case_id', id, (c) => c.primaryKey().references('cases.id'))
    .addColumn('policy_ref', 'text')
    .addColumn('step', 'integer', (c) => c.notNull().defaultTo(-1))
    .addColumn('step_started_at', 'text')
    .addColumn('deadline_at', 'text')
    .addColumn('paused_remaining_ms', 'integer')
    .addColumn('resume_at', 'text')
    .addColumn('armed_step', 'integer')
    .addColumn('last_reply_at', 'text')
    .addColumn('last_event_at', 'text')
    .addColumn('close_at', 'text')
    .addColumn('finished', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_workflow_deadline').on('case_workflow').column('deadline_at').execute();
  await db.schema.createIndex('case_workflow_close').on('case_workflow').column('close_at').execute();
  await db.schema.createIndex('case_workflow_resume').on('case_workflow').column('resume_at').execute();

  for (const [name, type] of [
    ['requested_by', 'text'],
    ['connector', 'text'],
    ['started_at', 'text'],
    ['finished_at', 'text'],
  ] as const) {
    await db.schema.alterTable('actions').addColumn(name, type).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['finished_at', 'started_at', 'connector', 'requested_by']) await db.schema.alterTable('actions').dropColumn(c).execute();
  for (const t of ['case_workflow', 'consents', 'policy_notices', 'policies']) await db.schema.dropTable(t).execute();
}
