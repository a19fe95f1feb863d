import type { Command } from 'commander';
import { AuthError, authFor } from '../auth/auth.service.js';
import { printJson, withDesk } from './context.js';

/** `abusedesk tokens create|list|revoke`: API tokens for machines (`Authorization: Bearer`). */
export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').description('API tokens for machine access');
  tokens
    .command('create')
    .description('create a token; it is printed once and stored only as a hash')
    .requiredOption('--role <role>', 'analyst, supervisor, admin or customer')
    .option('--name <name>', 'what the token is for')
    .option('--customer <id>', 'the customer a customer token belongs to')
    .option('--expires <iso>', 'expiry time (ISO-8601)')
    .option('--json', 'print {id, token} as JSON')
    .action(async (opts: { role: string; name?: string; customer?: string; expires?: string; json?: boolean }) => {
      await withDesk(async (desk) => {
        try {
          const expiresAt = opts.expires ? new Date(opts.expires) : null;
          if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new AuthError('bad_request', `--expires: "${opts.expires}" is not a time`);
          const { token, row } = await authFor(desk).createToken({ role: opts.role, name: opts.name, customerId: opts.customer ?? null, expiresAt }, `cli:${process.env.USER ?? 'unknown'}`);
          if (opts.json) printJson({ id: row.id, role: row.role, name: row.name, token });
          else {
            process.stdout.write(`${token}\n`);
            process.stderr.write(`token ${row.id} (${row.role}) created; it is shown only now. Use it as: Authorization: Bearer <token>\n`);
          }
        } catch (err) {
          if (!(err instanceof AuthError)) throw err;
          process.stderr.write(`abusedesk: ${err.message}\n`);
          process.exitCode = 1;
        }
      });
    });
  tokens
    .command('list')
    .description('every token (never the secret)')
    .option('--json', 'a JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withDesk(async (desk) => {
        const list = await authFor(desk).listTokens();
        if (opts.json) return printJson(list);
        for (const t of list) process.stdout.write(`${t.id}\t${t.role}\t${t.name}${t.revokedAt ? '\trevoked' : ''}\n`);
      });
    });
  tokens
    .command('revoke')
    .description('revoke a token')
    .argument('<id>', 'token id')
    .action(async (id: string) => {
      await withDesk(async (desk) => {
        if (await authFor(desk).revokeToken(Number(id), `cli:${process.env.USER ?? 'unknown'}`)) process.stdout.write(`token ${id} revoked\n`);
        else {
          process.stderr.write(`abusedesk: no live token ${id}\n`);
          process.exitCode = 1;
        }
      });
    });
}
