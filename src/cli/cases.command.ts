import type { Command } from 'commander';
import { printJson, withDesk } from './context.js';
import { categoryId, positiveInt } from './options.js';

/** `abusedesk cases list|show`. */
export function registerCases(program: Command): void {
  const cases = program.command('cases').description('cases: events of one customer, category and resource');
  cases
    .command('list')
    .description('list cases, newest first')
    .option('--json', 'a JSON array')
    .option('--status <status>', 'only cases with this status')
    .option('--customer <id>', 'only this customer')
    .option('--category <id>', 'only this category', categoryId)
    .option('--limit <n>', 'at most n cases', positiveInt, 1000)
    .action(async (opts: { json?: boolean; status?: string; customer?: string; category?: string; limit: number }) => {
      await withDesk(async (desk) => {
        const list = await desk.cases.list({ status: opts.status, customerId: opts.customer, category: opts.category, limit: opts.limit });
        if (opts.json) return printJson(list);
        for (const c of list) {
          process.stdout.write(`#${c.id}\t${c.status}\t${c.customer}\t${c.category}\t${c.resource}\t${c.eventCount} events\t${c.firstSeen} .. ${c.lastSeen}\n`);
        }
      });
    });
  cases
    .command('show')
    .description('one case with its events and actions')
    .argument('<id>', 'case id')
    .option('--json', 'as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withDesk(async (desk) => {
        const c = await desk.cases.show(Number(id));
        if (!c) {
          process.stderr.write(`no case ${id}\n`);
          process.exitCode = 1;
          return;
        }
        if (opts.json) return printJson(c);
        process.stdout.write(`case #${c.id}: ${c.category} on ${c.resource} (customer ${c.customer}), ${c.status}\n`);
        process.stdout.write(`opened ${c.openedAt}; events ${c.eventCount}, first ${c.firstSeen}, last ${c.lastSeen}; policy ${c.policyVersion ?? '-'}\n`);
        for (const e of c.events) process.stdout.write(`  event ${e.id}: ${e.occurredAt} ${e.type} ${e.ip ?? ''} ${e.url ?? e.domain ?? ''} (report ${e.reportId})\n`);
        for (const a of c.actions) process.stdout.write(`  action ${a.id}: ${a.kind}${a.scope ? `(${a.scope})` : ''} ${a.status}${a.dueAt ? ` due ${a.dueAt}` : ''}\n`);
      });
    });
}
