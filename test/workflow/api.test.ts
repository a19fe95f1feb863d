import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AbuseDesk } from '../../src/app.js';
import { FakeClock } from '../../src/domain/clock.js';
import { authFor } from '../../src/auth/auth.service.js';
import { buildHttpApp } from '../../src/http/app.js';
import { workflowExtension } from '../../src/workflow/extension.js';
import { describeEachEngine } from '../support/databases.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { inventoryFor, ipOf, openWorkflowDesk, Receiver, report } from './harness.js';

/** The workflow's routes under /api/v1: thin over the same services as the CLI. */
describeEachEngine('workflow API', (db) => {
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  let desk: AbuseDesk;
  let sink: SmtpSink;
  let receiver: Receiver;
  let app: FastifyInstance;
  let analyst: Record<string, string>;
  let supervisor: Record<string, string>;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    receiver = await new Receiver().start();
    desk = await openWorkflowDesk(db(), clock, sink, receiver);
    await desk.inventory.import(inventoryFor());
    app = await buildHttpApp(desk, workflowExtension(desk).plugins);
    const bearer = async (role: string) => ({ authorization: `Bearer ${(await authFor(desk).createToken({ role, name: role }, 'test')).token}` });
    analyst = await bearer('analyst');
    supervisor = await bearer('supervisor');
  });
  afterAll(async () => {
    await app?.close();
    await desk?.close();
    await sink?.stop();
    await receiver?.stop();
  });

  it('records consents, lists and approves actions, refuses a second approval, shows the policy', async () => {
    const bad = await app.inject({ headers: analyst, method: 'POST', url: '/api/v1/consents', payload: { customer: 'c-irc', kind: 'irc', cidrs: ['198.51.100.1/24'], validFrom: '2026-01-01T00:00:00Z', document: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/cidrs\[0\].*host bits/);
    const ok = await app.inject({ headers: analyst, method: 'POST', url: '/api/v1/consents', payload: { customer: 'c-port-scan', kind: 'port-scan', cidrs: [ipOf('port-scan')], ports: [22, '8000-8080'], validFrom: '2026-01-01T00:00:00Z', document: 'audit letter' } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ customer: 'c-port-scan', ports: [[22, 22], [8000, 8080]], revokedAt: null });
    expect((await app.inject({ headers: analyst, url: '/api/v1/consents?customer=c-port-scan' })).json()).toHaveLength(1);

    await desk.ingest.submit({ raw: report('dos', clock.now()), channel: 'api', filename: 'r.json' });
    await desk.worker.runUntilIdle();
    const proposed = (await app.inject({ headers: analyst, url: '/api/v1/actions?status=proposed' })).json() as { id: number; kind: string }[];
    expect(proposed.map((a) => a.kind).sort()).toEqual(['notify-customer', 'suspend']);
    const approve = await app.inject({ headers: analyst, method: 'POST', url: `/api/v1/actions/${proposed[0].id}/approve`, payload: { reason: 'flood confirmed' } });
    expect(approve.statusCode).toBe(200);
    expect(approve.json()).toMatchObject({ status: 'approved', approvedBy: expect.stringMatching(/^token:/) });
    const again = await app.inject({ headers: analyst, method: 'POST', url: `/api/v1/actions/${proposed[0].id}/approve`, payload: {} });
    expect(again.statusCode).toBe(409);
    const cancel = await app.inject({ headers: analyst, method: 'POST', url: `/api/v1/actions/${proposed[1].id}/cancel`, payload: { reason: 'told by phone' } });
    expect(cancel.json()).toMatchObject({ status: 'cancelled' });
    expect((await app.inject({ headers: analyst, method: 'POST', url: '/api/v1/actions/999999/approve', payload: {} })).statusCode).toBe(404);

    const policy = (await app.inject({ headers: analyst, url: '/api/v1/policy' })).json();
    expect(policy.inForce).toMatchObject({ id: 'ossc-default', version: '2026.11.1' });
    const invalid = await app.inject({ headers: analyst, method: 'POST', url: '/api/v1/policy/validate', payload: { text: 'id: x\nversion: 1\neffectiveFrom: soon\n', file: 'p.yaml' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().problems).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'p.yaml', line: 3, field: 'effectiveFrom' })]));
    expect((await app.inject({ url: '/api/v1/actions' })).statusCode).toBe(401);
    const activate = await app.inject({ headers: analyst, method: 'POST', url: '/api/v1/policy/activate', payload: { text: 'x', file: 'p.yaml' } });
    expect(activate.statusCode).toBe(403);
    const asSupervisor = await app.inject({ headers: supervisor, method: 'POST', url: '/api/v1/policy/activate', payload: { text: 'id: x\n', file: 'p.yaml' } });
    expect(asSupervisor.statusCode).toBe(400);
    const spec = (await app.inject({ headers: analyst, url: '/api/v1/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/v1/actions', '/api/v1/actions/{id}/approve', '/api/v1/consents', '/api/v1/policy']));
  });
});
