import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { principalOf } from '../../auth/auth.plugin.js';
import { ConsoleService, NotFoundError } from '../../services/console.service.js';
import { viewReport } from '../../services/report-view.js';
import { ReportRepository } from '../../storage/repositories/report.repository.js';
import { errorSchema } from './session.routes.js';

/** The original report, shown to operators safely as text, and re-parsing a report after a parser fix. */
export function reportViewRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  const svc = new ConsoleService(desk);
  return async (app) => {
    app.get(
      '/reports/:id/view',
      {
        schema: {
          summary: 'The report as text: headers, readable body, attachment list with SHA-256, SPF/DKIM/DMARC results, the SHA-256 of the raw bytes',
          tags: ['console'],
          params: z.object({ id: z.coerce.number().int() }),
          response: {
            200: z.object({
              id: z.number(),
              sha256: z.string(),
              size: z.number(),
              channel: z.string(),
              receivedAt: z.string(),
              status: z.string(),
              error: z.string().nullable(),
              format: z.string().nullable(),
              reporter: z.string().nullable(),
              subject: z.string().nullable(),
              filename: z.string().nullable(),
              messageId: z.string().nullable(),
              eventCount: z.number(),
              meta: z.record(z.string(), z.unknown()),
              headers: z.array(z.object({ name: z.string(), value: z.string() })),
              body: z.string(),
              bodyTruncated: z.boolean(),
              attachments: z.array(z.object({ filename: z.string().nullable(), contentType: z.string(), size: z.number(), sha256: z.string() })),
              authentication: z.object({ spf: z.string().nullable(), dkim: z.string().nullable(), dmarc: z.string().nullable(), header: z.string().nullable(), error: z.string().nullable() }),
              parseError: z.string().nullable(),
            }),
            404: errorSchema,
          },
        },
      },
      async (req, reply) => {
        const repo = new ReportRepository(desk.database.db);
        const [summary, raw] = await Promise.all([repo.get(req.params.id), repo.raw(req.params.id)]);
        if (!summary || !raw) return reply.code(404).send({ error: 'not_found', message: `no report ${req.params.id}` });
        return viewReport(summary, raw.raw);
      },
    );

    app.get(
      '/reports/:id/raw',
      {
        schema: { summary: 'The raw bytes of a report, as an inert plain-text download', tags: ['console'], params: z.object({ id: z.coerce.number().int() }) },
      },
      async (req, reply) => {
        const r = await new ReportRepository(desk.database.db).raw(req.params.id);
        if (!r) return reply.code(404).send({ error: 'not_found', message: `no report ${req.params.id}` });
        // Never rendered by a browser: text, no sniffing, a sandbox CSP should it be opened directly.
        return reply
          .header('content-type', 'text/plain; charset=utf-8')
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('content-disposition', `attachment; filename="report-${req.params.id}.eml.txt"`)
          .send(r.raw);
      },
    );

    app.post(
      '/reports/:id/reparse',
      {
        config: { audit: false },
        schema: { summary: 'Parse a stored report again (a new parse job), e.g. after a parser fix', tags: ['console'], params: z.object({ id: z.coerce.number().int() }), response: { 202: z.object({ reportId: z.number(), job: z.number() }), 404: errorSchema } },
      },
      async (req, reply) => {
        try {
          return reply.code(202).send(await svc.reparse(req.params.id, principalOf(req).actor));
        } catch (err) {
          if (err instanceof NotFoundError) return reply.code(404).send({ error: 'not_found', message: err.message });
          throw err;
        }
      },
    );

    app.post(
      '/reports/reparse',
      {
        config: { audit: false },
        schema: {
          summary: 'Parse many stored reports again (the failed-reports queue after a parser fix)',
          tags: ['console'],
          body: z.object({ ids: z.array(z.number().int()).min(1).max(1000) }),
          response: { 200: z.object({ done: z.number(), failed: z.array(z.object({ id: z.number(), error: z.string() })) }) },
        },
      },
      async (req) => svc.bulk([...new Set(req.body.ids)], 'reparse-reports', {}, principalOf(req).actor),
    );
  };
}
