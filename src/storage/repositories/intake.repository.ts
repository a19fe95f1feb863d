import type { Executor } from '../database.js';
import type { IntakeFollowupTable } from '../schema.js';

export type FollowupState = IntakeFollowupTable['state'];

/** Intake bookkeeping: follow-up jobs per report (each kind once), report metadata added after receipt, IMAP read positions. */
export class IntakeRepository {
  constructor(private readonly db: Executor) {}

  /** Claims the follow-up `kind` for a report; false when it was claimed before (the caller must not enqueue it again). */
  async claimFollowup(reportId: number, kind: string, state: FollowupState, detail: string | null, now: Date): Promise<boolean> {
    const at = now.toISOString();
    const r = await this.db
      .insertInto('intake_followups')
      .values({ report_id: reportId, kind, state, detail, created_at: at, updated_at: at })
      .onConflict((oc) => oc.columns(['report_id', 'kind']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async followup(reportId: number, kind: string): Promise<{ state: FollowupState; detail: string | null } | undefined> {
    return this.db.selectFrom('intake_followups').select(['state', 'detail']).where('report_id', '=', reportId).where('kind', '=', kind).executeTakeFirst();
  }

  async setFollowup(reportId: number, kind: string, state: FollowupState, detail: string | null, now: Date): Promise<void> {
    await this.db
      .updateTable('intake_followups')
      .set({ state, detail: detail?.slice(0, 2000) ?? null, updated_at: now.toISOString() })
      .where('report_id', '=', reportId)
      .where('kind', '=', kind)
      .execute();
  }

  /** Adds keys to a report's metadata (what intake learned after storing it, e.g. SPF/DKIM/DMARC results). */
  async mergeReportMeta(reportId: number, patch: Record<string, unknown>): Promise<void> {
    const row = await this.db.selectFrom('reports').select('meta').where('id', '=', reportId).executeTakeFirst();
    if (!row) throw new Error(`report ${reportId} does not exist`);
    const meta = { ...(JSON.parse(row.meta) as Record<string, unknown>), ...patch };
    await this.db.updateTable('reports').set({ meta: JSON.stringify(meta) }).where('id', '=', reportId).execute();
  }

  /** What the follow-up jobs need to know about a stored report. */
  async reportForFollowup(reportId: number): Promise<{ id: number; raw: Buffer; channel: string; reporter: string | null; subject: string | null; message_id: string | null; meta: string; status: string; format: string | null } | undefined> {
    return this.db.selectFrom('reports').select(['id', 'raw', 'channel', 'reporter', 'subject', 'message_id', 'meta', 'status', 'format']).where('id', '=', reportId).executeTakeFirst();
  }

  /** Reports of the given channels whose follow-ups were never planned (the process stopped between storing and planning). */
  async reportsWithoutFollowups(channels: string[], marker: string, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('reports')
      .select('id')
      .where('channel', 'in', channels)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('intake_followups').select('report_id').whereRef('intake_followups.report_id', '=', 'reports.id').where('intake_followups.kind', '=', marker))),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async imapPosition(mailbox: string): Promise<{ uidValidity: string; lastUid: number } | undefined> {
    const row = await this.db.selectFrom('imap_mailboxes').select(['uid_validity', 'last_uid']).where('mailbox', '=', mailbox).executeTakeFirst();
    return row ? { uidValidity: row.uid_validity, lastUid: Number(row.last_uid) } : undefined;
  }

  async setImapPosition(mailbox: string, uidValidity: string, lastUid: number, now: Date): Promise<void> {
    await this.db
      .insertInto('imap_mailboxes')
      .values({ mailbox, uid_validity: uidValidity, last_uid: lastUid, updated_at: now.toISOString() })
      .onConflict((oc) => oc.column('mailbox').doUpdateSet({ uid_validity: uidValidity, last_uid: lastUid, updated_at: now.toISOString() }))
      .execute();
  }
}
