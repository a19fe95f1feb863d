import type { Command } from 'commander';
import { AuthError, authFor, presentUser } from '../auth/auth.service.js';
import { randomSecret } from '../auth/secrets.js';
import { printJson, withDesk } from './context.js';

/** `abusedesk users add|list|disable`: people who sign in to the console or the portal. */
export function registerUsers(program: Command): void {
  const users = program.command('users').description('operators and customer users');
  users
    .command('add')
    .description('add a user; without --password an operator gets a generated one (printed once), a customer signs in by mailed link')
    .requiredOption('--email <address>', 'sign-in address')
    .requiredOption('--role <role>', 'analyst, supervisor, admin or customer')
    .option('--password <password>', 'initial password (at least 10 characters)')
    .option('--customer <id>', 'the customer a customer user belongs to')
    .option('--name <name>', 'display name')
    .option('--json', 'print the user as JSON')
    .action(async (opts: { email: string; role: string; password?: string; customer?: string; name?: string; json?: boolean }) => {
      await withDesk(async (desk) => {
        const generated = !opts.password && opts.role !== 'customer' ? randomSecret(15) : null;
        try {
          const u = await authFor(desk).createUser({ email: opts.email, role: opts.role, password: opts.password ?? generated, customerId: opts.customer ?? null, name: opts.name ?? null }, `cli:${process.env.USER ?? 'unknown'}`);
          if (opts.json) printJson({ ...presentUser(u), ...(generated ? { password: generated } : {}) });
          else process.stdout.write(`user ${u.id} ${u.email} (${u.role}${u.customer_id ? `, customer ${u.customer_id}` : ''}) added${generated ? `; one-time password: ${generated}` : ''}\n`);
        } catch (err) {
          if (!(err instanceof AuthError)) throw err;
          process.stderr.write(`abusedesk: ${err.message}\n`);
          process.exitCode = 1;
        }
      });
    });
  users
    .command('list')
    .description('every user')
    .option('--json', 'a JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withDesk(async (desk) => {
        const list = await authFor(desk).listUsers();
        if (opts.json) return printJson(list);
        for (const u of list) process.stdout.write(`${u.id}\t${u.email}\t${u.role}${u.customerId ? `\t${u.customerId}` : ''}${u.disabled ? '\tdisabled' : ''}\n`);
      });
    });
  users
    .command('disable')
    .description('disable a user and end its sessions')
    .argument('<id>', 'user id')
    .action(async (id: string) => {
      await withDesk(async (desk) => {
        try {
          await authFor(desk).updateUser(Number(id), { disabled: true }, `cli:${process.env.USER ?? 'unknown'}`);
          process.stdout.write(`user ${id} disabled\n`);
        } catch (err) {
          if (!(err instanceof AuthError)) throw err;
          process.stderr.write(`abusedesk: ${err.message}\n`);
          process.exitCode = 1;
        }
      });
    });
}
