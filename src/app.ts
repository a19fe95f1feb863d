import { join } from 'node:path';
import type { Config } from './config/config.js';
import { type Clock, systemClock } from './domain/clock.js';
import { createLogger, type Logger } from './logging.js';
import type { PipelineContext } from './pipeline/context.js';
import { correlateStep } from './pipeline/correlate.step.js';
import type { PipelineHooks } from './pipeline/hooks.js';
import { PipelineMetrics } from './pipeline/metrics.js';
import { parseStep } from './pipeline/parse.step.js';
import { ResolverCache } from './pipeline/resolver-cache.js';
import { Worker, type WorkerOptions } from './pipeline/worker.js';
import { CaseService } from './services/case.service.js';
import { IngestService } from './services/ingest.service.js';
import { InventoryService } from './services/inventory.service.js';
import { ReportService } from './services/report.service.js';
import { BlobStore } from './storage/blob-store.js';
import { type Database, openDatabase } from './storage/database.js';
import { installWorkflow } from './workflow/install.js';
import { installNotifications } from './notifications/install.js';

export interface AbuseDeskOptions {
  clock?: Clock;
  log?: Logger;
  hooks?: PipelineHooks;
  worker?: WorkerOptions;
  /** An already open database (tests); otherwise the configured one is opened and migrated. */
  database?: Database;
}

/**
 * The whole system wired once: database, pipeline stages, worker and the services the CLI and
 * HTTP API share. Nothing listens on a socket here; `serve` decides what to start.
 */
export class AbuseDesk {
  readonly ctx: PipelineContext;
  readonly worker: Worker;
  readonly ingest: IngestService;
  readonly cases: CaseService;
  readonly inventory: InventoryService;
  readonly reports: ReportService;
  /** Big raw reports, as files under the data dir. */
  readonly blobs: BlobStore;

  private constructor(
    readonly config: Config,
    readonly database: Database,
    private readonly ownsDatabase: boolean,
    opts: AbuseDeskOptions,
  ) {
    const log = opts.log ?? createLogger(config.logLevel);
    const metrics = new PipelineMetrics();
    let worker: Worker | null = null;
    this.ctx = {
      db: database.db,
      dialect: database.dialect,
      clock: opts.clock ?? systemClock,
      log,
      metrics,
      resolvers: new ResolverCache(database.db),
      hooks: opts.hooks ?? {},
      nudge: () => worker?.nudge(),
    };
    worker = new Worker(database.db, this.ctx.clock, log, metrics, opts.worker);
    this.blobs = new BlobStore(join(config.dataDir, 'blobs'));
    this.worker = worker.register(parseStep(this.ctx, this.blobs)).register(correlateStep(this.ctx));
    this.ingest = new IngestService(this.ctx, this.blobs);
    this.cases = new CaseService(database.db);
    this.inventory = new InventoryService(this.ctx);
    this.reports = new ReportService(database.db);
    installWorkflow(this);
    installNotifications(this);
  }

  static async open(config: Config, opts: AbuseDeskOptions = {}): Promise<AbuseDesk> {
    const database = opts.database ?? (await openDatabase(config.database));
    return new AbuseDesk(config, database, !opts.database, opts);
  }

  async close(): Promise<void> {
    await this.worker.stop();
    if (this.ownsDatabase) await this.database.close();
  }
}
