import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { principalOf } from '../../auth/auth.plugin.js';
import { SUPERVISORS } from '../../auth/roles.js';
import { workflowOf } from '../../workflow/install.js';
import { WorkflowError } from '../../workflow/service.js';

export const actionSchema = z
  .object({
    id: z.number(),
    caseId: z.number(),
    kind: z.string(),
    status: z.string(),
    scope: z.string().nullable(),
    step: z.number(),
    dueAt: z.string().nullable(),
    approval: z.string().nullable(),
    approvedBy: z.string().nullable(),
    approvedAt: z.string().nullable(),
    reason: z.string().nullable(),
    attempts: z.number(),
    lastError: z.string().nullable(),
  })
  .passthrough();

const error = z.object({ error: z.string(), message: z.string() });
const responses = { 200: actionSchema, 400: error, 403: error, 404: error, 409: error };
const idParams = z.object({ id: z.coerce.number().int() });
const statusOf = { not_found: 404, conflict: 409, forbidden: 403, invalid: 400 } as const;

/** A refused transition as a stable error id and status; anything else is the server's fault. */
export function workflowError(reply: FastifyReply, err: unknown) {
  if (err instanceof WorkflowError) return reply.code(statusOf[err.code]).send({ error: err.code, message: err.message });
  throw err;
}

/** Operators' action routes: the failed-actions queue, approvals, cancellations, manual steps. */
export function actionsRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  return async (app) => {
    const wf = () => workflowOf(desk).service;
    app.get(
      '/actions',
      {
        schema: {
          summary: 'List actions, newest first (status=failed is the failed-actions queue)',
          tags: ['actions'],
          querystring: z.object({
            status: z.enum(['proposed', 'approved', 'running', 'done', 'failed', 'cancelled']).optional(),
            case: z.coerce.number().int().optional(),
            kind: z.string().optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          }),
          response: { 200: z.array(actionSchema) },
        },
      },
      async (req) => wf().listActions({ status: req.query.status, caseId: req.query.case, kind: req.query.kind, limit: req.query.limit }),
    );
    app.get('/actions/:id', { schema: { summary: 'One action', tags: ['actions'], params: idParams, response: { 200: actionSchema, 404: error } } }, async (req, reply) => {
      const a = await wf().getAction(req.params.id);
      return a ?? reply.code(404).send({ error: 'not_found', message: `no action ${req.params.id}` });
    });
    // Who acts is the signed-in principal (as the audit log names it), never a name in the body.
    const body = z.object({ reason: z.string().nullable().default(null) });
    const actor = (req: Parameters<typeof principalOf>[0]) => principalOf(req).actor;
    app.post(
      '/actions/:id/approve',
      { schema: { summary: 'Approve a proposed action', tags: ['actions'], params: idParams, body, response: responses } },
      async (req, reply) => wf().approve(req.params.id, actor(req), SUPERVISORS.includes(principalOf(req).role) ? 'supervisor' : 'operator', req.body.reason).catch((e) => workflowError(reply, e)),
    );
    app.post('/actions/:id/cancel', { schema: { summary: 'Cancel an action', tags: ['actions'], params: idParams, body, response: responses } }, async (req, reply) =>
      wf().cancel(req.params.id, actor(req), req.body.reason).catch((e) => workflowError(reply, e)),
    );
    app.post('/actions/:id/done', { schema: { summary: 'Mark a manual action carried out', tags: ['actions'], params: idParams, body, response: responses } }, async (req, reply) =>
      wf().markDone(req.params.id, actor(req), req.body.reason).then((a) => a!).catch((e) => workflowError(reply, e)),
    );
    app.post('/actions/:id/retry', { schema: { summary: 'Try a failed action again', tags: ['actions'], params: idParams, body, response: responses } }, async (req, reply) =>
      wf().retry(req.params.id, actor(req)).catch((e) => workflowError(reply, e)),
    );
    app.post(
      '/cases/:id/actions',
      {
        schema: {
          summary: 'Add an action to a case by hand',
          tags: ['actions'],
          params: idParams,
          body: z.object({
            kind: z.string().min(1),
            scope: z.string().nullable().default(null),
            approval: z.enum(['none', 'operator', 'supervisor']).default('operator'),
            reason: z.string().optional(),
            params: z.record(z.string(), z.unknown()).default({}),
          }),
          response: responses,
        },
      },
      async (req, reply) => {
        return wf()
          .propose(req.params.id, req.body, actor(req))
          .then((a) => a ?? reply.code(409).send({ error: 'conflict', message: 'an action with this key exists' }))
          .catch((e) => workflowError(reply, e));
      },
    );
    const ok = z.object({ ok: z.boolean(), detail: z.string().nullable() });
    app.post(
      '/cases/:id/resolve',
      { schema: { summary: 'Close a case as resolved', tags: ['actions'], params: idParams, body: z.object({ reason: z.string().min(1) }), response: { 200: ok, 404: error, 409: error } } },
      async (req, reply) =>
        wf()
          .resolveCase(req.params.id, actor(req), req.body.reason)
          .then(() => ({ ok: true, detail: null }))
          .catch((e) => workflowError(reply, e)),
    );
    app.post(
      '/cases/:id/customer-reply',
      { schema: { summary: "Record that the customer replied (pauses or restarts the deadline as the policy says)", tags: ['actions'], params: idParams, response: { 200: ok } } },
      async (req) => {
        const effect = await wf().customerReplied(req.params.id);
        return { ok: effect !== 'no-case', detail: effect };
      },
    );
    app.post(
      '/cases/:id/resume-clock',
      { schema: { summary: "Restart a deadline a customer's reply paused", tags: ['actions'], params: idParams, response: { 200: ok } } },
      async (req) => {
        const deadline = await wf().resumeClock(req.params.id, actor(req));
        return { ok: deadline !== null, detail: deadline };
      },
    );
  };
}
