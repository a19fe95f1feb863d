import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AbuseDesk } from '../../app.js';
import { principalOf } from '../../auth/auth.plugin.js';
import { SUPERVISORS } from '../../auth/roles.js';
import { InventoryError } from '../../domain/inventory.js';
import { ConsoleService } from '../../services/console.service.js';
import { AuditRepository } from '../../storage/repositories/audit.repository.js';
import { errorSchema } from './session.routes.js';

const customerSchema = z.object({ id: z.string(), name: z.string(), contacts: z.array(z.string()), plan: z.string(), status: z.string(), locale: z.string() });
const window = { from: z.string(), to: z.string().nullable() };
const customerDetail = customerSchema.extend({
  services: z.array(z.object({ id: z.string(), kind: z.string(), label: z.string() })),
  ipAssignments: z.array(z.object({ cidr: z.string(), service: z.string(), ...window })),
  domains: z.array(z.object({ name: z.string(), service: z.string(), ...window })),
});

/** The network inventory as operators see it, and its import for supervisors. */
export function inventoryRoutes(desk: AbuseDesk): FastifyPluginAsyncZod {
  const svc = new ConsoleService(desk);
  return async (app) => {
    app.get(
      '/customers',
      {
        schema: {
          summary: 'Customers, searched by id, name or contact address',
          tags: ['inventory'],
          querystring: z.object({ q: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
          response: { 200: z.array(customerSchema) },
        },
      },
      async (req) => svc.customers(req.query.q, req.query.limit),
    );
    app.get(
      '/customers/:id',
      {
        schema: { summary: 'A customer with its services, IP assignments and domains', tags: ['inventory'], params: z.object({ id: z.string().max(200) }), response: { 200: customerDetail, 404: errorSchema } },
      },
      async (req, reply) => {
        const c = await svc.customer(req.params.id);
        if (!c) return reply.code(404).send({ error: 'not_found', message: `no customer ${req.params.id}` });
        return c;
      },
    );
    app.post(
      '/inventory/import',
      {
        config: { roles: SUPERVISORS, audit: false },
        schema: {
          summary: 'Import an inventory document (the JSON of `abusedesk inventory import`): idempotent, all-or-nothing',
          tags: ['inventory'],
          body: z.object({ customers: z.array(z.unknown()).optional(), services: z.array(z.unknown()).optional(), ipAssignments: z.array(z.unknown()).optional(), domains: z.array(z.unknown()).optional() }),
          response: { 200: z.object({ customers: z.number(), services: z.number(), ipAssignments: z.number(), domains: z.number() }), 400: errorSchema },
        },
      },
      async (req, reply) => {
        try {
          const doc = await desk.inventory.import(req.body);
          const now = desk.ctx.clock.now();
          await desk.database.db.transaction().execute((tx) => new AuditRepository(tx).append(now, [{ actor: principalOf(req).actor, entity: 'inventory', entityId: 'import', action: 'imported-by', data: {} }]));
          return { customers: doc.customers.length, services: doc.services.length, ipAssignments: doc.ipAssignments.length, domains: doc.domains.length };
        } catch (err) {
          if (err instanceof InventoryError) return reply.code(400).send({ error: 'invalid_inventory', message: err.message });
          throw err;
        }
      },
    );
  };
}
