import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AbuseDesk } from '../app.js';
import { installAuth } from '../auth/auth.plugin.js';
import { casesRoutes } from './api/cases.routes.js';
import { metricsRegistry } from './metrics.js';

/** Extra route plugins mounted by later parts (intake form, console, portal), each under its own prefix. */
export interface HttpPlugin {
  prefix?: string;
  /** Mounted under /api/v1 and documented in its OpenAPI document. */
  api?: boolean;
  plugin: (app: FastifyInstance) => Promise<void>;
}

/**
 * The HTTP application, built apart from listen() so tests drive it with inject(). The OpenAPI
 * document of /api/v1 is generated from the route schemas.
 */
export async function buildHttpApp(desk: AbuseDesk, plugins: HttpPlugin[] = []): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: desk.ctx.log.child({ component: 'http' }),
    // One line per request would drown the pipeline's logs; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 25 * 1024 * 1024,
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(swagger, {
    openapi: { info: { title: 'AbuseDesk API', version: '1' }, servers: [] },
    transform: jsonSchemaTransform,
  });

  app.get('/healthz', async (_req, reply) => {
    try {
      await desk.database.db.selectFrom('meta').select('key').limit(1).execute();
      return { status: 'ok', database: desk.database.dialect };
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', error: err instanceof Error ? err.message : String(err) });
    }
  });

  const registry = metricsRegistry(desk);
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });

  await app.register(
    async (api) => {
      // Every /api/v1 route is protected by default (operators only); opt out with
      // `config: { public: true }`, choose roles with `config: { roles: [...] }`. See src/auth/auth.plugin.ts.
      await installAuth(api, desk);
      const typed = api.withTypeProvider<ZodTypeProvider>();
      await typed.register(casesRoutes(desk));
      for (const p of plugins.filter((x) => x.api)) await typed.register(p.plugin, { prefix: p.prefix ?? '' });
      api.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
    },
    { prefix: '/api/v1' },
  );
  for (const p of plugins.filter((x) => !x.api)) await app.register(p.plugin, { prefix: p.prefix ?? '' });
  return app;
}
