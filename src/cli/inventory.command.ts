import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { InventoryError } from '../domain/inventory.js';
import { inventoryFromCsv } from '../services/inventory.service.js';
import { withDesk } from './context.js';
import { Progress } from './progress.js';

/** `abusedesk inventory import FILE`: JSON (the contract) or CSV of one list named by `--list` or the file name. */
export function registerInventory(program: Command): void {
  const inventory = program.command('inventory').description('customers, services, IP assignments and domains');
  inventory
    .command('import')
    .description('import an inventory file; idempotent and all-or-nothing')
    .argument('<file>', 'inventory JSON, or CSV of one list (customers, services, ipAssignments, domains)')
    .option('--list <name>', 'for CSV: which list the file holds (default: the file name, e.g. services.csv)')
    .action(async (file: string, opts: { list?: string }) => {
      let doc: unknown;
      try {
        const text = readFileSync(file, 'utf8');
        doc = extname(file).toLowerCase() === '.csv' ? inventoryFromCsv(opts.list ?? basename(file, extname(file)), text) : JSON.parse(text);
      } catch (err) {
        process.stderr.write(`${file}: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
        return;
      }
      await withDesk(async (desk) => {
        const progress = new Progress('import');
        try {
          const d = await desk.inventory.import(doc, (done, total) => progress.update(done, total));
          progress.done();
          process.stdout.write(
            `imported ${d.customers.length} customers, ${d.services.length} services, ${d.ipAssignments.length} IP assignments, ${d.domains.length} domains in ${progress.seconds.toFixed(1)} s\n`,
          );
        } catch (err) {
          progress.done();
          if (!(err instanceof InventoryError)) throw err;
          process.stderr.write(`${file}: ${err.message}\n`);
          process.exitCode = 1;
        }
      });
    });
}
