import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { ConsoleService, QUEUES } from '../../services/console.service.js';
import { SearchError } from '../../services/search-query.js';
import { errorSchema } from './session.routes.js';

export const queueItemSchema = z.object({
  kind: z.enum(['case', 'report', 'event', 'action']),
  id: z.number(),
  caseId: z.number().nullable(),
  title: z.string(),
  customer: z.string().nullable(),
  category: z.string().nullable(),
  status: z.string(),
  at: z.string(),
  detail: z.string().nullable(),
});

/** The operators' work queues. Pages are keyset: the `x-next-cursor` header (and `next` in the envelope) fetches the next one. */
export function queuesRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  const svc = new ConsoleService(desk);
  return async (app) => {
    app.get(
      '/queues',
      {
        schema: {
          summary: `Every queue with how many it holds (counted up to 1,000; "capped" above): ${QUEUES.join(', ')}`,
          tags: ['console'],
          response: { 200: z.array(z.object({ name: z.enum(QUEUES), count: z.number(), capped: z.boolean() })) },
        },
      },
      async () => svc.queueCounts(),
    );
    app.get(
      '/queues/:name',
      {
        schema: {
          summary: 'One page of a queue: cases (new, unclassified, awaiting-customer, overdue), events (unassigned), actions (awaiting-approval, failed-actions) or reports (failed-reports)',
          tags: ['console'],
          params: z.object({ name: z.enum(QUEUES) }),
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), cursor: z.string().max(500).optional(), envelope: z.coerce.boolean().optional() }),
          response: { 200: z.union([z.array(queueItemSchema), z.object({ items: z.array(queueItemSchema), next: z.string().nullable() })]), 400: errorSchema },
        },
      },
      async (req, reply) => {
        try {
          const page = await svc.queue(req.params.name, req.query.limit, req.query.cursor);
          if (page.next) reply.header('x-next-cursor', page.next);
          return req.query.envelope ? page : page.items;
        } catch (err) {
          if (err instanceof SearchError) return reply.code(400).send({ error: 'bad_request', message: err.message });
          throw err;
        }
      },
    );
  };
}
