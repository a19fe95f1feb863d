import { Counter, Histogram, Registry } from 'prom-client';

/** The pipeline's own measurements. Counts of what is stored come from the database at scrape time (see http/metrics.ts). */
export class PipelineMetrics {
  readonly registry = new Registry();
  readonly stageSeconds = new Histogram({
    name: 'abusedesk_stage_duration_seconds',
    help: 'Time one pipeline stage took for one job, by stage',
    labelNames: ['stage', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly reportToCaseSeconds = new Histogram({
    name: 'abusedesk_report_to_case_seconds',
    help: 'Time from a report being received to its events being correlated into cases',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly jobsProcessed = new Counter({
    name: 'abusedesk_jobs_processed_total',
    help: 'Jobs run by this process, by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
}
