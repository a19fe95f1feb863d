import type { AbuseDesk } from '../app.js';
import type { HttpPlugin } from '../http/app.js';
import { actionsRoutes } from '../http/api/actions.routes.js';
import { consentsRoutes } from '../http/api/consents.routes.js';
import { policyRoutes } from '../http/api/policy.routes.js';

/** The workflow's part of `serve`: its API routes (the worker that runs its jobs is serve's own). */
export function workflowExtension(desk: AbuseDesk): { plugins: HttpPlugin[] } {
  return {
    plugins: [
      { api: true, plugin: async (app) => app.register(policyRoutes(desk)) },
      { api: true, plugin: async (app) => app.register(consentsRoutes(desk)) },
      { api: true, plugin: async (app) => app.register(actionsRoutes(desk)) },
    ],
  };
}
