import type { Db } from '../storage/database.js';
import { EventRepository } from '../storage/repositories/event.repository.js';
import { ReportRepository } from '../storage/repositories/report.repository.js';
import type { ReportStatus } from '../storage/schema.js';
import { presentEvent, presentReport } from './presenters.js';

/** Reading reports as received and where each stands. */
export class ReportService {
  constructor(private readonly db: Db) {}

  async list(filter: { status?: ReportStatus; limit?: number; beforeId?: number } = {}) {
    return (await new ReportRepository(this.db).list(filter)).map(presentReport);
  }

  /** The report without its events: a big CSV has millions. */
  async summary(id: number) {
    const r = await new ReportRepository(this.db).get(id);
    return r ? presentReport(r) : null;
  }

  async show(id: number) {
    const r = await new ReportRepository(this.db).get(id);
    if (!r) return null;
    return { ...presentReport(r), events: (await new EventRepository(this.db).forReport(id)).map(presentEvent) };
  }
}
