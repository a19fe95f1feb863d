import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { principalOf } from '../../auth/auth.plugin.js';
import { CATEGORIES } from '../../domain/categories.js';
import { ConflictError, ConsoleService, NotFoundError } from '../../services/console.service.js';
import { errorSchema } from './session.routes.js';

const noteSchema = z.object({ id: z.number(), author: z.string(), text: z.string(), at: z.string() });

/** The console's case page (everything on one answer), notes, and bulk operations on cases. */
export function caseViewRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  const svc = new ConsoleService(desk);
  return async (app) => {
    app.get(
      '/cases/:id/view',
      {
        schema: {
          summary: 'The case page: the case, its events, actions, messages and notes, a merged timeline, the reports behind it and the customer with services and addresses',
          tags: ['console'],
          params: z.object({ id: z.coerce.number().int() }),
          response: {
            200: z.object({
              id: z.number(),
              customer: z.string(),
              customerName: z.string().nullable(),
              category: z.string(),
              resource: z.string(),
              status: z.string(),
              eventCount: z.number(),
              firstSeen: z.string(),
              lastSeen: z.string(),
              policyVersion: z.string().nullable(),
              openedAt: z.string(),
              closedAt: z.string().nullable(),
              updatedAt: z.string(),
              events: z.array(z.record(z.string(), z.unknown())),
              actions: z.array(z.record(z.string(), z.unknown())),
              messages: z.array(
                z.object({ id: z.number(), direction: z.enum(['in', 'out']), kind: z.string(), channel: z.string(), from: z.string().nullable(), to: z.string().nullable(), subject: z.string(), body: z.string(), at: z.string() }),
              ),
              notes: z.array(noteSchema),
              reports: z.array(
                z.object({ id: z.number(), channel: z.string(), reporter: z.string().nullable(), subject: z.string().nullable(), filename: z.string().nullable(), receivedAt: z.string(), format: z.string().nullable(), status: z.string(), sha256: z.string(), size: z.number() }),
              ),
              customerDetail: z.record(z.string(), z.unknown()).nullable(),
              timeline: z.array(z.object({ kind: z.enum(['event', 'action', 'message', 'note']), id: z.number(), at: z.string(), summary: z.string() })),
            }),
            404: errorSchema,
          },
        },
      },
      async (req, reply) => {
        const v = await svc.caseView(req.params.id);
        if (!v) return reply.code(404).send({ error: 'not_found', message: `no case ${req.params.id}` });
        return v;
      },
    );

    app.post(
      '/cases/:id/notes',
      {
        config: { audit: false },
        schema: { summary: 'Add a note to a case', tags: ['console'], params: z.object({ id: z.coerce.number().int() }), body: z.object({ text: z.string().trim().min(1).max(20_000) }), response: { 201: noteSchema, 404: errorSchema } },
      },
      async (req, reply) => {
        try {
          return reply.code(201).send(await svc.addNote(req.params.id, req.body.text, principalOf(req).actor));
        } catch (err) {
          if (err instanceof NotFoundError) return reply.code(404).send({ error: 'not_found', message: err.message });
          throw err;
        }
      },
    );

    app.post(
      '/events/:id/category',
      {
        // Operators (analyst and up), as every console route; the service writes its own audit entry.
        config: { audit: false },
        schema: {
          summary: 'Set the category of an unclassified, new or unassigned event: it is correlated again by the pipeline and joins the right case (or the unassigned queue)',
          tags: ['console'],
          params: z.object({ id: z.coerce.number().int() }),
          body: z.object({ category: z.enum(CATEGORIES) }),
          response: { 202: z.object({ eventId: z.number(), from: z.string(), to: z.string(), previousCase: z.number().nullable(), job: z.number() }), 404: errorSchema, 409: errorSchema },
        },
      },
      async (req, reply) => {
        try {
          return reply.code(202).send(await svc.reclassifyEvent(req.params.id, req.body.category, principalOf(req).actor));
        } catch (err) {
          if (err instanceof NotFoundError) return reply.code(404).send({ error: 'not_found', message: err.message });
          if (err instanceof ConflictError) return reply.code(409).send({ error: 'conflict', message: err.message });
          throw err;
        }
      },
    );

    app.post(
      '/cases/bulk',
      {
        config: { audit: false },
        schema: {
          summary: 'One operation on many cases: `note` (text), `close` (reason; the workflow closes each as from its page: proposals cancelled, timers stopped, reporters told). Each case succeeds or fails on its own.',
          tags: ['console'],
          body: z.object({ ids: z.array(z.number().int()).min(1).max(1000), op: z.enum(['note', 'close']), text: z.string().trim().min(1).max(20_000).optional(), reason: z.string().max(2000).optional() }),
          response: { 200: z.object({ done: z.number(), failed: z.array(z.object({ id: z.number(), error: z.string() })) }), 400: errorSchema },
        },
      },
      async (req, reply) => {
        if (req.body.op === 'note' && !req.body.text) return reply.code(400).send({ error: 'bad_request', message: 'a note needs text' });
        return svc.bulk([...new Set(req.body.ids)], req.body.op, req.body, principalOf(req).actor);
      },
    );
  };
}
