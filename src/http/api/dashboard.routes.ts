import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { DashboardService } from '../../services/dashboard.service.js';

const pct = z.number().nullable();

/** The dashboard's figures (cached for a minute per window). */
export function dashboardRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  const dashboard = new DashboardService(desk);
  return async (app) => {
    app.get(
      '/dashboard',
      {
        schema: {
          summary: 'Events per day by category, cases opened and closed per day, time from case opening to first action (seconds, percentiles), top customers and reporters, pipeline stage latency (seconds)',
          tags: ['console'],
          querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
          response: {
            200: z.object({
              since: z.string(),
              reportsPerDay: z.array(z.object({ day: z.string(), category: z.string(), count: z.number() })),
              casesPerDay: z.array(z.object({ day: z.string(), opened: z.number(), closed: z.number() })),
              timeToFirstAction: z.object({ p50: pct, p90: pct, p99: pct, count: z.number() }),
              topCustomers: z.array(z.object({ customer: z.string(), name: z.string().nullable(), events: z.number() })),
              topReporters: z.array(z.object({ reporter: z.string(), reports: z.number() })),
              stageLatency: z.array(z.object({ stage: z.string(), p50: pct, p95: pct, p99: pct, count: z.number() })),
            }),
          },
        },
      },
      async (req) => dashboard.get(req.query.days),
    );
  };
}
