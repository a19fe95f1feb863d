import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AbuseDesk } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { FakeClock, systemClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logging.js';
import { describeEachEngine } from '../support/databases.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { Receiver, report, SECRET } from './harness.js';

const root = resolve(import.meta.dirname, '../..');

function databaseEnv(c: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }): Record<string, string> {
  return c.kind === 'postgres' ? { ABUSEDESK_DATABASE_URL: c.url } : { ABUSEDESK_DATABASE_URL: '', ABUSEDESK_DATA_DIR: dirname(c.file) };
}

/** A worker killed in the middle of an action: after restart the receiver sees the effect exactly once. */
describeEachEngine('worker killed during an action', (db) => {
  let sink: SmtpSink;
  let receiver: Receiver;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await sink?.stop();
    await receiver?.stop();
  });

  it('completes the action exactly once after restart', { timeout: 90_000 }, async () => {
    const config = { ...loadConfig({ ABUSEDESK_DATA_DIR: '/nonexistent', ABUSEDESK_RELAY_URL: sink.url }), database: db().config };
    const first = await AbuseDesk.open(config, { log: createLogger('silent'), clock: systemClock, database: db() });
    await first.inventory.import({
      customers: [{ id: 'c-k', name: 'Killed', contacts: ['k@customers.example'], plan: 'shared', locale: 'en' }],
      services: [{ id: 's-k', customer: 'c-k', kind: 'shared-hosting', label: 'k' }],
      ipAssignments: [{ cidr: '198.51.100.60/32', service: 's-k', from: '2020-01-01T00:00:00Z', to: null }],
      domains: [{ name: 'k.example', service: 's-k', from: '2020-01-01T00:00:00Z', to: null }],
    });
    await first.ingest.submit({ raw: report('malware', new Date(), {}, '198.51.100.60'), channel: 'api', filename: 'r.json' });
    await first.close();

    // The receiver carries out the step as soon as it has the request, then the worker dies before the answer.
    let onFirst: () => void = () => {};
    const firstDelivery = new Promise<void>((r) => (onFirst = r));
    receiver.behaviour = (d) => {
      if (receiver.deliveries.length > 1) return false;
      receiver.effects.set(d.key, d.body);
      onFirst();
      return true;
    };
    const env = {
      ...process.env,
      ABUSEDESK_LOG_LEVEL: 'silent',
      ABUSEDESK_RELAY_URL: sink.url,
      ABUSEDESK_ACTION_WEBHOOK_URL: receiver.url,
      ABUSEDESK_ACTION_WEBHOOK_SECRET: SECRET,
      ABUSEDESK_ACTION_WEBHOOK_TIMEOUT_MS: '60000',
      ...databaseEnv(db().config),
    };
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/workflow/crash-worker.ts')], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code, signal) => r(code ?? (signal ? -1 : null))));
    await Promise.race([firstDelivery, exited.then(() => Promise.reject(new Error(`worker exited before the action: ${stderr}`)))]);
    child.kill('SIGKILL');
    expect(await exited).toBe(-1);
    expect(receiver.deliveries).toHaveLength(1);

    // A new worker, after the dead one's lease ran out.
    const clock = new FakeClock(Date.now() + 5 * 60_000);
    const second = await AbuseDesk.open({ ...config }, { log: createLogger('silent'), clock, database: db() });
    const { workflowOf } = await import('../../src/workflow/install.js');
    workflowOf(second).runtime.connectors = { ...workflowOf(second).runtime.connectors, webhook: { url: receiver.url, secret: SECRET, timeoutMs: 5000 } };
    await second.worker.runUntilIdle();
    const [c] = await second.cases.list({ customerId: 'c-k' });
    const shown = (await second.cases.show(c.id))!;
    const removal = shown.actions.find((a) => a.kind === 'remove-content')!;
    expect(removal).toMatchObject({ status: 'done', attempts: 2 });
    // Delivered twice (the first answer was lost with the worker), with one key: the effect happened once.
    expect(receiver.deliveries).toHaveLength(2);
    expect(receiver.deliveries[1].key).toBe(receiver.deliveries[0].key);
    expect(receiver.effectsFor(c.id)).toHaveLength(1);
    expect(shown.actions.find((a) => a.kind === 'notify-customer')!.status).toBe('done');
    expect(sink.messages.filter((m) => m.to.includes('k@customers.example'))).toHaveLength(1);
    await second.close();
    receiver.behaviour = () => false;
  });
});
