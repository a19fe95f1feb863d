import type { Selectable } from 'kysely';
import type { Executor } from '../database.js';
import type { CaseNoteTable } from '../schema.js';

export type NoteRow = Selectable<CaseNoteTable>;

/** Operators' notes on cases. */
export class NoteRepository {
  constructor(private readonly db: Executor) {}

  async add(caseId: number, author: string, text: string, now: Date): Promise<NoteRow> {
    return this.db.insertInto('case_notes').values({ case_id: caseId, author, text, created_at: now.toISOString() }).returning(['id', 'case_id', 'author', 'text', 'created_at']).executeTakeFirstOrThrow();
  }

  async forCase(caseId: number, limit = 500): Promise<NoteRow[]> {
    return this.db.selectFrom('case_notes').select(['id', 'case_id', 'author', 'text', 'created_at']).where('case_id', '=', caseId).orderBy('id').limit(limit).execute();
  }
}
