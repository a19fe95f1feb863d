import type { Command } from 'commander';
import type { ReportStatus } from '../storage/schema.js';
import { printJson, withDesk } from './context.js';
import { oneOf, positiveInt } from './options.js';

/** `abusedesk reports list`. */
export function registerReports(program: Command): void {
  const reports = program.command('reports').description('reports as received');
  reports
    .command('list')
    .description('list reports, newest first')
    .option('--json', 'a JSON array')
    .option('--status <status>', 'parsed, failed, not-actionable or received', oneOf<ReportStatus>(['parsed', 'failed', 'not-actionable', 'received']))
    .option('--limit <n>', 'at most n reports', positiveInt, 1000)
    .action(async (opts: { json?: boolean; status?: ReportStatus; limit: number }) => {
      await withDesk(async (desk) => {
        const list = await desk.reports.list({ status: opts.status, limit: opts.limit });
        if (opts.json) return printJson(list);
        for (const r of list) {
          process.stdout.write(`#${r.id}\t${r.messageId ?? '-'}\t${r.channel}\t${r.receivedAt}\t${r.status}\t${r.format ?? '-'}\t${r.eventCount} events\t${r.subject ?? r.filename ?? ''}${r.error ? `\terror: ${r.error}` : ''}\n`);
        }
      });
    });
}
