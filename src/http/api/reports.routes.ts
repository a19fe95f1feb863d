import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { CATEGORIES } from '../../domain/categories.js';
import type { Intake } from '../../intake/intake.js';
import { buildReportMessage } from '../../intake/report-document.js';
import { reportFields } from '../../intake/report-fields.js';
import { parseStructured } from '../../parsers/structured/index.js';

const MAX_BODY = 25 * 1024 * 1024;

const xarfDocument = z
  .union([z.object({ xarf_version: z.string() }).loose(), z.object({ Version: z.union([z.string(), z.number()]), ReporterInfo: z.unknown() }).loose()])
  .describe('an XARF v4 (or v3) JSON document, validated against the XARF rules');
const rawMessage = z.custom<Buffer>((v) => Buffer.isBuffer(v)).describe('a raw Internet message (Content-Type: message/rfc822)');

const created = z.object({ id: z.number(), duplicate: z.boolean(), reference: z.string() });
const problem = z.object({ error: z.string(), message: z.string() });

const reportSummary = z.object({
  id: z.number(),
  messageId: z.string().nullable(),
  channel: z.string(),
  receivedAt: z.string(),
  status: z.enum(['received', 'parsed', 'failed', 'not-actionable']),
  error: z.string().nullable(),
  format: z.string().nullable(),
  reporter: z.string().nullable(),
  subject: z.string().nullable(),
  filename: z.string().nullable(),
  sha256: z.string(),
  size: z.number(),
  eventCount: z.number(),
  meta: z.record(z.string(), z.unknown()),
});
const reportEvent = z
  .object({ id: z.number(), category: z.enum(CATEGORIES), type: z.string(), ip: z.string().nullable(), url: z.string().nullable(), domain: z.string().nullable(), email: z.string().nullable(), occurredAt: z.string(), status: z.string(), caseId: z.number().nullable() })
  .passthrough();

/**
 * Who is calling: the auth layer sets `request.principal` (an API token or a signed-in operator);
 * without one, or for a customer, the caller is the public.
 */
export function trustOf(req: FastifyRequest): { trusted: boolean; principal: string | null } {
  const p = (req as unknown as { principal?: { actor?: string; role?: string } | null }).principal;
  return p && p.role !== 'customer' ? { trusted: true, principal: p.actor ?? 'token' } : { trusted: false, principal: null };
}

/**
 * The reports API: submit a report (fields as JSON, an XARF document, or a raw message/rfc822),
 * list and read reports. Thin: validation here, storing in the intake, reading in ReportService.
 */
export function reportsRoutes(desk: AbuseDesk, intake: Intake, opts: { publicPerMinute?: number } = {}) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    if (!app.hasDecorator('rateLimit')) await app.register(rateLimit, { global: false });
    // Keep the exact bytes of a JSON document: the stored report is what the client sent.
    app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: MAX_BODY }, (req, body, done) => {
      (req as FastifyRequest & { rawBody?: Buffer }).rawBody = body as Buffer;
      try {
        done(null, JSON.parse((body as Buffer).toString('utf8')));
      } catch (err) {
        done(Object.assign(err as Error, { statusCode: 400 }), undefined);
      }
    });
    app.addContentTypeParser(['message/rfc822', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: MAX_BODY }, (_req, body, done) => done(null, body));

    // Anyone may report (public: true for the auth layer); trusted callers are not rate-limited, the public is, per client address.
    const submitConfig = { public: true, rateLimit: { max: opts.publicPerMinute ?? 30, timeWindow: 60_000, allowList: (req: FastifyRequest) => trustOf(req).trusted } };
    app.post(
      '/reports',
      {
        config: submitConfig,
        schema: {
          summary: 'Submit an abuse report',
          description:
            'A JSON report with the fields below, an XARF JSON document, or a raw message (Content-Type: message/rfc822). Returns the report id, the reference to quote. Without an API token the caller is the public and rate-limited.',
          tags: ['reports'],
          consumes: ['application/json', 'message/rfc822'],
          body: z.union([xarfDocument, reportFields, rawMessage]),
          response: { 201: created, 400: problem, 422: problem },
        },
      },
      async (req, reply) => {
        const trust = trustOf(req);
        const meta = { client: req.ip, trusted: trust.trusted, ...(trust.principal ? { principal: trust.principal } : {}) };
        const body = req.body as unknown;
        let receipt;
        if (Buffer.isBuffer(body)) {
          if (body.length === 0) return reply.code(400).send({ error: 'empty', message: 'empty message' });
          receipt = await intake.receive({ raw: body, channel: 'api', meta: { ...meta, kind: 'message' } });
        } else if (body && typeof body === 'object' && ('xarf_version' in body || 'ReporterInfo' in body)) {
          const raw = (req as FastifyRequest & { rawBody?: Buffer }).rawBody ?? Buffer.from(JSON.stringify(body));
          const check = await parseStructured(raw, { filename: 'report.json' });
          if (!check || check.error) return reply.code(422).send({ error: 'invalid_xarf', message: check?.error ?? 'not a recognized XARF document' });
          receipt = await intake.receive({ raw, channel: 'api', filename: 'report.json', meta: { ...meta, kind: 'xarf' } });
        } else {
          const fields = reportFields.parse(body);
          const { raw } = await buildReportMessage(fields, { channel: 'api', now: desk.ctx.clock.now(), to: desk.config.mailFrom });
          receipt = await intake.receive({ raw, channel: 'api', reporter: fields.reporterEmail ?? trust.principal, meta: { ...meta, kind: 'fields', fields: true } });
        }
        return reply.code(201).send({ id: receipt.reportId, duplicate: receipt.duplicate, reference: `report ${receipt.reportId}` });
      },
    );

    app.get(
      '/reports',
      {
        schema: {
          summary: 'List reports as received, newest first',
          tags: ['reports'],
          querystring: z.object({
            status: z.enum(['received', 'parsed', 'failed', 'not-actionable']).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            before: z.coerce.number().int().optional(),
          }),
          response: { 200: z.array(reportSummary) },
        },
      },
      async (req) => desk.reports.list({ status: req.query.status, limit: req.query.limit, beforeId: req.query.before }),
    );

    app.get(
      '/reports/:id',
      {
        schema: {
          summary: 'One report with the events parsed from it',
          tags: ['reports'],
          params: z.object({ id: z.coerce.number().int() }),
          response: { 200: reportSummary.extend({ events: z.array(reportEvent) }), 404: problem },
        },
      },
      async (req, reply) => {
        const r = await desk.reports.show(req.params.id);
        if (!r) return reply.code(404).send({ error: 'not_found', message: `no report ${req.params.id}` });
        return r;
      },
    );
  };
}
