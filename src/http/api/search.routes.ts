import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { CATEGORIES } from '../../domain/categories.js';
import { ConsoleService } from '../../services/console.service.js';
import { SearchError } from '../../services/search-query.js';
import { errorSchema } from './session.routes.js';

export const caseRowSchema = z.object({
  id: z.number(),
  customer: z.string(),
  customerName: z.string().nullable(),
  category: z.enum(CATEGORIES),
  resource: z.string(),
  status: z.string(),
  eventCount: z.number(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
});

/** Case search for operators, newest activity first, keyset-paged. */
export function searchRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  const svc = new ConsoleService(desk);
  return async (app) => {
    app.get(
      '/search',
      {
        schema: {
          summary: 'Search cases by IP or IPv4 CIDR, domain, customer, reporter, category, status and date (of the last activity)',
          description:
            '`q` is read by its shape: an IP or CIDR, an e-mail address (reporter), a domain, a case number, else a customer id. Pages: pass the `x-next-cursor` header of one answer as `cursor` for the next (or ask `envelope=true` for {items, next}).',
          tags: ['console'],
          querystring: z.object({
            q: z.string().max(300).optional(),
            ip: z.string().max(100).optional(),
            domain: z.string().max(300).optional(),
            customer: z.string().max(200).optional(),
            reporter: z.string().max(320).optional(),
            category: z.enum(CATEGORIES).optional(),
            status: z.string().max(50).optional(),
            from: z.string().max(40).optional(),
            to: z.string().max(40).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
            cursor: z.string().max(500).optional(),
            envelope: z.coerce.boolean().optional(),
          }),
          response: { 200: z.union([z.array(caseRowSchema), z.object({ items: z.array(caseRowSchema), next: z.string().nullable() })]), 400: errorSchema },
        },
      },
      async (req, reply) => {
        const { limit, cursor, envelope, ...params } = req.query;
        try {
          const page = await svc.search(params, limit, cursor);
          if (page.next) reply.header('x-next-cursor', page.next);
          return envelope ? page : page.items;
        } catch (err) {
          if (err instanceof SearchError) return reply.code(400).send({ error: 'bad_request', message: err.message });
          throw err;
        }
      },
    );
  };
}
