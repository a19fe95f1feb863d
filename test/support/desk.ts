import { AbuseDesk, type AbuseDeskOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging.js';
import type { TestDatabase } from './databases.js';

/** The whole system on a test database, quiet, with whatever clock or hooks the test brings. */
export async function openDesk(database: TestDatabase, opts: Omit<AbuseDeskOptions, 'database'> = {}): Promise<AbuseDesk> {
  const config = loadConfig({ ABUSEDESK_DATA_DIR: '/nonexistent' });
  return AbuseDesk.open({ ...config, database: database.config }, { log: createLogger('silent'), ...opts, database });
}
