import type { AbuseDesk } from '../../src/app.js';
import type { Clock } from '../../src/domain/clock.js';
import { buildReportMessage } from '../../src/intake/report-document.js';
import { arfMail, complaintMail, demoInventory, hostileMail } from './demo.js';
import { addUser } from './harness.js';

/** Real time shifted by an offset: the seed writes the past month, then time runs on normally. */
export class ShiftedClock implements Clock {
  offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
}

export const DEMO_USERS = {
  analyst: { email: 'ana@provider.example', password: 'demo password for ana', role: 'analyst', name: 'Ana Analyst' },
  supervisor: { email: 'sam@provider.example', password: 'demo password for sam', role: 'supervisor', name: 'Sam Supervisor' },
  dupont: { email: 'it@dupont.example', password: 'demo password for dupont', role: 'customer', customerId: 'c-1001', name: 'Brasserie Dupont' },
  jansen: { email: 'info@jansen.example', password: 'demo password for jansen', role: 'customer', customerId: 'c-1002', name: 'Bakkerij Jansen' },
  martin: { email: 'contact@garage-martin.example', password: 'demo password for martin', role: 'customer', customerId: 'c-1004', name: 'Garage Martin' },
  northwind: { email: 'ops@northwind.example', password: 'demo password for northwind', role: 'customer', customerId: 'c-1003', name: 'Northwind Traders' },
} as const;

/** A small deterministic generator, so every seeded desk looks the same. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A month of a small provider's abuse desk: spam feedback loops, hacked servers, phishing and
 * malware on shared hosting, a copyright notice, a port scan, strays nobody holds, a report no
 * parser understands, the hostile one and an internal resource-abuse alert. Everything goes
 * through the intake and the worker like a real report.
 */
export async function seedDemo(desk: AbuseDesk, clock: ShiftedClock, opts: { days?: number; perDay?: number } = {}): Promise<{ reports: number }> {
  const days = opts.days ?? 30;
  const perDay = opts.perDay ?? 6;
  const rand = rng(42);
  const day = 86_400_000;
  const end = Date.now();
  let n = 0;
  const submit = async (raw: string | Buffer, at: number, filename?: string) => {
    clock.offset = at + 5 * 60_000 - Date.now();
    await desk.ingest.submit({ raw: typeof raw === 'string' ? Buffer.from(raw) : raw, channel: 'smtp', filename });
    n++;
  };

  clock.offset = end - 40 * day - Date.now();
  await desk.inventory.import(demoInventory);
  for (const u of Object.values(DEMO_USERS)) await addUser(desk, u as Parameters<typeof addUser>[1]);

  const spamSources = ['192.0.2.5', '192.0.2.5', '192.0.2.5', '198.51.100.200', '192.0.2.6'];
  const reporters = ['feedback@mailbox.example', 'fbl@bigmail.example', 'spamtrap@listing.example'];
  for (let d = days; d >= 1; d--) {
    const base = end - d * day;
    const count = Math.max(1, Math.round(perDay * (0.5 + rand()) * (d < 8 ? 1.6 : 1)));
    for (let i = 0; i < count; i++) {
      const at = base + Math.floor(rand() * day * 0.9);
      const r = rand();
      if (r < 0.45) await submit(arfMail(spamSources[Math.floor(rand() * spamSources.length)], new Date(at).toISOString(), reporters[Math.floor(rand() * reporters.length)], n), at);
      else if (r < 0.62) await submit(complaintMail('compromised', { ip: rand() < 0.6 ? '192.0.2.20' : '203.0.113.10' }, new Date(at).toISOString(), n), at);
      else if (r < 0.72) await submit(complaintMail('portscan', { ip: '198.51.100.10' }, new Date(at).toISOString(), n), at);
      else if (r < 0.8) await submit(complaintMail('phishing', { ip: '198.51.100.130', host: 'garage-martin.example' }, new Date(at).toISOString(), n), at);
      else if (r < 0.86) await submit(complaintMail('malware', { ip: '198.51.100.130', host: 'garage-martin.example' }, new Date(at).toISOString(), n), at);
      else if (r < 0.9) await submit(complaintMail('copyright', { ip: '192.0.2.7', host: 'dupont.example' }, new Date(at).toISOString(), n), at);
      else await submit(arfMail(`203.0.113.${200 + Math.floor(rand() * 40)}`, new Date(at).toISOString(), 'feedback@mailbox.example', n), at);
    }
    await desk.worker.runUntilIdle();
  }

  // A report no parser understands: kept, with its error, in the failed-reports queue.
  await submit(Buffer.from(JSON.stringify({ xarf_version: '4.2.0', report_id: 'broken-1', timestamp: 'yesterday', category: 'nonsense', type: 'spam', source_identifier: '192.0.2.5' })), end - 2 * day, 'broken.json');
  await submit(hostileMail('192.0.2.21', new Date(end - day).toISOString()), end - day);
  // Internal monitoring: Dupont's shared account eats a CPU.
  const { raw } = await buildReportMessage(
    { reporterName: 'Resource monitor', reporterEmail: 'monitor@provider.example', ip: '192.0.2.8', category: 'resource-abuse', description: 'web01: account dupont used 380% CPU (4 cores) on average for 6 hours; load average 22. Shared hosting plan allows 100%.', occurredAt: new Date(end - 3 * day).toISOString() },
    { channel: 'api', now: new Date(end - 3 * day), to: 'abuse@provider.example' },
  );
  await submit(raw, end - 3 * day);
  await desk.worker.runUntilIdle();
  clock.offset = 0;
  await desk.worker.runUntilIdle();
  return { reports: n };
}
