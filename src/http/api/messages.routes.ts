import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { chooseResourceOptionFor, RESOURCE_CHOICES, ResourceOfferError } from '../../billing/resource-offer.service.js';
import { MessageError, MessageService } from '../../notifications/messages.service.js';
import { notificationsOf } from '../../notifications/module.js';
import { NotificationRepository } from '../../storage/repositories/notification.repository.js';
import { CUSTOMERS, OPERATORS } from '../../auth/roles.js';
import { customerScope, principalOf } from '../../auth/auth.plugin.js';
import { CaseRepository } from '../../storage/repositories/case.repository.js';
import type { HttpPlugin } from '../app.js';

const message = z.object({
  id: z.number(),
  caseId: z.number(),
  direction: z.enum(['inbound', 'outbound']),
  channel: z.string(),
  kind: z.string(),
  sender: z.string().nullable(),
  recipients: z.array(z.string()),
  subject: z.string(),
  body: z.string(),
  messageId: z.string().nullable(),
  reportId: z.number().nullable(),
  actionId: z.number().nullable(),
  createdAt: z.string(),
});
const problem = z.object({ error: z.string(), message: z.string() });
const offer = z.object({
  caseId: z.number(),
  status: z.string(),
  choice: z.string().nullable(),
  dueAt: z.string(),
  chosenAt: z.string().nullable(),
  chosenVia: z.string().nullable(),
  followUpAt: z.string().nullable(),
  feeCents: z.number(),
  currency: z.string(),
  intervalDays: z.number(),
});

/** A service's refusal as HTTP status and body; anything else is a server error and rethrown. */
function problemOf(err: unknown): { status: 400 | 404 | 409; body: { error: string; message: string } } {
  if (err instanceof MessageError || err instanceof ResourceOfferError) {
    return { status: err.code === 'not_found' ? 404 : err.code === 'conflict' ? 409 : 400, body: { error: err.code, message: err.message } };
  }
  throw err;
}

const OPERATORS_AND_CUSTOMERS = [...OPERATORS, ...CUSTOMERS];

/** A customer sees only its own cases: anything else is "not found", never "forbidden". */
async function visible(desk: AbuseDesk, caseId: number, scope: string | null): Promise<boolean> {
  if (scope === null) return true;
  const kase = await new CaseRepository(desk.ctx.db).get(caseId);
  return !!kase && kase.customer_id === scope;
}

const notFound = (id: number) => ({ error: 'not_found', message: `no case ${id}` });

/** A case's correspondence, the reporters' outcome preference, and the resource-abuse choice. Thin: the services decide. */
export function messagesRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  const mod = notificationsOf(desk);
  const messages = new MessageService(desk, mod);
  return async (app) => {
    app.get(
      '/cases/:id/messages',
      {
        config: { roles: OPERATORS_AND_CUSTOMERS },
        schema: { summary: "A case's messages, both directions, oldest first", tags: ['messages'], params: z.object({ id: z.coerce.number().int() }), response: { 200: z.array(message), 404: problem } },
      },
      async (req, reply) => {
        const scope = customerScope(req);
        if (!(await visible(desk, req.params.id, scope))) return reply.code(404).send(notFound(req.params.id));
        try {
          // A customer reads the conversation with it, not what went to authorities or reporters.
          if (scope !== null) return (await messages.list(req.params.id)).filter((m) => ['notice', 'digest', 'reply', 'operator', 'resource-choice'].includes(m.kind));
          return await messages.list(req.params.id);
        } catch (e) {
          const p = problemOf(e);
          return reply.code(404).send(p.body);
        }
      },
    );
    app.post(
      '/cases/:id/messages',
      {
        config: { roles: OPERATORS_AND_CUSTOMERS, audit: false },
        schema: {
          summary: 'Write on a case: an operator message mailed to the customer, or (as customer) a portal reply that reaches the workflow',
          tags: ['messages'],
          params: z.object({ id: z.coerce.number().int() }),
          body: z.object({ body: z.string().min(1).max(65536), as: z.enum(['operator', 'customer']).default('operator'), subject: z.string().max(1000).optional() }),
          response: { 201: message, 400: problem, 404: problem },
        },
      },
      async (req, reply) => {
        const scope = customerScope(req);
        if (!(await visible(desk, req.params.id, scope))) return reply.code(404).send(notFound(req.params.id));
        try {
          const b = req.body;
          const author = principalOf(req).actor;
          // A customer always writes as the customer; an operator may record what a customer said elsewhere.
          const m =
            scope !== null || b.as === 'customer'
              ? await messages.customerReply(req.params.id, { body: b.body, author, channel: scope !== null ? 'portal' : 'api' })
              : await messages.operatorReply(req.params.id, { body: b.body, author, subject: b.subject });
          return reply.code(201).send(m);
        } catch (e) {
          const p = problemOf(e);
          return p.status === 404 ? reply.code(404).send(p.body) : reply.code(400).send(p.body);
        }
      },
    );
    app.post(
      '/cases/:id/resource-choice',
      {
        config: { roles: OPERATORS_AND_CUSTOMERS, audit: false },
        schema: {
          summary: "The customer's choice on a resource-abuse offer: modify the software, pay the additional fee, or move to dedicated hosting",
          tags: ['billing'],
          params: z.object({ id: z.coerce.number().int() }),
          body: z.object({ choice: z.enum(RESOURCE_CHOICES), via: z.enum(['api', 'portal']).default('api') }),
          response: { 200: offer, 404: problem, 409: problem },
        },
      },
      async (req, reply) => {
        const scope = customerScope(req);
        if (!(await visible(desk, req.params.id, scope))) return reply.code(404).send(notFound(req.params.id));
        try {
          const o = await chooseResourceOptionFor(desk, req.params.id, req.body.choice, scope !== null ? 'portal' : req.body.via);
          return {
            caseId: o.case_id,
            status: o.status,
            choice: o.choice,
            dueAt: o.due_at,
            chosenAt: o.chosen_at,
            chosenVia: o.chosen_via,
            followUpAt: o.follow_up_at,
            feeCents: o.fee_cents,
            currency: o.fee_currency,
            intervalDays: o.fee_interval_days,
          };
        } catch (e) {
          const p = problemOf(e);
          return p.status === 404 ? reply.code(404).send(p.body) : reply.code(409).send(p.body);
        }
      },
    );
    app.put(
      '/reporters/:address/preferences',
      {
        schema: {
          summary: 'Whether a reporter hears the outcome of the cases their reports fed (opt-in), and in which language',
          tags: ['messages'],
          params: z.object({ address: z.string().email() }),
          body: z.object({ notifyOutcome: z.boolean(), locale: z.enum(['en', 'nl', 'fr']).default('en') }),
          response: { 200: z.object({ reporter: z.string(), notifyOutcome: z.boolean(), locale: z.string() }) },
        },
      },
      async (req) => {
        await new NotificationRepository(desk.ctx.db).setReporterPreference(req.params.address, req.body.notifyOutcome, req.body.locale, desk.ctx.clock.now());
        return { reporter: req.params.address.toLowerCase(), notifyOutcome: req.body.notifyOutcome, locale: req.body.locale };
      },
    );
  };
}

export function messagesPlugin(desk: AbuseDesk): HttpPlugin {
  return { api: true, plugin: messagesRoutes(desk) as HttpPlugin['plugin'] };
}
