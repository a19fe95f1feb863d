import type { Command } from 'commander';
import { workflowOf } from '../workflow/install.js';
import { type Role, WorkflowError } from '../workflow/service.js';
import { printJson, withDesk } from './context.js';

const who = (by?: string) => by ?? process.env.USER ?? 'operator';

type Presented = Awaited<ReturnType<ReturnType<typeof workflowOf>['service']['listActions']>>[number];

function line(a: Presented): string {
  return `#${a.id}\tcase ${a.caseId}\t${a.kind}${a.scope ? `(${a.scope})` : ''}\t${a.status}${a.approval ? `\tneeds ${a.approval}` : ''}${a.dueAt ? `\tdue ${a.dueAt}` : ''}${a.approvedBy ? `\tapproved by ${a.approvedBy}` : ''}${a.lastError ? `\terror: ${a.lastError}` : ''}\n`;
}

/** Runs a command body; a refused transition is a message and exit status 1, not a stack trace. */
async function guarded(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof WorkflowError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  }
}

/** `abusedesk actions list|approve|cancel|done|retry|propose|resolve-case|resume-clock`. */
export function registerActions(program: Command): void {
  const actions = program.command('actions').description("the policy's resolution steps as actions: proposed -> approved -> running -> done | failed | cancelled");
  actions
    .command('list')
    .description('actions, newest first (`--status failed` is the failed-actions queue)')
    .option('--status <status>', 'proposed, approved, running, done, failed, cancelled')
    .option('--case <id>', 'only this case')
    .option('--kind <kind>', 'only this kind')
    .option('--limit <n>', 'at most n', '100')
    .option('--json', 'a JSON array')
    .action(async (o: { status?: string; case?: string; kind?: string; limit: string; json?: boolean }) => {
      await withDesk(async (desk) => {
        const list = await workflowOf(desk).service.listActions({ status: o.status, caseId: o.case ? Number(o.case) : undefined, kind: o.kind, limit: Number(o.limit) });
        if (o.json) return printJson(list);
        for (const a of list) process.stdout.write(line(a));
      });
    });
  actions
    .command('approve')
    .description('approve a proposed action; it is carried out by the worker')
    .argument('<id>', 'action id')
    .option('--by <name>', 'who approves')
    .option('--role <role>', 'operator or supervisor', 'operator')
    .option('--reason <text>', 'why')
    .action(async (id: string, o: { by?: string; role: string; reason?: string }) => {
      await withDesk((desk) => guarded(async () => void process.stdout.write(line(await workflowOf(desk).service.approve(Number(id), who(o.by), o.role as Role, o.reason ?? null)))));
    });
  actions
    .command('cancel')
    .description('cancel a proposed, approved, failed or manual action')
    .argument('<id>', 'action id')
    .option('--by <name>', 'who cancels')
    .option('--reason <text>', 'why')
    .action(async (id: string, o: { by?: string; reason?: string }) => {
      await withDesk((desk) => guarded(async () => void process.stdout.write(line(await workflowOf(desk).service.cancel(Number(id), who(o.by), o.reason ?? null)))));
    });
  actions
    .command('done')
    .description('mark a manual action carried out')
    .argument('<id>', 'action id')
    .option('--by <name>', 'who did it')
    .option('--note <text>', 'what was done')
    .action(async (id: string, o: { by?: string; note?: string }) => {
      await withDesk((desk) => guarded(async () => void process.stdout.write(line((await workflowOf(desk).service.markDone(Number(id), who(o.by), o.note ?? null))!))));
    });
  actions
    .command('retry')
    .description('try a failed action again')
    .argument('<id>', 'action id')
    .option('--by <name>', 'who')
    .action(async (id: string, o: { by?: string }) => {
      await withDesk((desk) => guarded(async () => void process.stdout.write(line(await workflowOf(desk).service.retry(Number(id), who(o.by))))));
    });
  actions
    .command('propose')
    .description('add an action to a case by hand')
    .argument('<case>', 'case id')
    .argument('<kind>', 'notify-customer, suspend, terminate, invoice, remove-content, notify-authorities')
    .option('--scope <scope>', 'e.g. service, mail, network, all-data')
    .option('--approval <who>', 'none, operator or supervisor', 'operator')
    .option('--reason <text>', 'why')
    .option('--by <name>', 'who proposes')
    .action(async (caseId: string, kind: string, o: { scope?: string; approval: string; reason?: string; by?: string }) => {
      await withDesk((desk) =>
        guarded(async () => {
          const a = await workflowOf(desk).service.propose(Number(caseId), { kind, scope: o.scope ?? null, approval: o.approval as 'none', reason: o.reason }, who(o.by));
          if (a) process.stdout.write(line(a));
        }),
      );
    });
  actions
    .command('resolve-case')
    .description('close a case as resolved; outstanding proposals are cancelled')
    .argument('<case>', 'case id')
    .requiredOption('--reason <text>', 'how it was resolved')
    .option('--by <name>', 'who')
    .action(async (caseId: string, o: { reason: string; by?: string }) => {
      await withDesk((desk) =>
        guarded(async () => {
          await workflowOf(desk).service.resolveCase(Number(caseId), who(o.by), o.reason);
          process.stdout.write(`case ${caseId} resolved\n`);
        }),
      );
    });
  actions
    .command('resume-clock')
    .description("restart a case's deadline paused by a customer's reply")
    .argument('<case>', 'case id')
    .option('--by <name>', 'who')
    .action(async (caseId: string, o: { by?: string }) => {
      await withDesk(async (desk) => {
        const deadline = await workflowOf(desk).service.resumeClock(Number(caseId), who(o.by));
        process.stdout.write(deadline ? `case ${caseId}: clock running again, deadline ${deadline}\n` : `case ${caseId}: the clock was not paused\n`);
        if (!deadline) process.exitCode = 1;
      });
    });
}
