import type { Selectable } from 'kysely';
import type { Executor } from '../database.js';
import type { CaseMessageTable } from '../schema.js';

export type CaseMessageRow = Selectable<CaseMessageTable>;

export interface NewCaseMessage {
  caseId: number;
  direction: 'inbound' | 'outbound';
  channel: string;
  kind: string;
  sender: string | null;
  recipients: string[];
  subject: string;
  body: string;
  messageId: string | null;
  reportId?: number | null;
  actionId?: number | null;
  dedupeKey: string | null;
  meta?: Record<string, unknown>;
}

const columns = ['id', 'case_id', 'direction', 'channel', 'kind', 'sender', 'recipients', 'subject', 'body', 'message_id', 'report_id', 'action_id', 'dedupe_key', 'meta', 'created_at'] as const;

/** The correspondence of a case, both ways: notices, digests, authority reports, outcome notices and replies. */
export class CaseMessageRepository {
  constructor(private readonly db: Executor) {}

  /** Stores a message once per dedupe key; returns null when that key was stored before. */
  async insertOnce(m: NewCaseMessage, now: Date): Promise<CaseMessageRow | null> {
    const row = await this.db
      .insertInto('case_messages')
      .values({
        case_id: m.caseId,
        direction: m.direction,
        channel: m.channel,
        kind: m.kind,
        sender: m.sender,
        recipients: JSON.stringify(m.recipients),
        subject: m.subject.slice(0, 1000),
        body: m.body.slice(0, 256 * 1024),
        message_id: m.messageId,
        report_id: m.reportId ?? null,
        action_id: m.actionId ?? null,
        dedupe_key: m.dedupeKey,
        meta: JSON.stringify(m.meta ?? {}),
        created_at: now.toISOString(),
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning(columns)
      .executeTakeFirst();
    return row ?? null;
  }

  async byDedupeKey(key: string): Promise<CaseMessageRow | undefined> {
    return this.db.selectFrom('case_messages').select(columns).where('dedupe_key', '=', key).executeTakeFirst();
  }

  async forCase(caseId: number, opts: { limit?: number; afterId?: number } = {}): Promise<CaseMessageRow[]> {
    let q = this.db.selectFrom('case_messages').select(columns).where('case_id', '=', caseId).orderBy('id').limit(opts.limit ?? 500);
    if (opts.afterId) q = q.where('id', '>', opts.afterId);
    return q.execute();
  }

  async get(id: number): Promise<CaseMessageRow | undefined> {
    return this.db.selectFrom('case_messages').select(columns).where('id', '=', id).executeTakeFirst();
  }

  async setMessageId(id: number, messageId: string): Promise<void> {
    await this.db.updateTable('case_messages').set({ message_id: messageId }).where('id', '=', id).execute();
  }
}
