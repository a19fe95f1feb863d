/**
 * Console benchmark: the operators' queue pages and case search on 1 million cases and 10 million
 * events, on SQLite and on PostgreSQL, measured as server time through the real HTTP app
 * (`app.inject`: authentication, validation, query, serialization) and printed beside a same-run
 * baseline (`SELECT 1` round trip, and `GET /healthz`).
 *
 *   npm run bench -- console                      full scale (1M cases, 10M events), both engines
 *   ABUSEDESK_BENCH_SCALE=0.1 npm run bench -- console   a tenth, for a quick run
 *   ABUSEDESK_BENCH_ENGINES=sqlite|postgres       one engine only
 *   ABUSEDESK_BENCH_DATABASE_URL=postgres://...   the PostgreSQL server (a fresh database is created and dropped)
 *   ABUSEDESK_BENCH_KEEP=1                         keep the seeded databases (to EXPLAIN a query), and skip the measurements
 *
 * The data is generated inside the database (INSERT ... SELECT over a recursive CTE or
 * generate_series), with secondary indexes dropped during the load and rebuilt from their own
 * definitions after, as a bulk load would be done.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { AbuseDesk } from '../src/app.js';
import { authFor } from '../src/auth/auth.service.js';
import { loadConfig } from '../src/config/config.js';
import { CATEGORIES, WEB_CONTENT_CATEGORIES } from '../src/domain/categories.js';
import { consoleApi } from '../src/http/api/console.routes.js';
import { buildHttpApp } from '../src/http/app.js';
import { createLogger } from '../src/logging.js';
import { type Database, openDatabase } from '../src/storage/database.js';

const scale = Number(process.env.ABUSEDESK_BENCH_SCALE ?? '1');
const CASES = Math.max(1000, Math.round(1_000_000 * scale));
const EVENTS_PER_CASE = 10;
const CUSTOMERS = Math.max(100, Math.round(20_000 * scale));
const REPORTERS = 1000;
const UNASSIGNED = Math.round(CASES * 0.1); // 1% of events
const SPAN_S = 365 * 86_400;
const RUNS = Number(process.env.ABUSEDESK_BENCH_RUNS ?? '60');
const engines = (process.env.ABUSEDESK_BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
const pgUrl = process.env.ABUSEDESK_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TABLES = ['customers', 'services', 'reports', 'cases', 'events', 'actions', 'case_workflow'];

const END = new Date();
const START_MS = END.getTime() - SPAN_S * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

function log(msg: string) {
  process.stdout.write(`${msg}\n`);
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const r = await fn();
  log(`  ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return r;
}

// Category index -> id, and whether its cases are keyed by domain (web content) or by IP.
const catList = CATEGORIES.map((c) => `'${c}'`).join(',');
const webFlags = CATEGORIES.map((c) => (WEB_CONTENT_CATEGORIES.has(c) ? 1 : 0));

/** SQL text of the n-th category for an integer expression, the same on both engines. */
function categoryOf(expr: string): string {
  return `(case (${expr}) % ${CATEGORIES.length} ${CATEGORIES.map((c, i) => `when ${i} then '${c}'`).join(' ')} end)`;
}
function isWeb(expr: string): string {
  const web = webFlags.map((f, i) => (f ? i : -1)).filter((i) => i >= 0);
  return `((${expr}) % ${CATEGORIES.length} in (${web.join(',')}))`;
}

interface Dialect {
  /** Rows 1..n as column i. */
  series(n: number): string;
  text(expr: string): string;
  /** ISO text of START + seconds. */
  time(secondsExpr: string): string;
  pad(expr: string, width: number): string;
  blob: string;
  div(a: string, b: string): string;
}

const sqliteDialect: Dialect = {
  series: (n) => `(with recursive s(i) as (select 1 union all select i + 1 from s where i < ${n}) select i from s)`,
  text: (e) => `cast(${e} as text)`,
  time: (s) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${START_MS / 1000} + (${s}), 'unixepoch')`,
  pad: (e, w) => `printf('%0${w}d', ${e})`,
  blob: `x'00'`,
  div: (a, b) => `((${a}) / (${b}))`,
};

const pgDialect: Dialect = {
  series: (n) => `(select i from generate_series(1::bigint, ${n}) as g(i))`,
  text: (e) => `(${e})::text`,
  time: (s) => `to_char(to_timestamp(${START_MS / 1000} + (${s})) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  pad: (e, w) => `lpad((${e})::text, ${w}, '0')`,
  blob: `'\\x00'::bytea`,
  div: (a, b) => `((${a}) / (${b}))`,
};

async function run(db: Kysely<any>, text: string): Promise<void> {
  await sql.raw(text).execute(db);
}

async function seed(db: Kysely<any>, engine: 'sqlite' | 'postgres'): Promise<void> {
  const d = engine === 'sqlite' ? sqliteDialect : pgDialect;
  // The cases' activity spread over a year in an order unrelated to their ids, as in real life.
  const seen = (i: string) => `((${i}) * 7919 % ${CASES}) * ${SPAN_S} / ${CASES}`;
  const ip = (i: string) => `'10.' || ${d.text(`${d.div(i, '65536')} % 256`)} || '.' || ${d.text(`${d.div(i, '256')} % 256`)} || '.' || ${d.text(`(${i}) % 256`)}`;
  const status = (i: string) =>
    `(case ((${i}) / 7) % 10 when 0 then 'closed' when 1 then 'closed' when 2 then 'resolved' when 3 then 'closed' when 4 then 'open' when 5 then 'awaiting-approval' when 6 then 'in-progress' when 7 then 'in-progress' when 8 then 'watching' else 'open' end)`;

  await timed(`customers + services (${CUSTOMERS})`, async () => {
    await run(db, `insert into customers (id, name, contacts, plan, status, locale, created_at, updated_at)
      select 'c-' || ${d.pad('i', 6)}, 'Customer ' || ${d.text('i')}, '["abuse@customer' || ${d.text('i')} || '.example"]', 'shared', 'active', 'en', '${iso(START_MS)}', '${iso(START_MS)}' from ${d.series(CUSTOMERS)} s`);
    await run(db, `insert into services (id, customer_id, kind, label) select 's-' || ${d.pad('i', 6)}, 'c-' || ${d.pad('i', 6)}, 'shared-hosting', 'web account ' || ${d.text('i')} from ${d.series(CUSTOMERS)} s`);
  });
  await timed(`reports (${CASES}, one per case, 1% failed)`, () =>
    run(db, `insert into reports (id, sha256, channel, reporter, message_id, subject, filename, received_at, raw, size, format, status, error, event_count, meta)
      select i, ${d.pad('i', 64)}, 'smtp', 'reporter' || ${d.text(`(i * 7) % ${REPORTERS}`)} || '@example.net', null, 'Abuse report ' || ${d.text('i')}, null,
        ${d.time(seen('i'))}, ${d.blob}, 1, 'arf', case when i % 100 = 0 then 'failed' else 'parsed' end, case when i % 100 = 0 then 'bench: parse error' else null end, ${EVENTS_PER_CASE}, '{}'
      from ${d.series(CASES)} s`),
  );
  await timed(`cases (${CASES})`, () =>
    run(db, `insert into cases (id, customer_id, category, resource, status, policy_version, opened_at, first_seen, last_seen, event_count, closed_at, updated_at)
      select i, 'c-' || ${d.pad(`(i % ${CUSTOMERS}) + 1`, 6)}, ${categoryOf('i')},
        case when ${isWeb('i')} then 'site' || ${d.text('i')} || '.example' else ${ip('i')} end,
        ${status('i')}, 'default@1', ${d.time(`${seen('i')} - 86400`)}, ${d.time(`${seen('i')} - 86400`)}, ${d.time(seen('i'))}, ${EVENTS_PER_CASE},
        case when ((i / 7) % 10) in (0, 1, 2, 3) then ${d.time(seen('i'))} else null end, ${d.time(seen('i'))}
      from ${d.series(CASES)} s`),
  );
  await timed(`events (${CASES * EVENTS_PER_CASE} correlated + ${UNASSIGNED} unassigned)`, async () => {
    await run(db, `insert into events (id, report_id, fingerprint, category, type, ip, port, url, domain, email, occurred_at, reporter, evidence, status, customer_id, service_id, case_id, resource, matched, created_at)
      select (c.id - 1) * ${EVENTS_PER_CASE} + k.j + 1, c.id, 'e' || ${d.pad('c.id', 9)} || '-' || ${d.text('k.j')}, c.category, 'bench',
        case when c.resource like 'site%' then null else c.resource end, null, null,
        case when c.resource like 'site%' then c.resource else null end, null,
        c.last_seen, 'reporter' || ${d.text(`(c.id * 7 + k.j) % ${REPORTERS}`)} || '@example.net', '{}', 'correlated', c.customer_id,
        's-' || substr(c.customer_id, 3), c.id, c.resource, c.resource, c.last_seen
      from cases c cross join (select i - 1 as j from ${d.series(EVENTS_PER_CASE)} s) k`);
    await run(db, `insert into events (id, report_id, fingerprint, category, type, ip, port, url, domain, email, occurred_at, reporter, evidence, status, customer_id, service_id, case_id, resource, matched, created_at)
      select ${CASES * EVENTS_PER_CASE} + i, i, 'u' || ${d.pad('i', 9)}, 'spam', 'bench', '203.0.' || ${d.text(`${d.div('i', '256')} % 256`)} || '.' || ${d.text('i % 256')}, null, null, null, null,
        ${d.time(seen('i'))}, 'reporter' || ${d.text(`i % ${REPORTERS}`)} || '@example.net', '{}', 'unassigned', null, null, null, null, null, ${d.time(seen('i'))}
      from ${d.series(UNASSIGNED)} s`);
  });
  await timed('actions and workflow state', async () => {
    // Awaiting approval: one proposed step; in progress: a notice sent with a deadline; 1 in 200 a failed step.
    await run(db, `insert into actions (case_id, kind, scope, status, step, due_at, approval, approved_by, approved_at, reason, idempotency_key, attempts, last_error, params, result, created_at, updated_at)
      select c.id, case when c.status = 'awaiting-approval' then 'suspend' else 'notify-customer' end, null,
        case when c.status = 'awaiting-approval' then 'proposed' when c.id % 200 = 6 then 'failed' else 'done' end, 0, null,
        case when c.status = 'awaiting-approval' then 'supervisor' else null end, null, null, 'bench', 'bench-' || ${d.text('c.id')}, 1,
        case when c.id % 200 = 6 then 'bench: relay refused' else null end, '{}', null, c.last_seen, c.last_seen
      from cases c where c.status in ('awaiting-approval', 'in-progress')`);
    await run(db, `insert into case_workflow (case_id, policy_ref, step, step_started_at, deadline_at, paused_remaining_ms, resume_at, armed_step, last_reply_at, last_event_at, close_at, finished, updated_at)
      select c.id, 'default@1', 0, c.last_seen, ${d.time(`${seen('c.id')} + 14 * 86400`)}, null, null, null, null, c.last_seen, null, 0, c.last_seen
      from cases c where c.status in ('awaiting-approval', 'in-progress')`);
  });
  if (engine === 'postgres') {
    // Explicit ids were inserted: move the identity sequences past them.
    for (const t of ['reports', 'cases', 'events', 'actions']) await run(db, `select setval(pg_get_serial_sequence('${t}', 'id'), (select max(id) from ${t}))`);
  }
}

async function secondaryIndexes(db: Kysely<any>, engine: 'sqlite' | 'postgres'): Promise<{ name: string; def: string }[]> {
  const list = TABLES.map((t) => `'${t}'`).join(',');
  if (engine === 'sqlite') {
    const r = await sql.raw<{ name: string; sql: string }>(`select name, sql from sqlite_master where type = 'index' and tbl_name in (${list}) and sql is not null`).execute(db);
    return r.rows.map((x) => ({ name: x.name, def: x.sql }));
  }
  const r = await sql.raw<{ indexname: string; indexdef: string }>(
    `select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename in (${list}) and indexname not in (select conname from pg_constraint)`,
  ).execute(db);
  return r.rows.map((x) => ({ name: x.indexname, def: x.indexdef }));
}

function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { p50: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}

async function measure(label: string, fn: () => Promise<unknown>, rows: { label: string; p50: number; p95: number; max: number }[]) {
  for (let i = 0; i < 3; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  const p = percentiles(samples);
  rows.push({ label, ...p });
  log(`  ${label.padEnd(58)} p50 ${p.p50.toFixed(2).padStart(8)} ms   p95 ${p.p95.toFixed(2).padStart(8)} ms   max ${p.max.toFixed(1).padStart(7)} ms`);
}

async function benchEngine(engine: 'sqlite' | 'postgres'): Promise<void> {
  log(`\n-- ${engine}: ${CASES.toLocaleString('en')} cases, ${(CASES * EVENTS_PER_CASE + UNASSIGNED).toLocaleString('en')} events, ${CUSTOMERS} customers --`);
  let database: Database;
  let cleanup: () => Promise<void>;
  let config: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(process.env.ABUSEDESK_BENCH_DIR ?? tmpdir(), 'abusedesk-console-bench-'));
    config = { kind: 'sqlite', file: join(dir, 'bench.sqlite') };
    database = await openDatabase(config);
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `abusedesk_console_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    try {
      await admin.connect();
    } catch (err) {
      log(`  PostgreSQL is not reachable at ${pgUrl} (${err instanceof Error ? err.message : String(err)}): SKIPPED; set ABUSEDESK_BENCH_DATABASE_URL`);
      return;
    }
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    config = { kind: 'postgres', url: url.toString() };
    database = await openDatabase(config);
    cleanup = async () => {
      const a = new pg.Client({ connectionString: pgUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  }
  try {
    const db = database.db as unknown as Kysely<any>;
    const indexes = await secondaryIndexes(db, engine);
    log(`  loading with ${indexes.length} secondary indexes dropped, rebuilt after`);
    for (const ix of indexes) await run(db, `drop index ${ix.name}`);
    const seedStart = performance.now();
    if (engine === 'sqlite') {
      await run(db, 'pragma foreign_keys = off');
      await run(db, 'pragma synchronous = off');
      await run(db, 'pragma cache_size = -1000000');
      await db.transaction().execute((tx) => seed(tx as unknown as Kysely<any>, engine));
      await timed('indexes', async () => {
        for (const ix of indexes) await run(db, ix.def);
      });
      await timed('analyze', () => run(db, 'analyze'));
      await run(db, 'pragma foreign_keys = on');
      await run(db, 'pragma synchronous = full');
    } else {
      await db.connection().execute(async (conn) => {
        // One connection for the load: foreign-key triggers off for it (the generator keeps every reference valid).
        await run(conn, "set session_replication_role = 'replica'");
        await run(conn, "set maintenance_work_mem = '1GB'");
        await seed(conn, engine);
        await timed('indexes', async () => {
          for (const ix of indexes) await run(conn, ix.def);
        });
        await run(conn, "set session_replication_role = 'origin'");
      });
      await timed('vacuum analyze', () => run(db, 'vacuum analyze'));
    }
    const size =
      engine === 'sqlite'
        ? statSync((config as { file: string }).file).size
        : Number((await sql.raw<{ n: string }>('select pg_database_size(current_database()) as n').execute(db)).rows[0].n);
    log(`  seeded in ${((performance.now() - seedStart) / 1000).toFixed(0)} s, database ${(size / 2 ** 30).toFixed(2)} GiB`);
    if (process.env.ABUSEDESK_BENCH_KEEP) {
      log(`  kept: ${engine === 'sqlite' ? (config as { file: string }).file : (config as { url: string }).url}`);
      cleanup = async () => {};
      return;
    }

    const base = loadConfig({ ABUSEDESK_DATA_DIR: tmpdir() });
    const desk = await AbuseDesk.open({ ...base, database: config }, { log: createLogger('silent'), database });
    const http = await buildHttpApp(desk, [consoleApi(desk)]);
    await http.ready();
    const { token } = await authFor(desk).createToken({ role: 'analyst', name: 'bench' }, 'bench');
    const headers = { authorization: `Bearer ${token}` };
    const get = async (url: string) => {
      const r = await http.inject({ method: 'GET', url, headers });
      if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
      return r;
    };
    const rows: { label: string; p50: number; p95: number; max: number }[] = [];
    log('  baseline');
    await measure('SELECT 1 round trip', () => sql`select 1`.execute(db), rows);
    await measure('GET /healthz (one tiny query + HTTP)', () => http.inject({ method: 'GET', url: '/healthz' }), rows);
    await measure('GET /api/v1/session (auth only)', () => get('/api/v1/session'), rows);

    log('  queue pages (50 items)');
    const queues = ['new', 'unclassified', 'unassigned', 'awaiting-approval', 'awaiting-customer', 'overdue', 'failed-actions', 'failed-reports'];
    await measure('GET /queues (all counts, capped at 1,000)', () => get('/api/v1/queues'), rows);
    for (const q of queues) {
      const first = await get(`/api/v1/queues/${q}?limit=50`);
      const items = first.json() as unknown[];
      await measure(`GET /queues/${q} (${items.length} items)`, () => get(`/api/v1/queues/${q}?limit=50`), rows);
      // A page far down: follow 20 cursors, then time that page.
      let cursor = first.headers['x-next-cursor'] as string | undefined;
      for (let i = 0; i < 20 && cursor; i++) cursor = (await get(`/api/v1/queues/${q}?limit=50&cursor=${cursor}`)).headers['x-next-cursor'] as string | undefined;
      if (cursor) await measure(`GET /queues/${q} page 22 (keyset)`, () => get(`/api/v1/queues/${q}?limit=50&cursor=${cursor}`), rows);
    }

    log('  search (50 items)');
    const mid = Math.floor(CASES / 2);
    const ipCase = mid - (mid % CATEGORIES.length) + CATEGORIES.indexOf('spam');
    const ipOf = (i: number) => `10.${Math.floor(i / 65536) % 256}.${Math.floor(i / 256) % 256}.${i % 256}`;
    const webCase = mid - (mid % CATEGORIES.length) + CATEGORIES.indexOf('phishing');
    const block24 = `${ipOf(ipCase).split('.').slice(0, 3).join('.')}.0/24`;
    const block20 = `10.${Math.floor(ipCase / 65536) % 256}.${(Math.floor(ipCase / 256) % 256) & 0xf0}.0/20`;
    const searches: [string, string][] = [
      ['ip (exact)', `ip=${ipOf(ipCase)}`],
      ['ip CIDR /24', `ip=${encodeURIComponent(block24)}`],
      ['ip CIDR /20', `ip=${encodeURIComponent(block20)}`],
      ['domain', `domain=site${webCase}.example`],
      ['customer', `customer=c-${String((mid % CUSTOMERS) + 1).padStart(6, '0')}`],
      ['reporter (~10,000 cases)', `reporter=reporter7@example.net`],
      ['category', 'category=phishing'],
      ['category + status', 'category=spam&status=open'],
      ['date range (one week)', `from=${iso(START_MS + 200 * 86_400_000)}&to=${iso(START_MS + 207 * 86_400_000)}`],
      ['status + customer + date', `status=in-progress&customer=c-${String((mid % CUSTOMERS) + 1).padStart(6, '0')}&from=${iso(START_MS)}`],
      ['q = free text (domain)', `q=site${webCase}.example`],
      ['no filter (newest first)', ''],
    ];
    for (const [label, query] of searches) {
      const first = await get(`/api/v1/search?limit=50&${query}`);
      await measure(`search ${label} (${(first.json() as unknown[]).length} hits)`, () => get(`/api/v1/search?limit=50&${query}`), rows);
      const cursor = first.headers['x-next-cursor'] as string | undefined;
      if (cursor) await measure(`search ${label}, next page`, () => get(`/api/v1/search?limit=50&${query}&cursor=${cursor}`), rows);
    }
    const worst = rows.slice(3).reduce((a, b) => (b.p95 > a.p95 ? b : a));
    const baseline = rows[0];
    log(`  slowest p95: ${worst.label}: ${worst.p95.toFixed(2)} ms (${(worst.p95 / baseline.p50).toFixed(0)}x the SELECT 1 round trip); target 100 ms: ${worst.p95 < 100 ? 'met' : 'NOT met'}`);
    await http.close();
    await desk.close();
  } finally {
    await database.close().catch(() => {});
    await cleanup();
  }
}

for (const engine of engines) {
  if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`unknown engine ${engine}`);
  await benchEngine(engine);
}
