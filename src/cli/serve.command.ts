import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../logging.js';
import { serve } from '../serve.js';
import { extensions } from '../extensions.js';

/** `abusedesk serve`: what `npm start` runs. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API, the pipeline worker and every intake on one database')
    .action(async () => {
      const config = loadConfig();
      const log = createLogger(config.logLevel);
      const served = await serve(config, { log, extend: extensions });
      const address = served.http.server.address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      log.info({ database: served.desk.database.dialect, http: `http://${config.http.host}:${port}` }, 'AbuseDesk is up');
      process.stderr.write(`AbuseDesk is serving on http://${config.http.host}:${port} (database: ${config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL'})\n`);
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'stopping');
        served.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    });
}
