import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AbuseDesk } from '../../app.js';
import type { HttpPlugin } from '../app.js';
import { caseViewRoutes } from './case-view.routes.js';
import { dashboardRoutes } from './dashboard.routes.js';
import { inventoryRoutes } from './inventory.routes.js';
import { portalRoutes } from './portal.routes.js';
import { queuesRoutes } from './queues.routes.js';
import { reportViewRoutes } from './report-view.routes.js';
import { searchRoutes } from './search.routes.js';
import { sessionRoutes } from './session.routes.js';
import { usersRoutes } from './users.routes.js';

/** The console's and the portal's JSON API under /api/v1: sessions, users, queues, search, case and report views, dashboard, inventory, portal. */
export function consoleApi(desk: AbuseDesk): HttpPlugin {
  const parts: FastifyPluginAsyncZod[] = [sessionRoutes, usersRoutes, queuesRoutes, searchRoutes, caseViewRoutes, reportViewRoutes, dashboardRoutes, inventoryRoutes, portalRoutes].map((r) => r(desk));
  return {
    api: true,
    plugin: async (app) => {
      for (const p of parts) await app.register(p);
    },
  };
}
