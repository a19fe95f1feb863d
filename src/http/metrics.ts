import { Gauge, Registry } from 'prom-client';
import type { AbuseDesk } from '../app.js';
import { CaseRepository } from '../storage/repositories/case.repository.js';
import { EventRepository } from '../storage/repositories/event.repository.js';
import { JobRepository } from '../storage/repositories/job.repository.js';
import { ReportRepository } from '../storage/repositories/report.repository.js';

/**
 * `GET /metrics`: what is stored, counted by stage (status) and category, read from the database
 * at scrape time so every process reports the same truth; plus this process's stage latencies.
 */
export function metricsRegistry(desk: AbuseDesk): Registry {
  const registry = new Registry();
  const db = desk.database.db;
  new Gauge({
    name: 'abusedesk_reports',
    help: 'Reports stored, by status and channel',
    labelNames: ['status', 'channel'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await new ReportRepository(db).countByStatus()) this.set({ status: r.status, channel: r.channel }, r.n);
    },
  });
  new Gauge({
    name: 'abusedesk_events',
    help: 'Events stored, by status and category',
    labelNames: ['status', 'category'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await new EventRepository(db).countByStatusAndCategory()) this.set({ status: r.status, category: r.category }, r.n);
    },
  });
  new Gauge({
    name: 'abusedesk_cases',
    help: 'Cases, by status and category',
    labelNames: ['status', 'category'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await new CaseRepository(db).countByStatusAndCategory()) this.set({ status: r.status, category: r.category }, r.n);
    },
  });
  new Gauge({
    name: 'abusedesk_jobs',
    help: 'Jobs in the durable queue, by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [status, n] of Object.entries(await new JobRepository(db).counts())) this.set({ status }, n);
    },
  });
  return Registry.merge([registry, desk.ctx.metrics.registry]);
}
