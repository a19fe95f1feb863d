import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logging.js';
import type { Db } from '../storage/database.js';
import type { PipelineHooks } from './hooks.js';
import type { PipelineMetrics } from './metrics.js';
import type { ResolverCache } from './resolver-cache.js';

/** What every stage and service works with: one database, one clock, one log. */
export interface PipelineContext {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  clock: Clock;
  log: Logger;
  metrics: PipelineMetrics;
  resolvers: ResolverCache;
  hooks: PipelineHooks;
  /** Tells this process's worker that new jobs were committed. */
  nudge(): void;
}
