/**
 * Shadowserver CSV throughput: our streaming parser beside bare csv-parse over the same file in the
 * same run, so the cost of mapping rows to events shows as a ratio; and the peak RSS, which must
 * stay well under 300 MB whatever the file size.
 *
 *   npm run bench -- shadowserver                      ~200k rows (about 90 MB)
 *   ABUSEDESK_BENCH_BIG=1 npm run bench -- shadowserver  about 1 GB
 *
 * Each stage is one entry in STAGES; the end-to-end (parsed, resolved, correlated, stored) rate
 * is added as one more stage that consumes `streamCsvBatches` and writes each batch.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { AbuseDesk } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logging.js';
import { correlateStep } from '../src/pipeline/correlate.step.js';
import { PipelineMetrics } from '../src/pipeline/metrics.js';
import { parseStep } from '../src/pipeline/parse.step.js';
import { Worker } from '../src/pipeline/worker.js';
import { csvOptions } from '../src/parsers/structured/csv.parser.js';
import { streamCsvBatches, streamShadowserverCsv } from '../src/parsers/structured/index.js';

const BIG = process.env.ABUSEDESK_BENCH_BIG === '1';
const TARGET_BYTES = BIG ? 1024 ** 3 : 0;
const ROWS = BIG ? Number.MAX_SAFE_INTEGER : 200_000;

const HEADER = '"timestamp","ip","protocol","port","hostname","tag","asn","geo","region","city","version","clk_wander","clock","error","frequency","jitter","leap","mintc","noise","offset","peer","phase","poll","precision","processor","refid","reftime","rootdelay","rootdispersion","stability","state","stratum","system","tai","tc","naics","sic","sector","response_size","amplification"';

function row(i: number): string {
  const a = 10 + (i >>> 16) % 200, b = (i >>> 8) & 255, c = i & 255;
  const sec = String(i % 60).padStart(2, '0');
  return `"2024-05-01 00:${String((i / 60 | 0) % 60).padStart(2, '0')}:${sec}","${a}.${b}.${c}.${(i * 7) & 255}","udp",123,"host-${a}-${b}-${c}.example.net","ntpversion",64512,"ZZ","REGION","CITY",4,,"0xe9f8a2b1.12345678",,"-12.345",,"0","3","0",,"0","0","6","-23","x86_64","GPS",0xe9f8a2b1.00000000,"0.000","0.015",,"ntpd 4.2.8p15@1.3728-o Wed Sep 23 11:46:38 UTC 2020 (1)",1,"Linux/5.4.0",37,"10",517311,,"Communications, Service Provider, and Hosting Service",468,"10.12"`;
}

async function generate(path: string): Promise<number> {
  const out = createWriteStream(path);
  out.write(HEADER + '\n');
  let bytes = HEADER.length + 1;
  let rows = 0;
  while (rows < ROWS && (TARGET_BYTES === 0 || bytes < TARGET_BYTES)) {
    const chunk: string[] = [];
    for (let k = 0; k < 1000; k++) chunk.push(row(rows++));
    const s = chunk.join('\n') + '\n';
    bytes += s.length;
    if (!out.write(s)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;

/** Stages too slow to repeat run in the first round only. */
interface Stage { name: string; once?: boolean; run(file: string): Promise<number> }

/** One customer per first octet of the generated addresses (10-209), so every event resolves to a customer. */
const benchInventory = () => {
  const octets = Array.from({ length: 200 }, (_, k) => 10 + k);
  return {
    customers: octets.map((a) => ({ id: `c-${a}`, name: `Customer ${a}`, contacts: [`abuse@c${a}.example`], plan: 'vps', locale: 'en' })),
    services: octets.map((a) => ({ id: `s-${a}`, customer: `c-${a}`, kind: 'server', label: `net ${a}` })),
    ipAssignments: octets.map((a) => ({ cidr: `${a}.0.0.0/8`, service: `s-${a}`, from: '2024-01-01T00:00:00Z', to: null })),
    domains: [],
  };
};

/**
 * The whole road: the file streamed into a fresh SQLite desk's blob store (`abusedesk ingest` of a
 * big file), parsed streaming a batch per transaction, each event resolved and joined to a case.
 * A worker of the intake stages only runs it to idle: the workflow's decision on each of the new
 * cases (one per address here) is the policy engine's work, timed by its own bench.
 */
async function endToEnd(file: string): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'abusedesk-bench-desk-'));
  try {
    const desk = await AbuseDesk.open(loadConfig({ ABUSEDESK_DATA_DIR: dataDir }), { log: createLogger('silent') });
    try {
      await desk.inventory.import(benchInventory());
      const { reportId } = await desk.ingest.submitStream({ source: createReadStream(file, { highWaterMark: 1024 * 1024 }), channel: 'file', filename: '2024-05-01-scan_ntp-bench-asn.csv' });
      const log = createLogger('silent');
      const pipeline = new Worker(desk.ctx.db, desk.ctx.clock, log, new PipelineMetrics()).register(parseStep(desk.ctx, desk.blobs)).register(correlateStep(desk.ctx));
      await pipeline.runUntilIdle();
      const report = await desk.reports.summary(reportId);
      if (report?.status !== 'parsed') throw new Error(`end to end: report ${report?.status}: ${report?.error}`);
      const open = await desk.cases.list({ limit: 1 });
      if (!open.length || open[0].eventCount < 1) throw new Error('end to end: no case was opened');
      return report.eventCount;
    } finally {
      await desk.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const STAGES: Stage[] = [
  {
    name: 'bare csv-parse',
    async run(file) {
      let n = 0;
      const parser = createReadStream(file).pipe(parse(csvOptions(',')));
      for await (const _ of parser) n++;
      return n - 1;
    },
  },
  {
    name: 'streamCsvBatches (events)',
    async run(file) {
      let n = 0;
      for await (const batch of streamCsvBatches(createReadStream(file), { filename: '2024-05-01-scan_ntp-bench-asn.csv' })) n += batch.length;
      return n;
    },
  },
  {
    name: 'streamShadowserverCsv (one by one)',
    async run(file) {
      let n = 0;
      for await (const _ of streamShadowserverCsv(createReadStream(file), { filename: '2024-05-01-scan_ntp-bench-asn.csv' })) n++;
      return n;
    },
  },
  { name: 'end to end (stored, resolved, cases)', once: true, run: endToEnd },
];

const dir = mkdtempSync(join(tmpdir(), 'abusedesk-bench-'));
try {
  const file = join(dir, 'scan_ntp.csv');
  const t0 = performance.now();
  const rows = await generate(file);
  console.log(`generated ${rows} scan_ntp rows, ${mb(statSync(file).size)} in ${((performance.now() - t0) / 1000).toFixed(1)} s${BIG ? ' (ABUSEDESK_BENCH_BIG)' : ''}`);
  // Stages are interleaved over several rounds (the first warms the JIT) and the best round is
  // kept; rates are given per second of wall time and per second of this process's CPU time, the
  // latter being what the ratio uses, so other work on a shared machine does not skew it.
  const rounds = BIG ? 1 : 3;
  const best = new Map<string, { wall: number; cpu: number }>();
  for (let round = 0; round < rounds; round++) {
    for (const stage of STAGES) {
      if (stage.once && round > 0) continue;
      (globalThis as { gc?: () => void }).gc?.();
      const cpu0 = process.cpuUsage();
      const start = performance.now();
      const n = await stage.run(file);
      const wall = n / ((performance.now() - start) / 1000);
      const used = process.cpuUsage(cpu0);
      const cpu = n / ((used.user + used.system) / 1e6);
      if (n !== rows) throw new Error(`${stage.name} saw ${n} rows, expected ${rows}`);
      const b = best.get(stage.name) ?? { wall: 0, cpu: 0 };
      best.set(stage.name, { wall: Math.max(b.wall, wall), cpu: Math.max(b.cpu, cpu) });
    }
  }
  const baseline = best.get(STAGES[0].name)!.cpu;
  const fmt = (x: number) => Math.round(x).toLocaleString('en');
  for (const stage of STAGES) {
    const r = best.get(stage.name)!;
    console.log(`${stage.name.padEnd(36)} ${rows} rows  ${fmt(r.wall)} rows/s wall  ${fmt(r.cpu)} rows/CPU-s  ratio ${(r.cpu / baseline).toFixed(2)}`);
  }
  console.log(`peak RSS ${mb(peakRss())} (limit for a 1 GB file: 300 MB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
