import type { Selectable } from 'kysely';
import type { Executor } from '../database.js';
import type { ActionTable } from '../schema.js';

export type ActionRow = Selectable<ActionTable>;

/** The policy's resolution steps as records; the workflow drives their state machine. */
export class ActionRepository {
  constructor(private readonly db: Executor) {}

  async forCase(caseId: number): Promise<ActionRow[]> {
    return this.db.selectFrom('actions').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
  }

  async get(id: number): Promise<ActionRow | undefined> {
    return this.db.selectFrom('actions').selectAll().where('id', '=', id).executeTakeFirst();
  }
}
