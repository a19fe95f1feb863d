import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AbuseDesk } from '../../src/app.js';
import { createMailer, type Mailer } from '../../src/connectors/mailer.js';
import type { NormalizedEvent } from '../../src/domain/event.js';
import { installNotifications } from '../../src/notifications/install.js';
import { CORRELATE_JOB } from '../../src/pipeline/parse.step.js';
import type { ActionRow } from '../../src/storage/repositories/action.repository.js';
import { CaseRepository } from '../../src/storage/repositories/case.repository.js';
import { EventRepository } from '../../src/storage/repositories/event.repository.js';
import { InventoryRepository } from '../../src/storage/repositories/inventory.repository.js';
import { JobRepository } from '../../src/storage/repositories/job.repository.js';
import { ReportRepository } from '../../src/storage/repositories/report.repository.js';
import { WorkflowRepository } from '../../src/storage/repositories/workflow.repository.js';
import { type ExecutionContext, executorRegistry } from '../../src/workflow/executors.js';
import type { PolicyStep } from '../../src/workflow/policy.js';
import { proposeAction } from '../../src/workflow/service.js';

export const inventory = {
  customers: [
    { id: 'c-en', name: 'Acme Ltd', contacts: ['noc@acme.example'], plan: 'shared', locale: 'en' },
    { id: 'c-nl', name: 'Bakkerij Jansen', contacts: ['info@jansen.example'], plan: 'shared', locale: 'nl' },
    { id: 'c-fr', name: 'Brasserie Dupont', contacts: ['it@dupont.example'], plan: 'shared', locale: 'fr-BE' },
  ],
  services: [
    { id: 's-en', customer: 'c-en', kind: 'shared-hosting', label: 'web acme' },
    { id: 's-nl', customer: 'c-nl', kind: 'shared-hosting', label: 'web jansen' },
    { id: 's-fr', customer: 'c-fr', kind: 'shared-hosting', label: 'web dupont' },
  ],
  ipAssignments: [
    { cidr: '192.0.2.0/28', service: 's-en', from: '2024-01-01T00:00:00Z', to: null },
    { cidr: '192.0.2.16/28', service: 's-nl', from: '2024-01-01T00:00:00Z', to: null },
    { cidr: '192.0.2.32/28', service: 's-fr', from: '2024-01-01T00:00:00Z', to: null },
  ],
  domains: [
    { name: 'acme.example', service: 's-en', from: '2024-01-01T00:00:00Z', to: null },
    { name: 'jansen.example', service: 's-nl', from: '2024-01-01T00:00:00Z', to: null },
    { name: 'dupont.example', service: 's-fr', from: '2024-01-01T00:00:00Z', to: null },
  ],
};

let seq = 0;

/** A report mail as a reporter sends it; unique bytes each time (the store keeps a report once per hash). */
export function reportMail(opts: { from: string; subject: string; body: string; headers?: Record<string, string> }): Buffer {
  const extra = Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return Buffer.from(`From: ${opts.from}\r\nTo: abuse@desk.example\r\nSubject: ${opts.subject}\r\nMessage-ID: <r${++seq}.${Date.now()}@reporter.example>\r\n${extra}\r\n${opts.body}\r\n`);
}

/**
 * A stored report whose events the test chooses (categories no sample report yields, such as
 * child-abuse or resource-abuse), correlated by the real correlate stage: the case is opened for
 * whoever holds the address, exactly as in production.
 */
export async function reportCase(desk: AbuseDesk, raw: Buffer, events: Partial<NormalizedEvent>[], meta: Record<string, unknown> = {}): Promise<{ reportId: number; caseId: number; sha256: string }> {
  const now = desk.ctx.clock.now();
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const from = /^From: (.*)$/m.exec(raw.toString('latin1'))?.[1]?.trim() ?? null;
  const { id } = await desk.ctx.db.transaction().execute(async (tx) => {
    const r = await new ReportRepository(tx).insertOnce({ sha256, channel: 'smtp', reporter: from, messageId: null, subject: null, filename: null, receivedAt: now, raw, meta });
    await new EventRepository(tx).insertNew(
      r.id,
      events.map((e, i) => ({
        category: e.category ?? 'spam',
        type: e.type ?? e.category ?? 'spam',
        ip: e.ip ?? null,
        port: e.port ?? null,
        url: e.url ?? null,
        domain: e.domain ?? null,
        email: e.email ?? null,
        occurredAt: e.occurredAt ?? now.toISOString(),
        reporter: e.reporter ?? from,
        evidence: e.evidence ?? {},
        fingerprint: `${sha256}:${i}`,
      })),
      now,
    );
    await new JobRepository(tx).enqueue(CORRELATE_JOB, { reportId: r.id }, now);
    return r;
  });
  await desk.worker.runUntilIdle();
  const ev = await new EventRepository(desk.ctx.db).forReport(id);
  if (!ev[0]?.case_id) throw new Error(`report ${id} opened no case (${ev[0]?.status})`);
  return { reportId: id, caseId: ev[0].case_id, sha256 };
}

export function openTestDesk(desk: AbuseDesk): AbuseDesk {
  installNotifications(desk);
  return desk;
}

/**
 * A policy whose ladders are empty: the workflow opens cases and does nothing else, so a test
 * drives the executors itself and sees exactly the mails it caused.
 */
export async function activateQuietPolicy(desk: AbuseDesk): Promise<void> {
  const { stringify } = await import('yaml');
  const { CATEGORIES } = await import('../../src/domain/categories.js');
  const { AUP_CLAUSES } = await import('../../src/notifications/aup-clauses.js');
  const { WorkflowService } = await import('../../src/workflow/service.js');
  const doc = {
    id: 'quiet',
    version: '1',
    effectiveFrom: '2020-01-01',
    categories: Object.fromEntries(CATEGORIES.map((c) => [c, { clause: AUP_CLAUSES[c].text, section: AUP_CLAUSES[c].section, severity: 'info', ladder: [] }])),
  };
  await new WorkflowService(desk.ctx, executorRegistry(desk)).activatePolicy(stringify(doc), 'quiet.yaml', 'test', { announce: false });
}

/** An action on the case as the workflow records it, moved to running as the execute job does before calling an executor. */
export async function runningAction(desk: AbuseDesk, caseId: number, kind: string, spec: { dueAt?: string | null; params?: Record<string, unknown>; key?: string } = {}): Promise<ActionRow> {
  const now = desk.ctx.clock.now();
  return desk.ctx.db.transaction().execute(async (tx) => {
    const row = await proposeAction(tx, caseId, { kind, approval: 'operator', dueAt: spec.dueAt ?? null, params: spec.params, idempotencyKey: spec.key ?? `test-${kind}-${caseId}-${++seq}` }, now, 'test');
    const repo = new WorkflowRepository(tx);
    await repo.transition(row!.id, ['proposed'], 'running', { attempts: 1, approved_by: 'test', started_at: now.toISOString() }, now);
    return (await repo.action(row!.id))!;
  });
}

/** The context the workflow's execute job hands an executor, built from the stored rows. */
export async function contextFor(desk: AbuseDesk, action: ActionRow, mailer: Mailer, step: Partial<PolicyStep> | null = null): Promise<ExecutionContext> {
  const kase = (await new CaseRepository(desk.ctx.db).get(action.case_id))!;
  const customer = (await new InventoryRepository(desk.ctx.db).customer(kase.customer_id))!;
  const params = JSON.parse(action.params) as Record<string, unknown>;
  return {
    action,
    case: kase,
    customer,
    events: await new EventRepository(desk.ctx.db).forCase(kase.id),
    policy: null,
    rules: null,
    step: step ? ({ name: 'test', when: 'deadline', approval: 'none', actions: [{ kind: action.kind, params: {} }], ...step } as PolicyStep) : null,
    params,
    clock: desk.ctx.clock,
    db: desk.ctx.db,
    log: desk.ctx.log,
    mailer,
    config: desk.config,
    idempotencyKey: action.idempotency_key,
    attempt: action.attempts,
  };
}

export async function execute(desk: AbuseDesk, action: ActionRow, mailer: Mailer, step: Partial<PolicyStep> | null = null) {
  const executor = executorRegistry(desk).get(action.kind);
  if (!executor) throw new Error(`no executor for ${action.kind}`);
  return executor.execute(await contextFor(desk, action, mailer, step));
}

export { createMailer };

/** A real HTTP receiver on loopback: the billing system in tests. */
export class HttpReceiver {
  readonly requests: { headers: IncomingMessage['headers']; body: string }[] = [];
  status = 200;
  private server: Server;
  port = 0;
  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.status, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
  }
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}/billing`;
  }
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
