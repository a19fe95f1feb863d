import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { toCsv } from '../../billing/invoice-export.js';
import { InvoiceService } from '../../billing/invoice.service.js';
import type { HttpPlugin } from '../app.js';

const line = z.object({
  id: z.number(),
  createdAt: z.string(),
  customer: z.string(),
  caseId: z.number().nullable(),
  actionId: z.number().nullable(),
  kind: z.string(),
  description: z.string(),
  quantity: z.number(),
  unit: z.string(),
  unitPrice: z.string(),
  amount: z.string(),
  amountCents: z.number(),
  currency: z.string(),
  periodStart: z.string().nullable(),
  periodEnd: z.string().nullable(),
});

/** Invoice lines as JSON (default) or CSV (`?format=csv`), the same the CLI exports. */
export function invoicesRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  const invoices = new InvoiceService(desk);
  return async (app) => {
    app.get(
      '/invoice-lines',
      {
        schema: {
          summary: 'Invoice lines (penalty, blacklisting, resource-fee, labour) per customer and case',
          tags: ['billing'],
          querystring: z.object({
            since: z.string().datetime({ offset: true }).optional(),
            customer: z.string().optional(),
            case: z.coerce.number().int().optional(),
            format: z.enum(['json', 'csv']).default('json'),
          }),
          response: { 200: z.union([z.array(line), z.string()]) },
        },
      },
      async (req, reply) => {
        const lines = await invoices.list({ since: req.query.since ? new Date(req.query.since).toISOString() : undefined, customerId: req.query.customer, caseId: req.query.case });
        if (req.query.format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(lines));
        return lines;
      },
    );
  };
}

export function invoicesPlugin(desk: AbuseDesk): HttpPlugin {
  return { api: true, plugin: invoicesRoutes(desk) as HttpPlugin['plugin'] };
}
