import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadPolicy, PolicyError } from '../workflow/policy.js';
import { workflowOf } from '../workflow/install.js';
import { printJson, withDesk } from './context.js';

function operator(by?: string): string {
  return by ?? process.env.USER ?? 'operator';
}

/** `abusedesk policy validate|activate|show`: the policy as versioned data. */
export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('the Acceptable Use Policy as versioned data');
  policy
    .command('validate')
    .description('check a policy file; errors name the file, line and field')
    .argument('<file>', 'policy file (YAML or JSON)')
    .action(async (file: string) => {
      try {
        const p = await loadPolicy(file);
        process.stdout.write(`${file}: valid, ${p.ref}, effective from ${p.effectiveFrom}, ${Object.keys(p.categories).length} categories\n`);
      } catch (err) {
        if (!(err instanceof PolicyError)) throw err;
        process.stderr.write(`${err.message}\n${file}: refused, ${err.problems.length} problem(s)\n`);
        process.exitCode = 1;
      }
    });
  policy
    .command('activate')
    .description('store a policy version; it takes effect at its effectiveFrom and every active customer is told once')
    .argument('<file>', 'policy file')
    .option('--by <name>', 'who activates it')
    .option('--quiet', 'do not notify customers (a correction nobody needs to hear about)')
    .action(async (file: string, opts: { by?: string; quiet?: boolean }) => {
      const text = await readFile(file, 'utf8');
      await withDesk(async (desk) => {
        try {
          const { policy: p, stored } = await workflowOf(desk).service.activatePolicy(text, file, operator(opts.by), { announce: !opts.quiet });
          process.stdout.write(stored ? `activated ${p.ref}, effective from ${p.effectiveFrom}${opts.quiet ? '' : '; active customers will be notified'}\n` : `${p.ref} was already activated with this text\n`);
        } catch (err) {
          if (!(err instanceof PolicyError)) throw err;
          process.stderr.write(`${err.message}\n${file}: refused\n`);
          process.exitCode = 1;
        }
      });
    });
  policy
    .command('show')
    .description('the version in force and all stored versions')
    .option('--json', 'as JSON')
    .option('--ref <id@version>', 'one stored version')
    .option('--source', 'print the policy text as activated')
    .action(async (opts: { json?: boolean; ref?: string; source?: boolean }) => {
      await withDesk(async (desk) => {
        const wf = workflowOf(desk).service;
        const p = opts.ref ? await wf.policyByRef(opts.ref) : await wf.policyInForce();
        const versions = await wf.policyVersions();
        if (opts.source) {
          if (!p) throw new Error(opts.ref ? `no policy ${opts.ref}` : 'no policy is in force yet');
          process.stdout.write(p.source);
          return;
        }
        if (opts.json) {
          const { source: _s, ...doc } = p ?? ({ source: '' } as never);
          return printJson({ inForce: p ? doc : null, versions });
        }
        if (!p) process.stdout.write('no policy activated yet (the shipped default comes into force with the first case)\n');
        else {
          process.stdout.write(`${opts.ref ? 'policy' : 'in force'}: ${p.ref}, effective from ${p.effectiveFrom}\n`);
          for (const [cat, c] of Object.entries(p.categories)) {
            const ladder = c.ladder.map((s) => `${s.name}[${s.actions.map((a) => a.kind + (a.scope ? `:${a.scope}` : '')).join('+')}${s.deadline ? ` ${s.deadline}` : ''}${s.approval !== 'none' ? ` ${s.approval}` : ''}]`).join(' -> ');
            process.stdout.write(`  ${cat.padEnd(22)} ${c.severity.padEnd(8)} ${c.consent ? `consent:${c.consent} ` : ''}${c.notify ? `after ${c.notify.threshold} in ${c.notify.window} ` : ''}${ladder || '(triage)'}\n`);
          }
        }
        process.stdout.write('versions:\n');
        for (const v of versions) process.stdout.write(`  ${v.ref}\teffective ${v.effectiveFrom}\tactivated ${v.activatedAt} by ${v.activatedBy}${v.inForce ? '\tIN FORCE' : v.scheduled ? '\tscheduled' : ''}\n`);
      });
    });
}
