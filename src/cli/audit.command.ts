import type { Command } from 'commander';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { printJson, withDesk } from './context.js';

/** `abusedesk audit verify|show`: the hash-chained, append-only log of every change of state. */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('walk the hash chain; names every entry changed or removed and exits non-zero if any')
    .option('--json', 'as JSON')
    .action(async (o: { json?: boolean }) => {
      await withDesk(async (desk) => {
        const r = await new AuditRepository(desk.database.db).verify();
        if (o.json) printJson(r);
        else {
          for (const p of r.problems) process.stdout.write(`PROBLEM ${p.problem}: ${p.detail}\n`);
          process.stdout.write(r.problems.length ? `audit log BROKEN: ${r.problems.length} problem(s) in ${r.rows} entries\n` : `audit log intact: ${r.rows} entries\n`);
        }
        if (r.problems.length) process.exitCode = 1;
      });
    });
  audit
    .command('show')
    .description('the audit entries of one entity (case, action, report, consent, policy, customer)')
    .argument('<entity>', 'entity kind')
    .argument('<id>', 'entity id')
    .option('--json', 'as JSON')
    .action(async (entity: string, id: string, o: { json?: boolean }) => {
      await withDesk(async (desk) => {
        const rows = await new AuditRepository(desk.database.db).forEntity(entity, id);
        if (o.json) return printJson(rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, data: JSON.parse(r.data) as unknown, hash: r.hash })));
        for (const r of rows) process.stdout.write(`${r.id}\t${r.at}\t${r.actor}\t${r.action}\t${r.data}\n`);
      });
    });
}
