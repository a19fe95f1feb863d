import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { LARGE_REPORT_BYTES } from '../services/ingest.service.js';
import { listFiles, partitionPaths, readReports } from '../intake/files.js';
import { withDesk } from './context.js';
import { Progress } from './progress.js';

const BATCH = 200;

/** `abusedesk ingest PATH...`: store and process reports from files, one line per report. */
export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('store and process reports from files (.eml, mbox, Maildir, CSV, XML, JSON)')
    .argument('<paths...>', 'files or directories')
    .action(async (paths: string[]) => {
      await withDesk(async (desk) => {
        const { found, missing } = partitionPaths(paths);
        for (const m of missing) process.stderr.write(`${m}: no such file or directory\n`);
        if (missing.length) process.exitCode = 1;
        const files = listFiles(found);
        const progress = new Progress('ingest');
        const totals = { reports: 0, duplicates: 0, events: 0, failed: 0 };
        let pending: { name: string; reportId: number; duplicate: boolean; big?: boolean }[] = [];
        const flush = async () => {
          await desk.worker.runUntilIdle();
          for (const p of pending) {
            // A big report's events (millions) are not all read back just to list its cases.
            const r = p.big ? await desk.reports.summary(p.reportId).then((x) => x && { ...x, events: [] }) : await desk.reports.show(p.reportId);
            if (!r) continue;
            const cases = [...new Set(r.events.map((e) => e.caseId).filter((x) => x !== null))];
            const unassigned = r.events.filter((e) => e.status === 'unassigned').length;
            totals.events += p.duplicate ? 0 : r.eventCount;
            if (r.status === 'failed') totals.failed++;
            const parts = [
              `report ${r.id}`,
              p.duplicate ? 'duplicate (already stored)' : r.status,
              r.format ?? '',
              `${r.eventCount} events`,
              cases.length ? `cases ${cases.join(',')}` : '',
              unassigned ? `${unassigned} unassigned` : '',
              r.error ? `error: ${r.error}` : '',
            ];
            process.stdout.write(`${p.name}: ${parts.filter(Boolean).join(', ')}\n`);
          }
          pending = [];
        };
        for (const [i, file] of files.entries()) {
          if (statSync(file).size > LARGE_REPORT_BYTES) {
            // Streamed from disk into the blob store and parsed streaming: a 1 GB CSV never sits in memory.
            const receipt = await desk.ingest.submitStream({ source: createReadStream(file, { highWaterMark: 1024 * 1024 }), channel: 'file', filename: basename(file) });
            totals.reports++;
            if (receipt.duplicate) totals.duplicates++;
            pending.push({ name: file, ...receipt, big: true });
            await flush();
            progress.update(i + 1, files.length);
            continue;
          }
          for (const r of readReports(file)) {
            const receipt = await desk.ingest.submit({ raw: r.bytes, channel: 'file', filename: r.filename });
            totals.reports++;
            if (receipt.duplicate) totals.duplicates++;
            pending.push({ name: r.name, ...receipt });
          }
          if (pending.length >= BATCH) await flush();
          progress.update(i + 1, files.length);
        }
        await flush();
        progress.done();
        process.stderr.write(
          `ingested ${totals.reports} reports (${totals.duplicates} duplicates) in ${progress.seconds.toFixed(1)} s: ${totals.events} events, ${totals.failed} failed\n`,
        );
      });
    });
}
