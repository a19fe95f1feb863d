import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BrowserContext, chromium } from 'playwright-core';
import { describe } from 'vitest';
import { AbuseDesk } from '../../src/app.js';
import { authFor } from '../../src/auth/auth.service.js';
import { loadConfig } from '../../src/config/config.js';
import type { Clock } from '../../src/domain/clock.js';
import { extensions } from '../../src/extensions.js';
import { buildHttpApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logging.js';

/**
 * What the browser tests and `npm run screenshots` stand on: the real server (AbuseDesk on a
 * fresh SQLite file, every plugin `serve` mounts, a real socket on 127.0.0.1) and a headless
 * Chromium with an empty profile.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const WEB_SRC = join(ROOT, 'src/web');
const WEB_OUT = join(ROOT, 'dist/web');

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/**
 * `npm ci` builds dist/web; a developer who edited src/web since gets a fresh build here, once,
 * under a directory lock so two test files never build over each other.
 */
export function ensureWebBuilt(): void {
  const lock = join(ROOT, 'dist/.web-build.lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`could not take ${lock}`);
      execFileSync('sleep', ['0.2']);
    }
  }
  try {
    const page = join(WEB_OUT, 'console.html');
    const srcTime = Math.max(newest(WEB_SRC), newest(join(ROOT, 'src/domain')));
    if (!existsSync(page) || statSync(page).mtimeMs < srcTime) {
      execFileSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--config', join(WEB_SRC, 'vite.config.ts'), '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    }
  } finally {
    rmdirSync(lock);
  }
}

/** Shutting down must not hang a test run: a step that overruns is reported and left behind. */
async function bounded(what: string, p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  const r = await Promise.race([p.then(() => 'done' as const), late]);
  clearTimeout(timer);
  if (r === 'late') console.warn(`browser tests: ${what} took longer than ${ms} ms; moving on`);
}

export interface Server {
  url: string;
  desk: AbuseDesk;
  http: FastifyInstance;
  dir: string;
  close(): Promise<void>;
}

/** AbuseDesk on a temporary SQLite database with the plugins `serve` mounts, listening on port 0. */
export async function startServer(opts: { clock?: Clock; dir?: string } = {}): Promise<Server> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'abusedesk-web-'));
  const config = loadConfig({ ABUSEDESK_DATA_DIR: dir, ABUSEDESK_LOG_LEVEL: 'silent' });
  const desk = await AbuseDesk.open(config, { log: createLogger('silent'), clock: opts.clock });
  const { plugins } = await extensions(desk);
  const http = await buildHttpApp(desk, plugins);
  await http.listen({ host: '127.0.0.1', port: 0 });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    desk,
    http,
    dir,
    close: async () => {
      // Keep-alive sockets (Node's own fetch pools them) would hold close() open: the run is over.
      const closing = http.close();
      http.server.closeAllConnections();
      await bounded('closing the HTTP server', closing, 10_000);
      await bounded('closing the desk', desk.close(), 10_000);
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

const CHROMIUM = process.env.ABUSEDESK_CHROMIUM ?? '/usr/bin/chromium';
let warned = false;

/**
 * Browser tests run wherever Chromium is installed (CI installs it). On a laptop without it they
 * are skipped with a loud notice, like the PostgreSQL half of the storage tests; under CI a
 * missing browser fails instead of skipping.
 */
export function describeBrowser(title: string, fn: () => void): void {
  if (existsSync(CHROMIUM) || process.env.CI) {
    describe(title, fn);
    return;
  }
  if (!warned) {
    warned = true;
    console.warn(`\n*** ${CHROMIUM} is not installed: the browser tests are SKIPPED (set ABUSEDESK_CHROMIUM to a Chromium binary) ***\n`);
  }
  describe.skip(title, fn);
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, on a new empty profile that is removed afterwards. */
export async function launchBrowser(opts: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'abusedesk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: opts.viewport ?? { width: 1440, height: 900 },
    locale: opts.locale ?? 'en-GB',
    timezoneId: 'UTC',
  });
  return {
    context,
    close: async () => {
      await bounded('closing Chromium', context.close(), 15_000);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A user through the same service `abusedesk users add` uses. */
export async function addUser(desk: AbuseDesk, u: { email: string; role: string; password: string; customerId?: string; name?: string }): Promise<void> {
  await authFor(desk).createUser({ email: u.email, role: u.role, password: u.password, customerId: u.customerId ?? null, name: u.name ?? null }, 'test');
}
