/**
 * A worker process for the crash test: opens the configured desk (environment) and runs its
 * jobs until idle. The test kills it with SIGKILL in the middle of an action.
 */
import { AbuseDesk } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging.js';

const desk = await AbuseDesk.open(loadConfig(), { log: createLogger('silent') });
process.stdout.write('ready\n');
await desk.worker.runUntilIdle();
process.stdout.write('idle\n');
await desk.close();
