import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CATEGORIES } from '../../domain/categories.js';
import type { AbuseDesk } from '../../app.js';

const caseSummary = z.object({
  id: z.number(),
  customer: z.string(),
  category: z.enum(CATEGORIES),
  resource: z.string(),
  status: z.string(),
  eventCount: z.number(),
  firstSeen: z.string(),
  lastSeen: z.string(),
});

const event = z.object({
  id: z.number(),
  reportId: z.number(),
  category: z.enum(CATEGORIES),
  type: z.string(),
  ip: z.string().nullable(),
  port: z.number().nullable(),
  url: z.string().nullable(),
  domain: z.string().nullable(),
  email: z.string().nullable(),
  occurredAt: z.string(),
  reporter: z.string().nullable(),
  evidence: z.record(z.string(), z.unknown()),
  status: z.string(),
  customer: z.string().nullable(),
  service: z.string().nullable(),
  caseId: z.number().nullable(),
  resource: z.string().nullable(),
  matched: z.string().nullable(),
});

const action = z
  .object({
    id: z.number(),
    kind: z.string(),
    status: z.string(),
    scope: z.string().nullable(),
    dueAt: z.string().nullable(),
    approvedBy: z.string().nullable(),
  })
  .passthrough();

const caseDetail = caseSummary.extend({
  policyVersion: z.string().nullable(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  updatedAt: z.string(),
  events: z.array(event),
  actions: z.array(action),
});

const notFound = z.object({ error: z.string(), message: z.string() });

/** Operators' case routes: thin, the CaseService does the work. */
export function casesRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/cases',
      {
        schema: {
          summary: 'List cases, newest first',
          tags: ['cases'],
          querystring: z.object({
            status: z.string().optional(),
            customer: z.string().optional(),
            category: z.enum(CATEGORIES).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            before: z.coerce.number().int().optional(),
          }),
          response: { 200: z.array(caseSummary) },
        },
      },
      async (req) => desk.cases.list({ status: req.query.status, customerId: req.query.customer, category: req.query.category, limit: req.query.limit, beforeId: req.query.before }),
    );
    app.get(
      '/cases/:id',
      {
        schema: {
          summary: 'One case with its events and actions',
          tags: ['cases'],
          params: z.object({ id: z.coerce.number().int() }),
          response: { 200: caseDetail, 404: notFound },
        },
      },
      async (req, reply) => {
        const c = await desk.cases.show(req.params.id);
        if (!c) return reply.code(404).send({ error: 'not_found', message: `no case ${req.params.id}` });
        return c;
      },
    );
  };
}
