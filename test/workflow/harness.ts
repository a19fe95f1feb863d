import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbuseDesk } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { verifySignature } from '../../src/connectors/webhook.js';
import { CATEGORIES, type Category } from '../../src/domain/categories.js';
import type { FakeClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logging.js';
import { workflowOf } from '../../src/workflow/install.js';
import type { TestDatabase } from '../support/databases.js';
import type { SmtpSink } from '../support/smtp-sink.js';

export const SECRET = 'test-webhook-secret-0123456789';
export const AUTHORITY = 'police@authority.example';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface Delivery {
  key: string;
  signatureOk: boolean;
  body: any;
}

/**
 * A hosting panel on loopback that honours idempotency keys the way the webhook contract asks:
 * every delivery is recorded, the effect happens once per key. `behaviour` lets a test make it
 * hang or fail.
 */
export class Receiver {
  readonly deliveries: Delivery[] = [];
  readonly effects = new Map<string, any>();
  behaviour: (d: Delivery, res: ServerResponse) => boolean = () => false;
  private server: Server;
  private sockets = new Set<import('node:net').Socket>();
  port = 0;

  constructor() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const d: Delivery = { key: String(req.headers['idempotency-key'] ?? ''), signatureOk: verifySignature(SECRET, raw, req.headers['x-abusedesk-signature'] as string | undefined), body: JSON.parse(raw.toString('utf8')) };
        this.deliveries.push(d);
        if (this.behaviour(d, res)) return;
        if (!d.signatureOk) {
          res.writeHead(401).end('bad signature');
          return;
        }
        const seen = this.effects.has(d.key);
        if (!seen) this.effects.set(d.key, d.body);
        res.writeHead(seen ? 409 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, duplicate: seen }));
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/actions`;
  }

  effectsFor(caseId: number): any[] {
    return [...this.effects.values()].filter((b) => b.case.id === caseId);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** One customer per category, each with its own address, domain and mailbox, so scenarios never see each other's mail. */
export function inventoryFor(categories: readonly string[] = CATEGORIES) {
  return {
    customers: categories.map((c) => ({ id: `c-${c}`, name: `Customer ${c}`, contacts: [`${c}@customers.example`], plan: 'shared' as const, locale: 'en' })),
    services: categories.map((c) => ({ id: `s-${c}`, customer: `c-${c}`, kind: 'shared-hosting', label: `hosting ${c}` })),
    ipAssignments: categories.map((c, i) => ({ cidr: `198.51.100.${10 + i}/32`, service: `s-${c}`, from: '2020-01-01T00:00:00Z', to: null })),
    domains: categories.map((c) => ({ name: `${c}.example`, service: `s-${c}` })).map((d) => ({ ...d, from: '2020-01-01T00:00:00Z', to: null })),
  };
}

export function ipOf(category: Category | string, categories: readonly string[] = CATEGORIES): string {
  return `198.51.100.${10 + categories.indexOf(category)}`;
}

/** The XARF v4 type that our parser maps to each category. */
const XARF: Record<string, [string, string]> = {
  'illegal-software': ['content', 'warez'],
  copyright: ['copyright', 'copyright'],
  trademark: ['content', 'brand_infringement'],
  'adult-content': ['content', 'adult'],
  'child-abuse': ['content', 'csam'],
  spam: ['messaging', 'spam'],
  spamvertising: ['content', 'spamvertised'],
  blacklisting: ['reputation', 'blocklist'],
  malware: ['content', 'malware'],
  phishing: ['content', 'phishing'],
  fraud: ['content', 'fraud'],
  'compromised-host': ['connection', 'login_attack'],
  'vulnerable-service': ['vulnerability', 'open_service'],
  irc: ['connection', 'irc'],
  dos: ['connection', 'ddos'],
  'port-scan': ['connection', 'port_scan'],
  'objectionable-content': ['content', 'hate_speech'],
  harvesting: ['messaging', 'harvesting'],
  'resource-abuse': ['infrastructure', 'resource_usage'],
};

/** A small hand-written XARF v4 report about one of our addresses (or, for unclassified, a free-text complaint). */
export function report(category: Category, at: Date, extra: Record<string, unknown> = {}, ip = ipOf(category)): Buffer {
  if (category === 'unclassified') {
    return Buffer.from(
      `From: someone@example.org\r\nTo: abuse@ossc.example\r\nSubject: strange thing\r\nMessage-ID: <${randomUUID()}@example.org>\r\nDate: ${at.toUTCString()}\r\n\r\nHello, something odd is going on with ${ip}, please look.\r\n`,
    );
  }
  const [xc, xt] = XARF[category];
  const doc = {
    xarf_version: '4.0.0',
    report_id: randomUUID(),
    timestamp: at.toISOString(),
    reporter: { org: 'Reporter Org', contact: 'abuse@reporter.example', domain: 'reporter.example' },
    source_identifier: ip,
    category: xc,
    type: xt,
    url: `http://${category}.example/page-${randomUUID().slice(0, 8)}`,
    protocol: 'tcp',
    source_port: 40000,
    first_seen: at.toISOString(),
    smtp_from: `news@${category}.example`,
    threat_type: 'spam',
    service: 'dns',
    classification: 'A',
    detection_method: 'hash-match',
    fraud_type: 'fake_shop',
    infringement_type: 'counterfeit',
    legitimate_site: 'brand.example',
    infringing_url: `http://${category}.example/file-${randomUUID().slice(0, 8)}`,
    destination_port: 22,
    ...extra,
  };
  return Buffer.from(JSON.stringify(doc));
}

/** The desk with the workflow's mail going to the sink and its connectors to the receiver. */
export async function openWorkflowDesk(db: TestDatabase, clock: FakeClock, sink: SmtpSink, receiver: Receiver, timeoutMs = 2000): Promise<AbuseDesk> {
  const config = { ...loadConfig({ ABUSEDESK_DATA_DIR: '/nonexistent', ABUSEDESK_RELAY_URL: sink.url, ABUSEDESK_MAIL_FROM: 'abuse@ossc.example' }), database: db.config };
  const desk = await AbuseDesk.open(config, { log: createLogger('silent'), clock, database: db });
  workflowOf(desk).runtime.connectors = {
    webhook: { url: receiver.url, secret: SECRET, timeoutMs },
    command: null,
    connectorKinds: new Set(['suspend', 'terminate', 'remove-content']),
    authoritiesEmail: AUTHORITY,
  };
  return desk;
}
