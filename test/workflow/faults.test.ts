import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AbuseDesk } from '../../src/app.js';
import { FakeClock } from '../../src/domain/clock.js';
import { workflowOf } from '../../src/workflow/install.js';
import { describeEachEngine } from '../support/databases.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { openWorkflowDesk, Receiver, report } from './harness.js';

/** Connectors that hang, refuse or fail: retried with backoff, then shown in the failed-actions queue with the error. */
describeEachEngine('action execution faults', (db) => {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  let desk: AbuseDesk;
  let sink: SmtpSink;
  let receiver: Receiver;
  let dir: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    receiver = await new Receiver().start();
    desk = await openWorkflowDesk(db(), clock, sink, receiver, 300);
    await desk.inventory.import({
      customers: ['a', 'b', 'c', 'd'].map((x) => ({ id: `c-${x}`, name: `Customer ${x}`, contacts: [`${x}@customers.example`], plan: 'shared' as const, locale: 'en' })),
      services: ['a', 'b', 'c', 'd'].map((x) => ({ id: `s-${x}`, customer: `c-${x}`, kind: 'shared-hosting', label: x })),
      ipAssignments: ['a', 'b', 'c', 'd'].map((x, i) => ({ cidr: `198.51.100.${40 + i}/32`, service: `s-${x}`, from: '2020-01-01T00:00:00Z', to: null })),
      domains: ['a', 'b', 'c', 'd'].map((x) => ({ name: `${x}.example`, service: `s-${x}`, from: '2020-01-01T00:00:00Z', to: null })),
    });
    dir = mkdtempSync(join(tmpdir(), 'abusedesk-cmd-'));
  });
  afterAll(async () => {
    await desk?.close();
    await sink?.stop();
    await receiver?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const wf = () => workflowOf(desk).service;
  async function malwareCase(x: string) {
    await desk.ingest.submit({ raw: report('malware', clock.now(), { url: `http://${x}.example/bad`, infringing_url: `http://${x}.example/bad` }, `198.51.100.${40 + ['a', 'b', 'c', 'd'].indexOf(x)}`), channel: 'api', filename: 'r.json' });
    await desk.worker.runUntilIdle();
    const [c] = await desk.cases.list({ customerId: `c-${x}` });
    return (await desk.cases.show(c.id))!;
  }

  it('a hanging receiver is abandoned after the timeout without holding up other work, and the action is retried with the same key', async () => {
    let hung = 0;
    receiver.behaviour = (d) => d.body.customer.id === 'c-a' && hung++ === 0; // never answers the first delivery
    const started = performance.now();
    let c = await malwareCase('a');
    expect(performance.now() - started).toBeLessThan(5000);
    const removal = c.actions.find((a) => a.kind === 'remove-content')!;
    expect(removal).toMatchObject({ status: 'running', attempts: 1 });
    expect(removal.lastError).toMatch(/no answer within 300 ms/);
    // The customer's notice did not wait for the hanging panel.
    expect(c.actions.find((a) => a.kind === 'notify-customer')!.status).toBe('done');
    clock.advance(30_000);
    await desk.worker.runUntilIdle();
    c = (await desk.cases.show(c.id))!;
    expect(c.actions.find((a) => a.kind === 'remove-content')).toMatchObject({ status: 'done', attempts: 2, lastError: null });
    const keys = receiver.deliveries.filter((d) => d.body.case.id === c.id).map((d) => d.key);
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(1);
    expect(receiver.deliveries.every((d) => d.signatureOk)).toBe(true);
  });

  it('after a receiver hung, other actions for it fail fast instead of each waiting out the timeout, and go through once it is back', async () => {
    clock.advance(60_000);
    await desk.worker.runUntilIdle();
    let hang = true;
    receiver.behaviour = (d) => hang && d.body.customer.id === 'c-a';
    const first = (await desk.cases.show((await desk.cases.list({ customerId: 'c-a' }))[0].id))!;
    await wf().resolveCase(first.id, 'olga', 'done with the first one');
    const before = receiver.deliveries.length;
    const started = performance.now();
    await desk.ingest.submit({ raw: report('malware', clock.now(), { url: 'http://a.example/two', infringing_url: 'http://a.example/two' }, '198.51.100.40'), channel: 'api', filename: 'r.json' });
    await desk.ingest.submit({ raw: report('phishing', clock.now(), { url: 'http://a.example/three' }, '198.51.100.40'), channel: 'api', filename: 'r.json' });
    await desk.worker.runUntilIdle();
    // One timeout (300 ms) for the first removal; the second did not go out at all.
    expect(receiver.deliveries.length - before).toBe(1);
    expect(performance.now() - started).toBeLessThan(5000);
    const removals = (await wf().listActions({ kind: 'remove-content' })).filter((a) => a.status === 'running' && a.lastError);
    expect(removals.map((a) => a.lastError)).toEqual(expect.arrayContaining([expect.stringMatching(/no answer within 300 ms/), expect.stringMatching(/did not answer a moment ago/)]));
    hang = false;
    clock.advance(60_000);
    await desk.worker.runUntilIdle();
    for (const a of removals) expect((await wf().getAction(a.id))!.status).toBe('done');
    receiver.behaviour = () => false;
  });

  it('a receiver that refuses the request fails the action at once into the failed queue; a retry after the fix completes it', async () => {
    receiver.behaviour = (d, res) => (d.body.customer.id === 'c-b' ? (res.writeHead(422).end('unknown account'), true) : false);
    let c = await malwareCase('b');
    const removal = c.actions.find((a) => a.kind === 'remove-content')!;
    expect(removal).toMatchObject({ status: 'failed', attempts: 1 });
    expect(removal.lastError).toMatch(/answered 422: unknown account/);
    expect((await wf().listActions({ status: 'failed' })).map((a) => a.id)).toContain(removal.id);
    receiver.behaviour = () => false;
    await wf().retry(removal.id, 'olga');
    await desk.worker.runUntilIdle();
    c = (await desk.cases.show(c.id))!;
    expect(c.actions.find((a) => a.kind === 'remove-content')!.status).toBe('done');
  });

  it('a receiver that keeps failing is retried with growing backoff and then given up with its error', async () => {
    receiver.behaviour = (d, res) => (d.body.customer.id === 'c-c' ? (res.writeHead(503).end('maintenance'), true) : false);
    const c = await malwareCase('c');
    for (const wait of [30_000, 60_000, 120_000, 240_000]) {
      clock.advance(wait);
      await desk.worker.runUntilIdle();
    }
    const removal = (await desk.cases.show(c.id))!.actions.find((a) => a.kind === 'remove-content')!;
    expect(removal).toMatchObject({ status: 'failed', attempts: 5 });
    expect(removal.lastError).toMatch(/answered 503: maintenance/);
    expect(receiver.deliveries.filter((d) => d.body.case.id === c.id)).toHaveLength(5);
    receiver.behaviour = () => false;
  });

  it('a configured command gets the action as JSON on stdin and its idempotency key in the environment', async () => {
    const out = join(dir, 'out.json');
    workflowOf(desk).runtime.connectors = { ...workflowOf(desk).runtime.connectors, webhook: null, command: { command: `cat > '${out}'; echo "$ABUSEDESK_IDEMPOTENCY_KEY" > '${out}.key'; echo '{"ticket":42}'`, timeoutMs: 5000 } };
    const c = await malwareCase('d');
    const removal = c.actions.find((a) => a.kind === 'remove-content')!;
    expect(removal).toMatchObject({ status: 'done', result: { output: { ticket: 42 } } });
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc).toMatchObject({ action: { id: removal.id, kind: 'remove-content', scope: 'content' }, case: { id: c.id, category: 'malware' }, customer: { id: 'c-d' } });
    expect(doc.resources.urls).toContain('http://d.example/bad');
    expect(readFileSync(`${out}.key`, 'utf8').trim()).toBe(doc.idempotencyKey);
  });
});
