import { hostname } from 'node:os';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logging.js';
import type { Db } from '../storage/database.js';
import { type JobRow, JobRepository, StaleJobError } from '../storage/repositories/job.repository.js';
import type { PipelineMetrics } from './metrics.js';

/**
 * A kind of job. `run` does the work and must call `JobRepository.complete(job)` inside the
 * transaction that writes its results: that is what makes a crash lose nothing and repeat
 * nothing. Retries and backoff are declared here, once per kind.
 */
export interface JobType<P = any> {
  kind: string;
  run(job: JobRow, payload: P): Promise<void>;
  /** Attempts before the job is failed for good (default 5). */
  maxAttempts?: number;
  /** Delay before attempt n+1 (default exponential from one second). */
  backoffMs?(attempt: number): number;
  /** Called once when the job has failed for good, to leave a visible trace on what it was for. */
  giveUp?(job: JobRow, payload: P, error: string): Promise<void>;
}

export interface WorkerOptions {
  leaseMs?: number;
  batch?: number;
  /** Longest sleep between polls; other processes' jobs are seen at least this often. */
  pollMs?: number;
}

const defaultBackoff = (attempt: number) => Math.min(1000 * 2 ** (attempt - 1), 3_600_000);

/** Runs due jobs from the durable queue. Several workers (processes) may share one database. */
export class Worker {
  private readonly types = new Map<string, JobType>();
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  readonly id = `${hostname()}:${process.pid}`;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly metrics: PipelineMetrics,
    private readonly opts: WorkerOptions = {},
  ) {}

  register(type: JobType): this {
    this.types.set(type.kind, type);
    return this;
  }

  /** Wakes the loop at once: new work was just committed by this process. */
  nudge(): void {
    this.wake?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.runLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loop;
  }

  /** Runs every job that is due now until none is left; for the CLI and tests. Returns how many ran. */
  async runUntilIdle(maxJobs = Number.POSITIVE_INFINITY): Promise<number> {
    let ran = 0;
    while (ran < maxJobs) {
      const n = await this.tick();
      if (n === 0) break;
      ran += n;
    }
    return ran;
  }

  /** Claims one batch of due jobs and runs them; returns how many it ran. */
  async tick(): Promise<number> {
    const jobs = await new JobRepository(this.db).claim(this.clock.now(), this.opts.leaseMs ?? 60_000, this.opts.batch ?? 16, [...this.types.keys()]);
    for (const job of jobs) await this.runOne(job);
    return jobs.length;
  }

  private async runOne(job: JobRow): Promise<void> {
    const type = this.types.get(job.kind);
    const started = performance.now();
    let payload: unknown;
    try {
      payload = JSON.parse(job.payload);
      if (!type) throw new Error(`no handler for job kind ${job.kind}`);
      const max = type.maxAttempts ?? job.max_attempts;
      if (job.attempts > max) throw new Error(`gave up after ${max} attempts`);
      await type.run(job, payload);
      this.observe(job.kind, 'done', started);
    } catch (err) {
      if (err instanceof StaleJobError) {
        this.log.warn({ job: job.id, kind: job.kind }, err.message);
        this.observe(job.kind, 'stale', started);
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      const max = type?.maxAttempts ?? job.max_attempts;
      const retry = type && job.attempts < max ? new Date(this.clock.now().getTime() + (type.backoffMs ?? defaultBackoff)(job.attempts)) : null;
      this.log.error({ job: job.id, kind: job.kind, attempt: job.attempts, retry: retry?.toISOString() ?? null, err: message }, 'job failed');
      this.observe(job.kind, retry ? 'retry' : 'failed', started);
      await new JobRepository(this.db).fail(job, message, this.clock.now(), retry);
      if (!retry && type?.giveUp) {
        await type.giveUp(job, payload, message).catch((e) => this.log.error({ job: job.id, err: String(e) }, 'giveUp failed'));
      }
    }
  }

  private observe(kind: string, outcome: string, started: number): void {
    this.metrics.stageSeconds.observe({ stage: kind, outcome }, (performance.now() - started) / 1000);
    this.metrics.jobsProcessed.inc({ kind, outcome });
  }

  private async runLoop(): Promise<void> {
    const pollMs = this.opts.pollMs ?? 1000;
    while (this.running) {
      let ran = 0;
      try {
        ran = await this.tick();
      } catch (err) {
        // The database may be briefly away: keep the loop alive and try again after a pause.
        this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'worker poll failed');
      }
      if (ran > 0 || !this.running) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = null;
    }
  }
}
