import type { Command } from 'commander';
import { workflowOf } from '../workflow/install.js';
import { printJson, withDesk } from './context.js';

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

/** `abusedesk consents add|list|revoke`: written consent for IRC, permission for port scans and security audits. */
export function registerConsents(program: Command): void {
  const consents = program.command('consents').description('the consent registry (IRC, port scans, security audits)');
  consents
    .command('add')
    .description('record a consent; events it covers are recorded and trigger no action')
    .requiredOption('--customer <id>', 'customer id')
    .requiredOption('--kind <kind>', 'irc or port-scan')
    .requiredOption('--cidr <cidr...>', 'addresses the consent covers (repeat or comma-separate)', collect)
    .option('--target <target...>', 'only scans of these addresses or hosts', collect)
    .option('--port <port...>', 'only these ports or ranges (6660-6669)', collect)
    .requiredOption('--from <time>', 'valid from (ISO-8601)')
    .option('--to <time>', 'valid until (ISO-8601)')
    .requiredOption('--document <ref>', 'the signed document it rests on')
    .option('--note <text>', 'a note')
    .option('--by <name>', 'who records it')
    .option('--json', 'print the consent as JSON')
    .action(async (o: { customer: string; kind: string; cidr: string[]; target?: string[]; port?: string[]; from: string; to?: string; document: string; note?: string; by?: string; json?: boolean }) => {
      await withDesk(async (desk) => {
        const c = await workflowOf(desk).consents.add(
          {
            customer: o.customer,
            kind: o.kind as 'irc' | 'port-scan',
            cidrs: o.cidr,
            targets: o.target ?? null,
            ports: o.port ? o.port.map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : null,
            validFrom: o.from,
            validTo: o.to ?? null,
            document: o.document,
            note: o.note ?? null,
          },
          o.by ?? process.env.USER ?? 'operator',
        );
        if (o.json) return printJson(c);
        process.stdout.write(`consent ${c.id}: ${c.kind} for ${c.customer} on ${c.cidrs.join(', ')} from ${c.validFrom}${c.validTo ? ` to ${c.validTo}` : ''} (${c.document})\n`);
      });
    });
  consents
    .command('list')
    .description('consents, newest first')
    .option('--customer <id>', 'only this customer')
    .option('--kind <kind>', 'irc or port-scan')
    .option('--all', 'include revoked ones')
    .option('--json', 'a JSON array')
    .action(async (o: { customer?: string; kind?: string; all?: boolean; json?: boolean }) => {
      await withDesk(async (desk) => {
        const list = await workflowOf(desk).consents.list({ customer: o.customer, kind: o.kind, all: o.all });
        if (o.json) return printJson(list);
        for (const c of list) {
          process.stdout.write(`#${c.id}\t${c.kind}\t${c.customer}\t${c.cidrs.join(',')}\t${c.validFrom} .. ${c.validTo ?? 'open'}\t${c.document}\t${c.hits} hit(s)${c.revokedAt ? `\trevoked ${c.revokedAt}` : ''}\n`);
        }
      });
    });
  consents
    .command('revoke')
    .description('revoke a consent from now on')
    .argument('<id>', 'consent id')
    .option('--reason <text>', 'why')
    .option('--by <name>', 'who revokes it')
    .action(async (id: string, o: { reason?: string; by?: string }) => {
      await withDesk(async (desk) => {
        const c = await workflowOf(desk).consents.revoke(Number(id), o.by ?? process.env.USER ?? 'operator', o.reason ?? null);
        process.stdout.write(`consent ${c.id} revoked at ${c.revokedAt}\n`);
      });
    });
}
