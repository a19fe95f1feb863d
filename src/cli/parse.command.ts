import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { listFiles, partitionPaths, readReports } from '../intake/files.js';
import { parseReport } from '../parsers/index.js';
import { Progress } from './progress.js';

/** `abusedesk parse [--json] PATH...`: parse without a database, one result per report. */
export function registerParse(program: Command): void {
  program
    .command('parse')
    .description('parse report files or whole directories, without a database')
    .option('--json', 'one JSON object per report per line')
    .argument('<paths...>', 'files or directories')
    .action(async (paths: string[], opts: { json?: boolean }) => {
      const { found, missing } = partitionPaths(paths);
      for (const m of missing) process.stderr.write(`${m}: no such file or directory\n`);
      if (missing.length) process.exitCode = 1;
      const files = listFiles(found);
      const progress = new Progress('parse');
      let reports = 0;
      let failed = 0;
      let events = 0;
      for (const [i, file] of files.entries()) {
        // A report that carries no time of its own is dated by its file, as intake dates it by arrival.
        const receivedAt = statSync(file).mtime.toISOString();
        for (const r of readReports(file)) {
          const result = await parseReport(r.bytes, { filename: r.filename, receivedAt });
          reports++;
          events += result.events.length;
          if (result.error) failed++;
          if (opts.json) {
            process.stdout.write(JSON.stringify({ file: r.name, format: result.format, events: result.events, error: result.error, notActionable: Boolean(result.notActionable) }) + '\n');
          } else {
            const cats = [...new Set(result.events.map((e) => e.category))].join(',');
            const what = result.error ? `error: ${result.error}` : result.notActionable ? 'not actionable' : `${result.events.length} events${cats ? ` (${cats})` : ''}`;
            process.stdout.write(`${r.name}: ${result.format} ${what}\n`);
          }
        }
        progress.update(i + 1, files.length);
      }
      progress.done();
      if (!opts.json || process.stderr.isTTY) process.stderr.write(`parsed ${reports} reports in ${progress.seconds.toFixed(1)} s: ${events} events, ${failed} rejected\n`);
    });
}
