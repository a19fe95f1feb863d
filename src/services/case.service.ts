import type { Db } from '../storage/database.js';
import { ActionRepository } from '../storage/repositories/action.repository.js';
import { type CaseFilter, CaseRepository } from '../storage/repositories/case.repository.js';
import { EventRepository } from '../storage/repositories/event.repository.js';
import { presentAction, presentCase, presentEvent } from './presenters.js';

/** Reading cases, as the CLI and the HTTP API both do. */
export class CaseService {
  constructor(private readonly db: Db) {}

  async list(filter: CaseFilter = {}) {
    return (await new CaseRepository(this.db).list(filter)).map(presentCase);
  }

  /** The case with its events and actions, or null. */
  async show(id: number) {
    const c = await new CaseRepository(this.db).get(id);
    if (!c) return null;
    const [events, actions] = await Promise.all([new EventRepository(this.db).forCase(id), new ActionRepository(this.db).forCase(id)]);
    return {
      ...presentCase(c),
      policyVersion: c.policy_version,
      openedAt: c.opened_at,
      closedAt: c.closed_at,
      updatedAt: c.updated_at,
      events: events.map(presentEvent),
      actions: actions.map(presentAction),
    };
  }
}
