import { AbuseDesk } from '../app.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logging.js';

/**
 * Opens the system for one CLI command and closes it after. Commands log only warnings: their
 * output is the result, on stdout.
 */
export async function withDesk<T>(fn: (desk: AbuseDesk) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const desk = await AbuseDesk.open(config, { log: createLogger(process.env.ABUSEDESK_LOG_LEVEL ?? 'warn') });
  try {
    return await fn(desk);
  } finally {
    await desk.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
