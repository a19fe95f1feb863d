import type { Config } from '../config/config.js';
import type { Mailer } from '../connectors/mailer.js';
import type { ActionKind } from '../domain/categories.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logging.js';
import type { Db, Tx } from '../storage/database.js';
import type { ActionRow } from '../storage/repositories/action.repository.js';
import type { CaseRow } from '../storage/repositories/case.repository.js';
import type { EventRow } from '../storage/repositories/event.repository.js';
import type { CustomerTable } from '../storage/schema.js';
import type { Selectable } from 'kysely';
import type { CategoryPolicy, Policy, PolicyStep } from './policy.js';

export type CustomerRow = Selectable<CustomerTable>;

/** Everything an executor needs to carry out one action; it must not need to query for the basics. */
export interface ExecutionContext {
  action: ActionRow;
  case: CaseRow;
  customer: CustomerRow;
  /** The case's events, oldest first (at most the newest 1000). */
  events: EventRow[];
  /** The policy version the case records (null when the case opened before any was activated). */
  policy: Policy | null;
  /** The category's rules in that version. */
  rules: CategoryPolicy | null;
  /** The ladder step that proposed the action (null for an action an operator added by hand). */
  step: PolicyStep | null;
  /** The action's params as JSON (the step's params, with price, options and anything the proposer added). */
  params: Record<string, unknown>;
  clock: Clock;
  db: Db;
  log: Logger;
  mailer: Mailer;
  config: Config;
  /**
   * The same on every attempt of this action: send it along (webhook header, Message-ID, invoice
   * line dedupe key) so that a receiver can tell a retry after a crash from a second request.
   */
  idempotencyKey: string;
  /** 1 on the first attempt. */
  attempt: number;
}

/**
 * What became of an execution. `done`: the step is carried out. `waiting`: handed over and not
 * finished yet (an operator performs it by hand, a digest mail goes out later): the action stays
 * `running` until someone calls `completeAction` (src/workflow/service.ts). A thrown error is a
 * failed attempt: retried with backoff, unless it is a PermanentActionError.
 */
export type ExecutionResult = { status: 'done' | 'waiting'; result?: Record<string, unknown> };

export interface ActionExecutor {
  kind: ActionKind | string;
  /** Shown on the action record: mail, webhook, command, manual, ... */
  connector?: string;
  execute(ctx: ExecutionContext): Promise<ExecutionResult>;
}

/** An error no retry can fix (a receiver said 400, a customer without contacts): the action fails at once. */
export class PermanentActionError extends Error {}

/** Called in the transaction that closes or resolves a case (reporter outcome notices, billing). */
export type CaseClosedListener = (tx: Tx, kase: CaseRow, outcome: { status: 'resolved' | 'closed'; reason: string; actor: string }, now: Date) => Promise<void>;

/** Called in the transaction that records a finished action (done, failed or cancelled). */
export type ActionFinishedListener = (tx: Tx, action: ActionRow, now: Date) => Promise<void>;

/** Executors by action kind, and listeners for the workflow's moments. The last registration of a kind wins. */
export class ExecutorRegistry {
  private readonly executors = new Map<string, ActionExecutor>();
  readonly caseClosed: CaseClosedListener[] = [];
  readonly actionFinished: ActionFinishedListener[] = [];

  register(executor: ActionExecutor): this {
    this.executors.set(executor.kind, executor);
    return this;
  }

  get(kind: string): ActionExecutor | undefined {
    return this.executors.get(kind);
  }

  kinds(): string[] {
    return [...this.executors.keys()];
  }
}

const registries = new WeakMap<object, ExecutorRegistry>();

/** The registry of one desk (any object standing for it); created on first use, so order of installation does not matter. */
export function executorRegistry(desk: object): ExecutorRegistry {
  if (desk instanceof ExecutorRegistry) return desk;
  let r = registries.get(desk);
  if (!r) {
    r = new ExecutorRegistry();
    registries.set(desk, r);
  }
  return r;
}

/** Registers an executor for its kind on a desk (or a registry). */
export function registerExecutor(desk: object, executor: ActionExecutor): void {
  executorRegistry(desk).register(executor);
}

export function onCaseClosed(desk: object, listener: CaseClosedListener): void {
  executorRegistry(desk).caseClosed.push(listener);
}

export function onActionFinished(desk: object, listener: ActionFinishedListener): void {
  executorRegistry(desk).actionFinished.push(listener);
}

/** For kinds nobody registered: an operator performs the step and marks the action done. */
export function manualExecutor(kind: string): ActionExecutor {
  return {
    kind,
    connector: 'manual',
    async execute() {
      return { status: 'waiting', result: { manual: true, note: 'waiting for an operator to carry this out and mark it done' } };
    },
  };
}
