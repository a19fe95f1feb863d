import type { Command } from 'commander';
import { InvoiceService } from '../billing/invoice.service.js';
import { withDesk } from './context.js';

/** `abusedesk invoices export [--format csv|json] [--since DATE] [--customer ID]`. */
export function registerInvoices(program: Command): void {
  const invoices = program.command('invoices').description('invoice lines: penalties, blacklisting costs, resource fees, labour');
  invoices
    .command('export')
    .description('print invoice lines as CSV or JSON')
    .option('--format <format>', 'csv or json', 'csv')
    .option('--since <date>', 'only lines created at or after this ISO-8601 date or time')
    .option('--customer <id>', 'only this customer')
    .action(async (opts: { format: string; since?: string; customer?: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'json') throw new Error(`--format must be csv or json, not ${opts.format}`);
      let since: string | undefined;
      if (opts.since) {
        const t = Date.parse(opts.since);
        if (Number.isNaN(t)) throw new Error(`--since: not a date: ${opts.since}`);
        since = new Date(t).toISOString();
      }
      await withDesk(async (desk) => {
        process.stdout.write(await new InvoiceService(desk).export(opts.format as 'csv' | 'json', { since, customerId: opts.customer }));
      });
    });
}
