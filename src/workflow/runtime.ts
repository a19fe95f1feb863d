import { z } from 'zod';
import type { Config } from '../config/config.js';
import { createMailer, type Mailer } from '../connectors/mailer.js';
import { type CommandTarget, CommandError, runCommand } from '../connectors/command.js';
import { type WebhookTarget, WebhookError, postWebhook } from '../connectors/webhook.js';
import { type ActionExecutor, type ExecutionContext, type ExecutorRegistry, manualExecutor, PermanentActionError } from './executors.js';
import { plainMailExecutor } from './plain-mail.executor.js';

/**
 * The workflow's own settings, read once from the environment beside the main configuration.
 * Secrets stay in the environment, never in a policy file.
 */
const envSchema = z.object({
  /** Where suspend, terminate and remove-content actions are POSTed, signed (hosting panel). */
  ABUSEDESK_ACTION_WEBHOOK_URL: z.string().url().optional(),
  /** The HMAC-SHA256 key for those webhooks; required with the URL. */
  ABUSEDESK_ACTION_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** A hanging receiver is abandoned after this long and the attempt retried later. */
  ABUSEDESK_ACTION_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Instead of a webhook: a command run with the action as JSON on stdin. */
  ABUSEDESK_ACTION_COMMAND: z.string().optional(),
  ABUSEDESK_ACTION_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Comma-separated action kinds carried out through the webhook or command (others: their own executor, else manual). */
  ABUSEDESK_ACTION_CONNECTOR_KINDS: z.string().default('suspend,terminate,remove-content'),
  /** Where authority notifications go when the policy step names no address. */
  ABUSEDESK_AUTHORITIES_EMAIL: z.string().email().optional(),
});

export interface ConnectorSettings {
  webhook: WebhookTarget | null;
  command: CommandTarget | null;
  connectorKinds: Set<string>;
  authoritiesEmail: string | null;
}

export function connectorSettings(env: NodeJS.ProcessEnv = process.env): ConnectorSettings {
  const e = envSchema.parse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('ABUSEDESK_') && v !== '')));
  if (e.ABUSEDESK_ACTION_WEBHOOK_URL && !e.ABUSEDESK_ACTION_WEBHOOK_SECRET) throw new Error('ABUSEDESK_ACTION_WEBHOOK_URL needs ABUSEDESK_ACTION_WEBHOOK_SECRET (at least 16 characters)');
  return {
    webhook: e.ABUSEDESK_ACTION_WEBHOOK_URL ? { url: e.ABUSEDESK_ACTION_WEBHOOK_URL, secret: e.ABUSEDESK_ACTION_WEBHOOK_SECRET!, timeoutMs: e.ABUSEDESK_ACTION_WEBHOOK_TIMEOUT_MS } : null,
    command: e.ABUSEDESK_ACTION_COMMAND ? { command: e.ABUSEDESK_ACTION_COMMAND, timeoutMs: e.ABUSEDESK_ACTION_COMMAND_TIMEOUT_MS } : null,
    connectorKinds: new Set(e.ABUSEDESK_ACTION_CONNECTOR_KINDS.split(',').map((s) => s.trim()).filter(Boolean)),
    authoritiesEmail: e.ABUSEDESK_AUTHORITIES_EMAIL ?? null,
  };
}

/** What an outside system receives for one action (webhook body, command stdin). */
export function actionDocument(ctx: ExecutionContext) {
  const ips = new Set<string>();
  const urls = new Set<string>();
  const domains = new Set<string>();
  for (const e of ctx.events) {
    if (e.ip) ips.add(e.ip);
    if (e.url && urls.size < 100) urls.add(e.url);
    if (e.domain) domains.add(e.domain);
  }
  return {
    idempotencyKey: ctx.idempotencyKey,
    issuedAt: ctx.clock.now().toISOString(),
    action: { id: ctx.action.id, kind: ctx.action.kind, scope: ctx.action.scope, step: ctx.action.step, dueAt: ctx.action.due_at, params: ctx.params, approvedBy: ctx.action.approved_by },
    case: { id: ctx.case.id, category: ctx.case.category, resource: ctx.case.resource, policyVersion: ctx.case.policy_version, eventCount: ctx.case.event_count },
    customer: { id: ctx.customer.id, name: ctx.customer.name, plan: ctx.customer.plan },
    resources: { ips: [...ips].slice(0, 100), urls: [...urls], domains: [...domains].slice(0, 100) },
  };
}

/**
 * One per connector target: after a receiver timed out or could not be reached, further actions
 * for it fail at once (and are retried with their backoff) until a pause has passed, so that a
 * panel that hangs costs the worker one timeout, not one per waiting action.
 */
export class Breaker {
  private openUntil = 0;
  constructor(private readonly pauseMs = 30_000) {}

  check(now: Date, what: string): void {
    if (now.getTime() < this.openUntil) throw new Error(`${what} did not answer a moment ago; not trying again before ${new Date(this.openUntil).toISOString()}`);
  }

  tripped(now: Date): void {
    this.openUntil = now.getTime() + this.pauseMs;
  }

  reset(): void {
    this.openUntil = 0;
  }
}

export function webhookExecutor(kind: string, target: WebhookTarget, breaker = new Breaker()): ActionExecutor {
  return {
    kind,
    connector: 'webhook',
    async execute(ctx) {
      breaker.check(ctx.clock.now(), 'the webhook receiver');
      try {
        const r = await postWebhook(target, actionDocument(ctx), ctx.idempotencyKey);
        breaker.reset();
        return { status: 'done', result: { httpStatus: r.status, response: r.body } };
      } catch (err) {
        if (err instanceof WebhookError && err.permanent) throw new PermanentActionError(err.message);
        // No answer at all (timeout, refused connection): the receiver is away, not this action wrong.
        if (err instanceof WebhookError && !/ answered /.test(err.message)) breaker.tripped(ctx.clock.now());
        throw err;
      }
    },
  };
}

export function commandExecutor(kind: string, target: CommandTarget): ActionExecutor {
  return {
    kind,
    connector: 'command',
    async execute(ctx) {
      try {
        const r = await runCommand(target, actionDocument(ctx), ctx.idempotencyKey);
        let output: unknown = r.stdout.trim();
        try {
          output = output ? JSON.parse(output as string) : null;
        } catch {
          // Plain text output is kept as it is.
        }
        return { status: 'done', result: { output } };
      } catch (err) {
        if (err instanceof CommandError && err.permanent) throw new PermanentActionError(err.message);
        throw err;
      }
    },
  };
}

/**
 * One desk's workflow machinery: the registry other parts register executors in, the mailer,
 * and the connectors that carry out what nobody registered an executor for.
 */
export class WorkflowRuntime {
  private mailerInstance: Mailer | null = null;
  private readonly breakers = new Map<string, Breaker>();

  constructor(
    readonly registry: ExecutorRegistry,
    readonly config: Config,
    public connectors: ConnectorSettings,
  ) {}

  get mailer(): Mailer {
    this.mailerInstance ??= createMailer(this.config.relayUrl, this.config.mailFrom);
    return this.mailerInstance;
  }

  /** The registered executor for a kind, else the configured connector, else mail for notices, else manual. */
  executorFor(kind: string): ActionExecutor {
    const registered = this.registry.get(kind);
    if (registered) return registered;
    if (this.connectors.connectorKinds.has(kind)) {
      if (this.connectors.webhook) return webhookExecutor(kind, this.connectors.webhook, this.breakerFor(this.connectors.webhook.url));
      if (this.connectors.command) return commandExecutor(kind, this.connectors.command);
    }
    if (kind === 'notify-customer' || kind === 'notify-authorities') return plainMailExecutor(kind, this.connectors.authoritiesEmail);
    return manualExecutor(kind);
  }

  private breakerFor(target: string): Breaker {
    let b = this.breakers.get(target);
    if (!b) {
      b = new Breaker();
      this.breakers.set(target, b);
    }
    return b;
  }

  close(): void {
    this.mailerInstance?.close();
    this.mailerInstance = null;
  }
}
