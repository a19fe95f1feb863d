import type { Selectable } from 'kysely';
import type { Executor } from '../database.js';
import type { ReportStatus, ReportTable } from '../schema.js';

export type ReportRow = Selectable<ReportTable>;
export type ReportSummary = Omit<ReportRow, 'raw'>;

export interface NewReport {
  sha256: string;
  channel: string;
  reporter: string | null;
  messageId: string | null;
  subject: string | null;
  filename: string | null;
  receivedAt: Date;
  raw: Buffer;
  /** The report's size when its bytes are kept as a blob file (raw is then empty). */
  size?: number;
  meta: Record<string, unknown>;
}

const summaryColumns = ['id', 'sha256', 'channel', 'reporter', 'message_id', 'subject', 'filename', 'received_at', 'size', 'format', 'status', 'error', 'event_count', 'meta'] as const;

/** Reports as received: the raw bytes unchanged, their SHA-256, and where they stand in the pipeline. */
export class ReportRepository {
  constructor(private readonly db: Executor) {}

  /** Stores a report once: the same bytes a second time return the first report's id. */
  async insertOnce(r: NewReport): Promise<{ id: number; duplicate: boolean }> {
    const inserted = await this.db
      .insertInto('reports')
      .values({
        sha256: r.sha256,
        channel: r.channel,
        reporter: r.reporter,
        message_id: r.messageId,
        subject: r.subject,
        filename: r.filename,
        received_at: r.receivedAt.toISOString(),
        raw: r.raw,
        size: r.size ?? r.raw.length,
        format: null,
        status: 'received',
        error: null,
        event_count: 0,
        meta: JSON.stringify(r.meta),
      })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { id: inserted.id, duplicate: false };
    const existing = await this.db.selectFrom('reports').select('id').where('sha256', '=', r.sha256).executeTakeFirstOrThrow();
    return { id: existing.id, duplicate: true };
  }

  async raw(id: number): Promise<{ raw: Buffer; filename: string | null; received_at: string; channel: string; meta: string } | undefined> {
    return this.db.selectFrom('reports').select(['raw', 'filename', 'received_at', 'channel', 'meta']).where('id', '=', id).executeTakeFirst();
  }

  async get(id: number): Promise<ReportSummary | undefined> {
    return this.db.selectFrom('reports').select(summaryColumns).where('id', '=', id).executeTakeFirst();
  }

  async setOutcome(id: number, o: { status: ReportStatus; format: string | null; error: string | null; eventCount: number }): Promise<void> {
    await this.db.updateTable('reports').set({ status: o.status, format: o.format, error: o.error, event_count: o.eventCount }).where('id', '=', id).execute();
  }

  async list(filter: { status?: ReportStatus; limit?: number; beforeId?: number } = {}): Promise<ReportSummary[]> {
    let q = this.db.selectFrom('reports').select(summaryColumns).orderBy('id', 'desc').limit(filter.limit ?? 100);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
    return q.execute();
  }

  async countByStatus(): Promise<{ status: string; channel: string; n: number }[]> {
    const rows = await this.db.selectFrom('reports').select(['status', 'channel', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['status', 'channel']).execute();
    return rows.map((r) => ({ ...r, n: Number(r.n) }));
  }
}
