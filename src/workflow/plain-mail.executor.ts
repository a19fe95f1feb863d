import type { ActionExecutor, ExecutionContext } from './executors.js';
import { PermanentActionError } from './executors.js';

/**
 * The plain notice the workflow sends when no notification executor is registered (the templated,
 * localized ones from src/notifications replace it by registering the same kinds). It quotes the
 * clause and names the deadline; evidence is listed only where the policy allows forwarding it.
 */
export function plainMailExecutor(kind: 'notify-customer' | 'notify-authorities', authoritiesEmail: string | null): ActionExecutor {
  return {
    kind,
    connector: 'mail',
    async execute(ctx) {
      const to = kind === 'notify-customer' ? customerAddresses(ctx) : authorityAddresses(ctx, authoritiesEmail);
      if (!to.length) throw new PermanentActionError(kind === 'notify-customer' ? `customer ${ctx.customer.id} has no contact address` : 'no authority address: set params.to in the policy step or ABUSEDESK_AUTHORITIES_EMAIL');
      const p = ctx.params;
      const ref = `[Case #${ctx.case.id}]`;
      const lines = [
        kind === 'notify-customer' ? `Dear ${ctx.customer.name},` : 'To whom it may concern,',
        '',
        `AbuseDesk case ${ctx.case.id}: ${ctx.case.category} concerning ${ctx.case.resource} (customer ${ctx.customer.id}).`,
        `${ctx.case.event_count} event(s), first seen ${ctx.case.first_seen}, last seen ${ctx.case.last_seen}.`,
        '',
        `Acceptable Use Policy, "${String(p.section ?? '')}":`,
        `  "${String(p.clause ?? '')}"`,
        '',
      ];
      if (p.deadline && kind === 'notify-customer') lines.push(`Please resolve this and reply to this message before ${String(p.deadline)}.`, '');
      if (Array.isArray(p.options)) lines.push(`You may choose one of: ${p.options.map(String).join(', ')}. Reply with your choice.`, '');
      if (p.forwardEvidence !== false) {
        for (const e of ctx.events.slice(-10)) lines.push(`- ${e.occurred_at} ${e.type} ${e.ip ?? ''} ${e.url ?? e.domain ?? ''}`.trimEnd());
      } else lines.push('The evidence of this case is preserved by us and is not forwarded.');
      const domain = ctx.config.mailFrom.split('@').pop()?.replace(/>$/, '') || 'abusedesk.invalid';
      const r = await ctx.mailer.send({
        to,
        subject: `${ref} ${kind === 'notify-customer' ? 'Abuse notice' : 'Report to authorities'}: ${ctx.case.category} on ${ctx.case.resource}`,
        text: lines.join('\n') + '\n',
        // The same Message-ID on every attempt: a retry after a crash can be recognized as one message.
        messageId: `<${ctx.idempotencyKey}@${domain}>`,
        headers: { 'X-AbuseDesk-Case': String(ctx.case.id), 'X-AbuseDesk-Action': String(ctx.action.id) },
      });
      return { status: 'done', result: { messageId: r.messageId, to } };
    },
  };
}

function customerAddresses(ctx: ExecutionContext): string[] {
  try {
    return (JSON.parse(ctx.customer.contacts) as unknown[]).filter((x): x is string => typeof x === 'string');
  } catch {
    return [];
  }
}

function authorityAddresses(ctx: ExecutionContext, fallback: string | null): string[] {
  const to = ctx.params.to;
  if (typeof to === 'string' && to) return [to];
  if (Array.isArray(to)) return to.filter((x): x is string => typeof x === 'string');
  return fallback ? [fallback] : [];
}
