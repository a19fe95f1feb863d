import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { ACTION_KINDS, type ActionKind, CATEGORIES, type Category } from '../domain/categories.js';
import type { Executor } from '../storage/database.js';
import { type PolicyRow, PolicyRepository } from '../storage/repositories/policy.repository.js';
import { durationMs } from './duration.js';

/**
 * The Acceptable Use Policy as data: per category the clause it rests on and a ladder of steps.
 * One file per version; a case keeps the version that was in force when it opened.
 */

/** A deadline or window: an ISO-8601 duration (`P2D`, `PT4H`) or a number of hours. */
const duration = z.union([z.number().nonnegative(), z.string()]).refine((v) => durationMs(v) !== null, {
  message: 'must be an ISO-8601 duration without years or months (e.g. PT4H, P2D, P1W) or a number of hours',
});

const actionKind = z.string().refine((k) => (ACTION_KINDS as readonly string[]).includes(k) || /^x-[a-z0-9-]+$/.test(k), {
  message: `must be one of ${ACTION_KINDS.join(', ')} (or a custom kind starting with x-)`,
});

const policyAction = z.strictObject({
  kind: actionKind,
  /** What the action applies to: `service`, `hosting-account`, `mail`, `network`, `content`, `all-data`. */
  scope: z.string().min(1).optional(),
  params: z.record(z.string(), z.unknown()).default({}),
});

const price = z.strictObject({
  amount: z.number().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter currency code'),
  /** The invoice line: penalty, blacklisting, resource-fee, labour. */
  line: z.string().min(1),
  /** once (default) or a recurring period such as month. */
  per: z.string().default('once'),
});

const step = z
  .strictObject({
    name: z.string().min(1),
    /**
     * When the step follows the one before: `deadline` as soon as that step's deadline passes
     * unresolved; `no-reply` the same, but only if the customer has not replied; `repeat` only
     * when new events arrive after that deadline. The first step runs when the case qualifies.
     */
    when: z.enum(['deadline', 'no-reply', 'repeat']).default('deadline'),
    actions: z.array(policyAction).min(1),
    deadline: duration.optional(),
    approval: z.enum(['none', 'operator', 'supervisor']).default('none'),
    price: price.optional(),
  })
  .superRefine((s, ctx) => {
    s.actions.forEach((a, i) => {
      if (a.kind === 'suspend' && !a.scope) ctx.addIssue({ code: 'custom', path: ['actions', i, 'scope'], message: 'a suspend action needs a scope (service, hosting-account, mail, network, all-data)' });
      if (a.kind === 'invoice' && !s.price) ctx.addIssue({ code: 'custom', path: ['price'], message: 'a step with an invoice action needs a price' });
    });
  });

const categoryPolicy = z.strictObject({
  clause: z.string().min(1),
  /** The AUP section heading the clause is quoted from. */
  section: z.string().min(1),
  severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
  /** The consent registry is asked first: a covering consent means record only, no action. */
  consent: z.enum(['irc', 'port-scan']).optional(),
  /** Noisy categories: start the ladder only after this many events within the window. */
  notify: z.strictObject({ threshold: z.number().int().min(1), window: duration }).optional(),
  /** A customer's reply: pause the deadline, restart it, or leave it running. */
  onReply: z.enum(['pause', 'restart', 'none']).optional(),
  /** A case with no new events for this long closes itself. */
  autoCloseAfter: duration.optional(),
  ladder: z.array(step),
});

const policySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, dots, dashes'),
  version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, dots, dashes'),
  effectiveFrom: z.string().refine((s) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 date or time'),
  description: z.string().optional(),
  defaults: z
    .strictObject({
      onReply: z.enum(['pause', 'restart', 'none']).default('pause'),
      /** How long a reply can hold a paused clock before it runs on by itself. */
      replyPauseMax: duration.default('P7D'),
      autoCloseAfter: duration.default('P30D'),
    })
    .default({ onReply: 'pause', replyPauseMax: 'P7D', autoCloseAfter: 'P30D' }),
  categories: z.record(z.string(), categoryPolicy).superRefine((cats, ctx) => {
    for (const k of Object.keys(cats)) if (!(CATEGORIES as readonly string[]).includes(k)) ctx.addIssue({ code: 'custom', path: [k], message: `unknown category "${k}"` });
    for (const c of CATEGORIES) if (!(c in cats)) ctx.addIssue({ code: 'custom', path: [], message: `category "${c}" is missing` });
  }),
});

export type PolicyAction = z.infer<typeof policyAction> & { kind: ActionKind | string };
export type PolicyStep = z.infer<typeof step>;
export type CategoryPolicy = z.infer<typeof categoryPolicy>;
export type PolicyDocument = z.infer<typeof policySchema>;

/** A validated policy version, with its source kept so that what was activated can be shown word for word. */
export interface Policy extends PolicyDocument {
  categories: Record<Category, CategoryPolicy>;
  /** `id@version`, what a case records. */
  ref: string;
  source: string;
  sha256: string;
}

export interface PolicyProblem {
  file: string;
  line: number;
  column: number;
  field: string;
  message: string;
}

export class PolicyError extends Error {
  constructor(readonly problems: PolicyProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.field || '(document)'}: ${p.message}`).join('\n'));
  }
}

/** Parses and validates a policy text; throws PolicyError naming file, line and field of every problem. */
export function parsePolicy(text: string, file = '<policy>'): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => lineCounter.linePos(offset);
  if (doc.errors.length) {
    throw new PolicyError(doc.errors.map((e) => ({ file, ...pos(at(e.pos[0])), field: '', message: e.message.split('\n')[0] })));
  }
  const parsed = policySchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new PolicyError(
      parsed.error.issues.map((i) => {
        const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
        // An unknown key is reported where it stands, not where its parent begins.
        if (i.code === 'unrecognized_keys' && i.keys.length) path.push(i.keys[0]);
        return { file, ...pos(at(offsetOf(doc, path))), field: path.join('.'), message: i.message };
      }),
    );
  }
  const data = parsed.data;
  return {
    ...data,
    categories: data.categories as Record<Category, CategoryPolicy>,
    ref: `${data.id}@${data.version}`,
    source: text,
    sha256: createHash('sha256').update(text).digest('hex'),
  };
}

/** Reads and validates a policy file (YAML or JSON: JSON is YAML). */
export async function loadPolicy(file: string): Promise<Policy> {
  return parsePolicy(await readFile(file, 'utf8'), file);
}

/** The deepest node the path reaches: a missing field is reported where its parent is. */
function offsetOf(doc: Document, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
      // For a mapping value, point at its key: that is the line a reader looks for.
      if (n > 0) {
        const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
        if (isMap(parent)) {
          const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === path[n - 1]);
          if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
        }
      }
      return node.range[0] as number;
    }
  }
  return 0;
}

function pos(p: { line: number; col: number }): { line: number; column: number } {
  return { line: p.line, column: p.col };
}

/** The ladder and settings of one category, with the policy's defaults filled in. */
export function categoryRules(policy: Policy, category: string) {
  const c = policy.categories[category as Category] ?? policy.categories.unclassified;
  return {
    ...c,
    onReply: c.onReply ?? policy.defaults.onReply,
    autoCloseAfter: c.autoCloseAfter ?? policy.defaults.autoCloseAfter,
    replyPauseMax: policy.defaults.replyPauseMax,
  };
}

const cache = new Map<string, Policy>();

/** A stored policy version as a Policy (parsed once per process: versions never change once stored). */
export function policyFromRow(row: PolicyRow): Policy {
  const hit = cache.get(row.sha256);
  if (hit) return hit;
  const p = parsePolicy(row.document, `policy ${row.policy_id}@${row.version}`);
  cache.set(row.sha256, p);
  return p;
}

/** The version in force at `at` (the latest activated whose effectiveFrom has come), or null before any was activated. */
export async function activePolicy(db: Executor, at: Date): Promise<Policy | null> {
  const row = await new PolicyRepository(db).inForce(at);
  return row ? policyFromRow(row) : null;
}

/** A stored version by its `id@version` reference, as cases record it. */
export async function policyByRef(db: Executor, ref: string): Promise<Policy | null> {
  // A stored version never changes (activation refuses a new text under an old ref), so one read per process is enough.
  const hit = byRef.get(ref);
  if (hit) return hit;
  const row = await new PolicyRepository(db).byRef(ref);
  if (!row) return null;
  const p = policyFromRow(row);
  byRef.set(ref, p);
  return p;
}

const byRef = new Map<string, Policy>();
