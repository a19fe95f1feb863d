import type { FastifyInstance } from 'fastify';
import { AbuseDesk } from './app.js';
import type { Config } from './config/config.js';
import { buildHttpApp, type HttpPlugin } from './http/app.js';
import type { Logger } from './logging.js';

/** A long-running part of `serve`: started in order, stopped in reverse. */
export interface Component {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface Served {
  desk: AbuseDesk;
  http: FastifyInstance;
  components: Component[];
  stop(): Promise<void>;
}

/**
 * `abusedesk serve`: the HTTP API, the pipeline worker and every other component on one
 * database. Later parts add their components (SMTP intake, IMAP poller, scheduler) and HTTP
 * plugins through `extend`.
 */
export async function serve(config: Config, opts: { log?: Logger; extend?: (desk: AbuseDesk) => Promise<{ components?: Component[]; plugins?: HttpPlugin[] }> } = {}): Promise<Served> {
  const desk = await AbuseDesk.open(config, { log: opts.log });
  const extra = opts.extend ? await opts.extend(desk) : {};
  const http = await buildHttpApp(desk, extra.plugins ?? []);
  const components: Component[] = [
    { name: 'worker', start: async () => desk.worker.start(), stop: () => desk.worker.stop() },
    ...(extra.components ?? []),
    {
      name: 'http',
      start: async () => {
        await http.listen({ host: config.http.host, port: config.http.port });
      },
      stop: () => http.close(),
    },
  ];
  const started: Component[] = [];
  const stop = async () => {
    for (const c of started.reverse()) await c.stop().catch((err) => desk.ctx.log.error({ component: c.name, err: String(err) }, 'stop failed'));
    await desk.close();
  };
  try {
    for (const c of components) {
      await c.start();
      started.push(c);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { desk, http, components, stop };
}
