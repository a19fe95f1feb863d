import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { principalOf } from '../../auth/auth.plugin.js';
import { ConsentError, consentBody } from '../../workflow/consents.js';
import { workflowOf } from '../../workflow/install.js';

const consent = z.object({
  id: z.number(),
  customer: z.string(),
  kind: z.string(),
  cidrs: z.array(z.string()),
  targets: z.array(z.string()).nullable(),
  ports: z.array(z.tuple([z.number(), z.number()])).nullable(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  document: z.string(),
  note: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  revokeReason: z.string().nullable(),
  hits: z.number(),
  lastHitAt: z.string().nullable(),
});
const error = z.object({ error: z.string(), message: z.string() });

/** The consent registry over HTTP: the same service as `abusedesk consents`. */
export function consentsRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  return async (app) => {
    const svc = () => workflowOf(desk).consents;
    app.get(
      '/consents',
      {
        schema: {
          summary: 'List consents, newest first',
          tags: ['consents'],
          querystring: z.object({ customer: z.string().optional(), kind: z.enum(['irc', 'port-scan']).optional(), all: z.coerce.boolean().default(false) }),
          response: { 200: z.array(consent) },
        },
      },
      async (req) => svc().list({ customer: req.query.customer, kind: req.query.kind, all: req.query.all }),
    );
    app.get('/consents/:id', { schema: { summary: 'One consent', tags: ['consents'], params: z.object({ id: z.coerce.number().int() }), response: { 200: consent, 404: error } } }, async (req, reply) => {
      const c = await svc().get(req.params.id);
      return c ?? reply.code(404).send({ error: 'not_found', message: `no consent ${req.params.id}` });
    });
    app.post(
      '/consents',
      { schema: { summary: 'Record a consent (IRC) or permission (port scan, security audit)', tags: ['consents'], body: consentBody, response: { 201: consent, 400: error } } },
      async (req, reply) => {
        try {
          return reply.code(201).send(await svc().add(req.body, principalOf(req).actor));
        } catch (err) {
          if (err instanceof ConsentError) return reply.code(400).send({ error: 'invalid_consent', message: err.message });
          throw err;
        }
      },
    );
    app.post(
      '/consents/:id/revoke',
      { schema: { summary: 'Revoke a consent', tags: ['consents'], params: z.object({ id: z.coerce.number().int() }), body: z.object({ reason: z.string().nullable().default(null) }), response: { 200: consent, 409: error } } },
      async (req, reply) => {
        try {
          return await svc().revoke(req.params.id, principalOf(req).actor, req.body.reason);
        } catch (err) {
          if (err instanceof ConsentError) return reply.code(409).send({ error: 'conflict', message: err.message });
          throw err;
        }
      },
    );
  };
}
