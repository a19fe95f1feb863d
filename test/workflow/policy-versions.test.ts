import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AbuseDesk } from '../../src/app.js';
import { FakeClock } from '../../src/domain/clock.js';
import { workflowOf } from '../../src/workflow/install.js';
import { PolicyError } from '../../src/workflow/policy.js';
import { describeEachEngine } from '../support/databases.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { DAY, openWorkflowDesk, Receiver, report } from './harness.js';

const defaultText = readFileSync(resolve(import.meta.dirname, '../../policies/default-policy.yaml'), 'utf8');

/** Versions with effective dates: each case keeps the version it opened under; customers hear of a new one once. */
describeEachEngine('policy versions', (db) => {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  let desk: AbuseDesk;
  let sink: SmtpSink;
  let receiver: Receiver;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    receiver = await new Receiver().start();
    desk = await openWorkflowDesk(db(), clock, sink, receiver);
    await desk.inventory.import({
      customers: [
        { id: 'c-1', name: 'One', contacts: ['one@customers.example'], plan: 'shared', locale: 'en' },
        { id: 'c-2', name: 'Two', contacts: ['two@customers.example', 'ops@two.example'], plan: 'vps', locale: 'nl' },
        { id: 'c-3', name: 'Gone', contacts: ['gone@customers.example'], plan: 'shared', locale: 'fr', status: 'terminated' },
      ],
      services: [{ id: 's-1', customer: 'c-1', kind: 'shared-hosting', label: 'one' }],
      ipAssignments: [{ cidr: '198.51.100.70/32', service: 's-1', from: '2020-01-01T00:00:00Z', to: null }],
      domains: [],
    });
  });
  afterAll(async () => {
    await desk?.close();
    await sink?.stop();
    await receiver?.stop();
  });

  const submit = async (category: 'spam' | 'compromised-host') => {
    await desk.ingest.submit({ raw: report(category, clock.now(), {}, '198.51.100.70'), channel: 'api', filename: 'r.json' });
    await desk.worker.runUntilIdle();
    const [c] = await desk.cases.list({ customerId: 'c-1', category });
    return (await desk.cases.show(c.id))!;
  };

  it('activates a new version on its date, cases keep the version they opened under, active customers are told once', async () => {
    const first = await submit('spam');
    expect(first.policyVersion).toBe('ossc-default@2026.11.1');
    expect(sink.messages.filter((m) => m.parsed.subject?.includes('Acceptable Use Policy update'))).toHaveLength(0);

    const v2 = defaultText
      .replace('version: "2026.11.1"', 'version: "2026.12.1"')
      .replace('effectiveFrom: "2026-01-01T00:00:00Z"', 'effectiveFrom: "2026-03-12T00:00:00Z"')
      .replace(/(compromised-host:[\s\S]*?deadline: )P3D/, '$1P1D')
      .replace(/(compromised-host:[\s\S]*?severity: medium\n)/, '$1    onReply: restart\n');
    const wf = workflowOf(desk).service;
    expect((await wf.activatePolicy(v2, 'v2.yaml', 'sam')).stored).toBe(true);
    await desk.worker.runUntilIdle();
    const notices = sink.messages.filter((m) => m.parsed.subject?.includes('Acceptable Use Policy update'));
    expect(notices.map((m) => m.to.sort().join(',')).sort()).toEqual(['one@customers.example', 'ops@two.example,two@customers.example']);
    expect(notices[0].parsed.text).toContain('2026.12.1');

    expect((await wf.activatePolicy(v2, 'v2.yaml', 'sam')).stored).toBe(false);
    await expect(wf.activatePolicy(v2.replace('P1D', 'P2D'), 'v2b.yaml', 'sam')).rejects.toThrow(/already activated with a different text/);
    await expect(wf.activatePolicy(v2.replace('severity: high', 'severity: extreme'), 'bad.yaml', 'sam')).rejects.toBeInstanceOf(PolicyError);
    await desk.worker.runUntilIdle();
    expect(sink.messages.filter((m) => m.parsed.subject?.includes('Acceptable Use Policy update'))).toHaveLength(2);

    // Before its effective date the old version still rules new cases.
    expect((await wf.policyInForce())!.ref).toBe('ossc-default@2026.11.1');
    clock.advance(10 * DAY);
    expect((await wf.policyInForce())!.ref).toBe('ossc-default@2026.12.1');
    const second = await submit('compromised-host');
    expect(second.policyVersion).toBe('ossc-default@2026.12.1');
    expect(second.actions[0].dueAt).toBe(new Date(clock.now().getTime() + DAY).toISOString());
    expect((await desk.cases.show(first.id))!.policyVersion).toBe('ossc-default@2026.11.1');
    // Under v2 a reply restarts the one-day deadline from the reply.
    clock.advance(12 * 3_600_000);
    expect(await wf.customerReplied(second.id)).toBe('restarted');
    clock.advance(DAY - 60_000);
    await desk.worker.runUntilIdle();
    const { AuditRepository } = await import('../../src/storage/repositories/audit.repository.js');
    // Past the original deadline, but not the restarted one.
    expect((await new AuditRepository(db().db).forEntity('case', second.id)).map((r) => r.action)).not.toContain('deadline-passed');
    clock.advance(120_000);
    await desk.worker.runUntilIdle();
    const trail = (await new AuditRepository(db().db).forEntity('case', second.id)).map((r) => r.action);
    expect(trail.slice(-3)).toEqual(['customer-replied', 'deadline-passed', 'armed']);
    const versions = await wf.policyVersions();
    expect(versions.map((v) => [v.ref, v.inForce])).toEqual([
      ['ossc-default@2026.11.1', false],
      ['ossc-default@2026.12.1', true],
    ]);
  });
});
