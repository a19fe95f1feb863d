import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { AbuseDesk } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { FakeClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logging.js';
import { parseStep } from '../../src/pipeline/parse.step.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import { EventRepository } from '../../src/storage/repositories/event.repository.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import { arfReport, inventory } from '../support/fixtures.js';

const ROWS = 3500;
const HEADER = '"timestamp","ip","protocol","port","hostname","tag","asn","geo","region","city","version"';

/** A Shadowserver scan_ntp table of ROWS distinct rows, all inside 198.51.100.0/24 (the fixture inventory's). */
function csv(rows = ROWS): string {
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    const t = new Date(Date.UTC(2024, 4, 1) + i * 1000).toISOString().slice(0, 19).replace('T', ' ');
    lines.push(`"${t}","198.51.100.${i % 256}","udp",123,"host-${i}.example.net","ntpversion",64512,"ZZ","REGION","CITY",4`);
  }
  return lines.join('\n') + '\n';
}

/** Bytes in chunks, as a file read from disk would arrive. */
async function* chunks(bytes: Buffer, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < bytes.length; off += size) yield bytes.subarray(off, off + size);
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(db: TestDatabase, clock: FakeClock): Promise<AbuseDesk> {
  const dataDir = mkdtempSync(join(tmpdir(), 'abusedesk-stream-'));
  dirs.push(dataDir);
  const config = loadConfig({ ABUSEDESK_DATA_DIR: dataDir });
  return AbuseDesk.open({ ...config, database: db.config }, { clock, log: createLogger('silent'), database: db, worker: { leaseMs: 30_000 } });
}

describeEachEngine('a big CSV report through the streaming road', (db) => {
  it('keeps the raw report as a blob and stores every row as an event exactly once, across a failed read', async () => {
    const clock = new FakeClock('2024-05-02T12:00:00Z');
    const desk = await open(db(), clock);
    await desk.inventory.import(inventory);
    const bytes = Buffer.from(csv());

    // The first read of the blob dies part-way, once at least two batches are stored: the job
    // fails and is retried, as after a crash of the worker between batches.
    let failures = 1;
    let reportId = 0;
    class FailingOnce extends BlobStore {
      override open(sha256: string): Readable {
        if (failures-- <= 0) return super.open(sha256);
        const inner = super.open(sha256);
        return Readable.from(
          (async function* () {
            let sent = 0;
            for await (const c of inner as AsyncIterable<Buffer>) {
              const part = c.subarray(0, Math.max(0, Math.floor(bytes.length * 0.7) - sent));
              sent += part.length;
              if (part.length) yield part;
              if (part.length < c.length) break;
            }
            inner.destroy();
            for (let waited = 0; (await new EventRepository(desk.ctx.db).pending(reportId, ROWS)).length < 2000 && waited < 10_000; waited += 10) {
              await new Promise((r) => setTimeout(r, 10));
            }
            throw new Error('EIO: i/o error reading the blob');
          })(),
          { objectMode: false },
        );
      }
    }
    desk.worker.register(parseStep(desk.ctx, new FailingOnce(desk.blobs.dir)));

    const receipt = await desk.ingest.submitStream({ source: chunks(bytes), channel: 'file', filename: '2024-05-01-scan_ntp-test-asn.csv' });
    reportId = receipt.reportId;
    expect(receipt.duplicate).toBe(false);
    const stored = await desk.reports.summary(reportId);
    expect(stored?.size).toBe(bytes.length);
    expect(stored?.meta.blob).toMatchObject({ size: bytes.length });

    await desk.worker.runUntilIdle();
    const partial = await new EventRepository(desk.ctx.db).forReport(reportId);
    expect(partial.length).toBeGreaterThanOrEqual(2000);
    expect(partial.length).toBeLessThan(ROWS);
    expect((await desk.reports.summary(reportId))?.status).toBe('received');

    clock.advance(60_000);
    await desk.worker.runUntilIdle();
    const report = await desk.reports.show(reportId);
    expect(report?.status).toBe('parsed');
    expect(report?.eventCount).toBe(ROWS);
    expect(report?.events).toHaveLength(ROWS);
    expect(new Set(report?.events.map((e) => `${e.ip} ${e.occurredAt}`)).size).toBe(ROWS);
    expect(report?.events.every((e) => e.status === 'correlated')).toBe(true);
    // One case per address: the 256 addresses of the table.
    expect(new Set(report?.events.map((e) => e.caseId)).size).toBe(256);

    // The same bytes again are the same report.
    const again = await desk.ingest.submitStream({ source: chunks(bytes), channel: 'file' });
    expect(again).toEqual({ reportId, duplicate: true });
    await desk.close();
  });

  it('parses a streamed report that is no CSV table whole (a big mail)', async () => {
    const desk = await open(db(), new FakeClock('2025-05-02T12:00:00Z'));
    await desk.inventory.import(inventory);
    const mail = Buffer.from(arfReport({ ip: '198.51.100.9', arrival: '2025-05-01T10:00:00Z' }));
    const { reportId } = await desk.ingest.submitStream({ source: chunks(mail, 100), channel: 'file' });
    await desk.worker.runUntilIdle();
    const report = await desk.reports.show(reportId);
    expect(report?.status).toBe('parsed');
    expect(report?.subject).toBe('FW: Earn money fast');
    expect(report?.events.map((e) => e.ip)).toEqual(['198.51.100.9']);
    await desk.close();
  });
});
