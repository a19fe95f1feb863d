import { Command } from 'commander';
import { ConfigError } from '../config/config.js';
import { registerCases } from './cases.command.js';
import { registerIngest } from './ingest.command.js';
import { registerInventory } from './inventory.command.js';
import { registerParse } from './parse.command.js';
import { registerReports } from './reports.command.js';
import { registerServe } from './serve.command.js';
import { registerActions } from './actions.command.js';
import { registerAudit } from './audit.command.js';
import { registerConsents } from './consents.command.js';
import { registerPolicy } from './policy.command.js';
import { registerTokens } from './tokens.command.js';
import { registerUsers } from './users.command.js';
import { registerInvoices } from './invoices.command.js';

const program = new Command('abusedesk').description('AbuseDesk: the abuse desk of a hosting provider').showHelpAfterError();
for (const register of [registerParse, registerIngest, registerCases, registerReports, registerInventory, registerServe, registerUsers, registerTokens]) register(program);
for (const register of [registerPolicy, registerConsents, registerActions, registerAudit, registerInvoices]) register(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`abusedesk: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
