import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { principalOf } from '../../auth/auth.plugin.js';
import { authFor, presentUser } from '../../auth/auth.service.js';
import { ADMINS, ROLES } from '../../auth/roles.js';
import { errorSchema, sendAuthError, userSchema } from './session.routes.js';

const tokenSchema = z.object({
  id: z.number(),
  name: z.string(),
  role: z.enum(ROLES),
  customerId: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

/** Administering people and machines: users and API tokens (admins only). */
export function usersRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  const auth = authFor(desk);
  return async (app) => {
    app.get('/users', { config: { roles: ADMINS }, schema: { summary: 'Every user', tags: ['users'], response: { 200: z.array(userSchema) } } }, async () => auth.listUsers());

    app.post(
      '/users',
      {
        config: { roles: ADMINS, audit: false },
        schema: {
          summary: 'Add a user (an operator, or a customer user tied to one customer)',
          tags: ['users'],
          body: z.object({ email: z.string().max(320), role: z.enum(ROLES), password: z.string().max(1000).optional(), customerId: z.string().max(200).optional(), name: z.string().max(200).optional() }),
          response: { 201: userSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
        },
      },
      async (req, reply) => {
        try {
          const u = await auth.createUser(req.body, principalOf(req).actor);
          return reply.code(201).send(presentUser(u));
        } catch (err) {
          return sendAuthError(reply, err);
        }
      },
    );

    app.patch(
      '/users/:id',
      {
        config: { roles: ADMINS, audit: false },
        schema: {
          summary: "Change a user's role, name or password, or disable it (ends its sessions)",
          tags: ['users'],
          params: z.object({ id: z.coerce.number().int() }),
          body: z.object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), name: z.string().max(200).nullable().optional(), password: z.string().max(1000).optional() }),
          response: { 200: userSchema, 400: errorSchema, 404: errorSchema },
        },
      },
      async (req, reply) => {
        try {
          return presentUser(await auth.updateUser(req.params.id, req.body, principalOf(req).actor));
        } catch (err) {
          return sendAuthError(reply, err);
        }
      },
    );

    app.get('/tokens', { config: { roles: ADMINS }, schema: { summary: 'Every API token (never the secret)', tags: ['users'], response: { 200: z.array(tokenSchema) } } }, async () => auth.listTokens());

    app.post(
      '/tokens',
      {
        config: { roles: ADMINS, audit: false },
        schema: {
          summary: 'Create an API token for `Authorization: Bearer`; the token is in this answer only',
          tags: ['users'],
          body: z.object({ role: z.enum(ROLES), name: z.string().max(200).optional(), customerId: z.string().max(200).optional(), expiresAt: z.string().datetime().optional() }),
          response: { 201: z.object({ token: z.string(), id: z.number(), role: z.enum(ROLES), name: z.string() }), 400: errorSchema, 404: errorSchema },
        },
      },
      async (req, reply) => {
        try {
          const { token, row } = await auth.createToken({ ...req.body, expiresAt: req.body.expiresAt ? new Date(req.body.expiresAt) : null }, principalOf(req).actor);
          return reply.code(201).send({ token, id: row.id, role: row.role as (typeof ROLES)[number], name: row.name });
        } catch (err) {
          return sendAuthError(reply, err);
        }
      },
    );

    app.delete(
      '/tokens/:id',
      {
        config: { roles: ADMINS, audit: false },
        schema: { summary: 'Revoke an API token', tags: ['users'], params: z.object({ id: z.coerce.number().int() }), response: { 204: z.null(), 404: errorSchema } },
      },
      async (req, reply) => {
        if (!(await auth.revokeToken(req.params.id, principalOf(req).actor))) return reply.code(404).send({ error: 'not_found', message: `no live token ${req.params.id}` });
        return reply.code(204).send(null);
      },
    );
  };
}
