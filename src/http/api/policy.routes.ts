import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { principalOf } from '../../auth/auth.plugin.js';
import { SUPERVISORS } from '../../auth/roles.js';
import { workflowOf } from '../../workflow/install.js';
import { parsePolicy, PolicyError } from '../../workflow/policy.js';
import { WorkflowError } from '../../workflow/service.js';

const version = z.object({ ref: z.string(), id: z.string(), version: z.string(), effectiveFrom: z.string(), activatedAt: z.string(), activatedBy: z.string(), sha256: z.string(), inForce: z.boolean(), scheduled: z.boolean() });
const problem = z.object({ file: z.string(), line: z.number(), column: z.number(), field: z.string(), message: z.string() });
const refused = z.object({ error: z.string(), message: z.string(), problems: z.array(problem).optional() });

/** Policy versions over HTTP: the same service as `abusedesk policy`. */
export function policyRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  return async (app) => {
    const wf = () => workflowOf(desk).service;
    app.get(
      '/policy',
      { schema: { summary: 'The policy in force (as data) and every stored version', tags: ['policy'], response: { 200: z.object({ inForce: z.record(z.string(), z.unknown()).nullable(), versions: z.array(version) }) } } },
      async () => {
        const p = await wf().policyInForce();
        const { source: _s, ...doc } = p ?? ({ source: '' } as never);
        return { inForce: p ? (doc as Record<string, unknown>) : null, versions: await wf().policyVersions() };
      },
    );
    app.get(
      '/policy/versions/:ref',
      { schema: { summary: 'One stored version as text', tags: ['policy'], params: z.object({ ref: z.string() }), response: { 200: z.object({ ref: z.string(), source: z.string() }), 404: refused } } },
      async (req, reply) => {
        const p = await wf().policyByRef(req.params.ref);
        return p ? { ref: p.ref, source: p.source } : reply.code(404).send({ error: 'not_found', message: `no policy ${req.params.ref}` });
      },
    );
    const body = z.object({ text: z.string().min(1).max(1_000_000), file: z.string().default('policy.yaml') });
    app.post('/policy/validate', { schema: { summary: 'Validate a policy text; problems name line and field', tags: ['policy'], body, response: { 200: z.object({ ref: z.string() }), 400: refused } } }, async (req, reply) => {
      try {
        return { ref: parsePolicy(req.body.text, req.body.file).ref };
      } catch (err) {
        if (err instanceof PolicyError) return reply.code(400).send({ error: 'invalid_policy', message: err.message, problems: err.problems });
        throw err;
      }
    });
    app.post(
      '/policy/activate',
      { config: { roles: SUPERVISORS }, schema: { summary: 'Activate a policy version (customers are told once); supervisors only', tags: ['policy'], body: body.extend({ announce: z.boolean().default(true) }), response: { 200: z.object({ ref: z.string(), stored: z.boolean() }), 400: refused, 409: refused } } },
      async (req, reply) => {
        try {
          const r = await wf().activatePolicy(req.body.text, req.body.file, principalOf(req).actor, { announce: req.body.announce });
          return { ref: r.policy.ref, stored: r.stored };
        } catch (err) {
          if (err instanceof PolicyError) return reply.code(400).send({ error: 'invalid_policy', message: err.message, problems: err.problems });
          if (err instanceof WorkflowError) return reply.code(409).send({ error: err.code, message: err.message });
          throw err;
        }
      },
    );
  };
}
