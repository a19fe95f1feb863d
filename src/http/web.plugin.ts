import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import type { HttpPlugin } from './app.js';

/**
 * The policy every console and portal page is served under. Reports are hostile input shown in
 * the console, so the browser must refuse anything but our own bundled code: no inline script,
 * no eval, no inline style attributes from markup, no plugins, no framing, and Trusted Types so
 * that even an accidental innerHTML assignment throws instead of parsing markup.
 */
export const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Where `vite build` writes the front end: dist/web beside src/ and dist/ alike (../../ from either). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

interface Asset {
  body: Buffer;
  type: string;
}

/** Reads the built files once: a fixed map of names, so no request path ever reaches the file system. */
function loadAssets(dir: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const assets = join(dir, 'assets');
  if (!existsSync(assets)) return out;
  for (const name of readdirSync(assets)) {
    const file = join(assets, name);
    const type = TYPES[extname(name)];
    if (type && statSync(file).isFile()) out.set(name, { body: readFileSync(file), type });
  }
  return out;
}

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', WEB_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin')
    .header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
}

/**
 * The operator console at /console and the customer portal at /portal: single-page apps, so
 * every path under each answers its page and the app's router takes over. Hashed bundles under
 * /assets are cached for good.
 */
export function webPlugin(opts: { dir?: string } = {}): HttpPlugin {
  const dir = opts.dir ?? DEFAULT_WEB_DIR;
  return {
    plugin: async (app) => {
      const assets = loadAssets(dir);
      const page = (name: string): Buffer | null => {
        const file = join(dir, `${name}.html`);
        return existsSync(file) ? readFileSync(file) : null;
      };
      const pages = { console: page('console'), portal: page('portal') };

      for (const name of ['console', 'portal'] as const) {
        const handler = async (_req: unknown, reply: FastifyReply) => {
          const body = pages[name];
          secure(reply).header('cache-control', 'no-store');
          if (!body) return reply.code(503).type('text/plain; charset=utf-8').send(`The ${name} is not built: run \`npm run build\`.\n`);
          return reply.type('text/html; charset=utf-8').send(body);
        };
        app.get(`/${name}`, { schema: { hide: true } }, handler);
        app.get(`/${name}/*`, { schema: { hide: true } }, handler);
      }

      app.get<{ Params: { name: string } }>('/assets/:name', { schema: { hide: true } }, async (req, reply) => {
        const asset = assets.get(req.params.name);
        secure(reply);
        if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
        return reply.header('cache-control', 'public, max-age=31536000, immutable').type(asset.type).send(asset.body);
      });
    },
  };
}
