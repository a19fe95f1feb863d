import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { customerScope, principalOf } from '../../auth/auth.plugin.js';
import { MessageService } from '../../notifications/messages.service.js';
import { notificationsOf } from '../../notifications/module.js';
import { AuditRepository } from '../../storage/repositories/audit.repository.js';
import { CUSTOMERS } from '../../auth/roles.js';
import { decodeCursor, encodeCursor, SearchError } from '../../services/search-query.js';
import { ActionRepository } from '../../storage/repositories/action.repository.js';
import { CaseRepository } from '../../storage/repositories/case.repository.js';
import { ConsoleRepository } from '../../storage/repositories/console.repository.js';
import { EventRepository } from '../../storage/repositories/event.repository.js';
import { workflowOf } from '../../workflow/install.js';
import { policyChanges } from '../../workflow/policy-changes.js';
import { portalActions, portalCase, portalEvent, portalMessages } from '../portal-presenters.js';
import { errorSchema } from './session.routes.js';

const portalCaseSchema = z.object({
  id: z.number(),
  category: z.string(),
  resource: z.string(),
  status: z.string(),
  openedAt: z.string(),
  lastSeen: z.string(),
  eventCount: z.number(),
  closedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  nextStep: z.string().nullable(),
  awaiting: z.enum(['customer', 'provider']).nullable(),
  options: z.array(z.string()).nullable(),
  choice: z.string().nullable(),
});

const notFound = { error: 'not_found', message: 'not found' };

/** The first line of the message a customer's "I have fixed it" leaves on the case. */
export const FIXED_MARKER = 'The customer reports that the problem is fixed.';

/**
 * The customer portal's reads. Every query is scoped to the signed-in customer; a case of anyone
 * else answers exactly like a case that does not exist (404), so nothing is learned by guessing ids.
 */
export function portalRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  const db = desk.database.db;
  return async (app) => {
    app.get(
      '/portal/cases',
      {
        config: { roles: CUSTOMERS },
        schema: {
          summary: "The signed-in customer's cases, newest activity first (keyset pages: `x-next-cursor`)",
          tags: ['portal'],
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(500).optional(), open: z.coerce.boolean().optional() }),
          response: { 200: z.array(portalCaseSchema), 400: errorSchema },
        },
      },
      async (req, reply) => {
        const customerId = customerScope(req)!;
        let cursor;
        try {
          cursor = decodeCursor(req.query.cursor);
        } catch (err) {
          if (err instanceof SearchError) return reply.code(400).send({ error: 'bad_request', message: err.message });
          throw err;
        }
        const repo = new ConsoleRepository(db);
        const rows = await repo.caseList({ customerId, open: req.query.open }, req.query.limit, cursor);
        const deadlines = await repo.deadlines(rows.map((r) => r.id));
        const last = rows[rows.length - 1];
        if (rows.length === req.query.limit && last) reply.header('x-next-cursor', encodeCursor({ at: last.last_seen, id: last.id }));
        return rows.map((c) => portalCase(c, { deadlineAt: deadlines.get(c.id) ?? null, offer: null }));
      },
    );

    app.get(
      '/portal/cases/:id',
      {
        config: { roles: CUSTOMERS },
        schema: {
          summary: 'One of my cases: what was reported (evidence redacted), the steps, the messages',
          tags: ['portal'],
          params: z.object({ id: z.coerce.number().int() }),
          response: {
            200: portalCaseSchema.extend({
              events: z.array(z.object({ id: z.number(), type: z.string(), occurredAt: z.string(), resource: z.string().nullable(), port: z.number().nullable(), evidence: z.record(z.string(), z.unknown()) })),
              messages: z.array(z.object({ id: z.number(), direction: z.enum(['in', 'out']), subject: z.string(), body: z.string(), at: z.string() })),
              actions: z.array(z.object({ kind: z.string(), status: z.string(), dueAt: z.string().nullable() })),
              reportedFixedAt: z.string().nullable(),
            }),
            404: errorSchema,
          },
        },
      },
      async (req, reply) => {
        const c = await new CaseRepository(db).get(req.params.id);
        if (!c || c.customer_id !== customerScope(req)) return reply.code(404).send(notFound);
        const repo = new ConsoleRepository(db);
        const [events, actions, messages, state, reportedFixedAt] = await Promise.all([new EventRepository(db).forCase(c.id, 200), new ActionRepository(db).forCase(c.id), repo.messagesForCase(c.id), repo.workflowState(c.id), repo.reportedFixedAt(c.id)]);
        const shown = portalActions(actions);
        const next = shown.find((a) => ['proposed', 'approved', 'running', 'waiting'].includes(a.status));
        return {
          ...portalCase(c, { deadlineAt: state.deadlineAt, offer: state.offer, nextStep: next?.kind ?? null }),
          events: events.filter((e) => e.customer_id === c.customer_id).map((e) => portalEvent(e, c.resource)),
          messages: portalMessages(messages),
          actions: shown,
          reportedFixedAt,
        };
      },
    );

    app.post(
      '/portal/cases/:id/resolved',
      {
        config: { roles: CUSTOMERS },
        schema: {
          summary: 'I have fixed it: a message on my open case, and the case goes to an operator to verify and resolve',
          tags: ['portal'],
          params: z.object({ id: z.coerce.number().int() }),
          body: z.object({ note: z.string().max(65536).default('') }),
          response: { 200: z.object({ caseId: z.number(), reportedFixedAt: z.string(), messageId: z.number() }), 404: errorSchema },
        },
      },
      async (req, reply) => {
        const c = await new CaseRepository(db).get(req.params.id);
        // Someone else's case, no case, or a case already closed: nothing to report fixed.
        if (!c || c.customer_id !== customerScope(req) || c.closed_at) return reply.code(404).send(notFound);
        const author = principalOf(req).actor;
        const note = req.body.note.trim();
        const body = `${FIXED_MARKER}${note ? `\n\n${note}` : ''}`;
        let at = '';
        // Threaded like any reply (the workflow's clock reacts as the policy says), marked in the same transaction.
        const m = await new MessageService(desk, notificationsOf(desk)).customerReply(c.id, {
          body,
          author,
          channel: 'portal',
          also: async (tx, messageId, now) => {
            at = now.toISOString();
            await new ConsoleRepository(tx).markReportedFixed(c.id, now, author, messageId);
            await new AuditRepository(tx).append(now, [{ actor: `customer:${author}`, entity: 'case', entityId: c.id, action: 'reported-fixed', data: { message: messageId } }]);
          },
        });
        return { caseId: c.id, reportedFixedAt: at, messageId: m.id };
      },
    );

    app.get(
      '/portal/aup',
      {
        config: { roles: CUSTOMERS },
        schema: {
          summary: 'The Acceptable Use Policy in force: its clause per category, and what changed since the version before it',
          tags: ['portal'],
          response: {
            200: z.object({
              id: z.string(),
              version: z.string(),
              ref: z.string(),
              effectiveFrom: z.string(),
              inForceSince: z.string(),
              description: z.string().nullable(),
              text: z.string(),
              categories: z.array(z.object({ category: z.string(), section: z.string(), clause: z.string(), severity: z.string() })),
              previous: z.object({ ref: z.string(), version: z.string(), effectiveFrom: z.string() }).nullable(),
              changes: z.array(z.object({ version: z.string(), date: z.string(), category: z.string().nullable(), kind: z.string(), summary: z.string() })),
            }),
            404: errorSchema,
          },
        },
      },
      async (_req, reply) => {
        const wf = workflowOf(desk).service;
        const policy = await wf.policyInForce();
        if (!policy) return reply.code(404).send({ error: 'not_found', message: 'no policy is in force yet' });
        const effectiveFrom = new Date(policy.effectiveFrom).toISOString();
        // The version before: the latest other stored version that took effect no later than this one.
        const prior = (await wf.policyVersions()).filter((v) => v.ref !== policy.ref && v.effectiveFrom <= effectiveFrom).pop();
        const previous = prior ? await wf.policyByRef(prior.ref) : null;
        const categories = Object.entries(policy.categories).map(([category, c]) => ({ category, section: c.section, clause: c.clause.trim(), severity: c.severity }));
        // The text as the AUP reads: each section once with its clause, in the policy's order.
        const sections = new Set(categories.map((c) => `${c.section}\n${c.clause}`));
        return {
          id: policy.id,
          version: policy.version,
          ref: policy.ref,
          effectiveFrom,
          inForceSince: effectiveFrom,
          description: policy.description ?? null,
          text: [...sections].join('\n\n'),
          categories,
          previous: prior && previous ? { ref: prior.ref, version: prior.version, effectiveFrom: prior.effectiveFrom } : null,
          changes: previous ? policyChanges(previous, policy).map((c) => ({ version: policy.version, date: effectiveFrom, category: c.category, kind: c.kind, summary: c.summary })) : [],
        };
      },
    );

    app.get(
      '/portal/invoices',
      {
        config: { roles: CUSTOMERS },
        schema: {
          summary: 'My invoice lines from abuse handling',
          tags: ['portal'],
          response: { 200: z.array(z.object({ id: z.number(), caseId: z.number().nullable(), kind: z.string(), description: z.string(), quantity: z.string(), unit: z.string(), amount: z.number(), currency: z.string(), at: z.string() })) },
        },
      },
      async (req) => {
        const rows = await new ConsoleRepository(db).invoiceLines(customerScope(req)!);
        return rows.map((l) => ({ id: l.id, caseId: l.case_id, kind: l.kind, description: l.description, quantity: l.quantity, unit: l.unit, amount: l.amount_cents / 100, currency: l.currency, at: l.created_at }));
      },
    );
  };
}
