import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AbuseDesk } from '../../app.js';
import type { Intake } from '../../intake/intake.js';
import { buildReportMessage } from '../../intake/report-document.js';
import { reportFields } from '../../intake/report-fields.js';
import { type FormValues, renderError, renderForm, renderThanks } from './report-form.view.js';

const FIELDS = ['reporterName', 'reporterEmail', 'ip', 'domain', 'url', 'email', 'category', 'description', 'occurredAt'] as const;
const MAX_FILES = 5;
const MAX_FILE_BYTES = 10 * 1024 * 1024;

export interface ReportFormOptions {
  /** Submissions per client address per minute. */
  postsPerMinute?: number;
  /** Form views per client address per minute. */
  viewsPerMinute?: number;
}

type Part = { type: 'field'; value: unknown } | { type: 'file'; filename: string; mimetype: string; toBuffer(): Promise<Buffer> };

/** A multipart field is an object ({value}), a url-encoded one a plain string; repeated fields an array. */
function fieldValue(v: unknown): string | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  if (first && typeof first === 'object' && 'value' in first) return typeof first.value === 'string' ? first.value : undefined;
  return typeof first === 'string' ? first : undefined;
}

/**
 * The public report form at /report: server-rendered HTML without script, CSRF-protected (a
 * secret cookie and a token in the form), rate-limited per client address, answering with the
 * report's reference.
 */
export function reportFormRoutes(desk: AbuseDesk, intake: Intake, opts: ReportFormOptions = {}) {
  return async (app: FastifyInstance) => {
    if (!app.hasDecorator('parseCookie')) await app.register(cookie);
    if (!app.hasReplyDecorator('generateCsrf')) {
      await app.register(csrf, {
        sessionPlugin: '@fastify/cookie',
        cookieOpts: { path: '/report', sameSite: 'strict', httpOnly: true, signed: false },
        getToken: (req: FastifyRequest) => fieldValue((req.body as Record<string, unknown> | undefined)?._csrf),
      });
    }
    if (!app.hasDecorator('rateLimit')) await app.register(rateLimit, { global: false });
    if (!app.hasContentTypeParser('multipart/form-data')) {
      await app.register(multipart, { attachFieldsToBody: true, limits: { files: MAX_FILES, fileSize: MAX_FILE_BYTES, fields: 30, fieldSize: 64 * 1024, parts: 40 } });
    }
    if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody, { bodyLimit: 256 * 1024 });

    app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
      const message =
        status === 429
          ? 'Too many reports from your address; please wait a minute and try again.'
          : status === 403
            ? 'The form expired or was not sent from this site; please reload the form and send it again.'
            : status === 413
              ? `An evidence file is too large (at most ${MAX_FILES} files of ${MAX_FILE_BYTES / 1048576} MB each).`
              : status < 500
                ? 'The form could not be read; please try again.'
                : 'The report could not be stored right now; please try again later.';
      if (status >= 500) desk.ctx.log.error({ err: err.message }, 'report form failed');
      return secure(reply).code(status).type('text/html; charset=utf-8').send(renderError(status, message));
    });

    const html = (reply: FastifyReply, status: number, body: string) => secure(reply).code(status).type('text/html; charset=utf-8').send(body);

    app.get('/report', { config: { rateLimit: { max: opts.viewsPerMinute ?? 60, timeWindow: 60_000 } } }, async (_req, reply) => html(reply, 200, renderForm({ csrfToken: reply.generateCsrf() })));

    app.post(
      '/report',
      { config: { rateLimit: { max: opts.postsPerMinute ?? 5, timeWindow: 60_000 } }, preHandler: app.csrfProtection },
      async (req, reply) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const values: FormValues = {};
        for (const f of FIELDS) values[f] = fieldValue(body[f]);
        const parsed = reportFields.safeParse(values);
        const errors = parsed.success ? [] : parsed.error.issues.map((i) => `${label(String(i.path[0] ?? ''))}: ${i.message}`);
        if (!values.description?.trim()) errors.push('Description: please describe what happened');
        if (!values.reporterEmail?.trim()) errors.push('Your e-mail address: needed to send you the reference');
        if (!parsed.success || errors.length) return html(reply, 400, renderForm({ csrfToken: reply.generateCsrf(), values, errors }));

        const files = ([] as unknown[]).concat(body.evidence ?? []).filter((p): p is Part & { type: 'file' } => !!p && typeof p === 'object' && (p as Part).type === 'file');
        const evidence = [];
        for (const f of files) {
          const content = await f.toBuffer();
          if (!f.filename || content.length === 0) continue;
          evidence.push({ filename: f.filename.slice(0, 200), contentType: /^[\w.+-]+\/[\w.+-]+$/.test(f.mimetype) ? f.mimetype : 'application/octet-stream', content });
        }
        const { raw } = await buildReportMessage({ ...parsed.data, evidence }, { channel: 'form', now: desk.ctx.clock.now(), to: desk.config.mailFrom });
        const receipt = await intake.receive({ raw, channel: 'form', reporter: parsed.data.reporterEmail ?? null, meta: { client: req.ip, userAgent: String(req.headers['user-agent'] ?? '').slice(0, 300) } });
        return html(reply, 200, renderThanks(receipt.reportId));
      },
    );
  };
}

/** The form page needs no script, no frames and no other origin: say so to the browser. */
function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}

function label(field: string): string {
  const names: Record<string, string> = {
    reporterName: 'Your name',
    reporterEmail: 'Your e-mail address',
    ip: 'IP address',
    domain: 'Domain name',
    url: 'Website',
    email: 'E-mail address',
    category: 'Kind of abuse',
    description: 'Description',
    occurredAt: 'When did it happen?',
  };
  return names[field] ?? 'What is reported';
}
