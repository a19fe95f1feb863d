import { z } from 'zod';
import type { NormalizedEvent } from '../domain/event.js';
import { analyzeCidr, canonicalIp, ipv4ToInt, ipv6ToBigInt } from '../domain/ip.js';
import type { Match } from '../resolver/types.js';
import type { Db, Tx } from '../storage/database.js';
import { AuditRepository } from '../storage/repositories/audit.repository.js';
import { type ConsentRow, ConsentRepository } from '../storage/repositories/consent.repository.js';
import { InventoryRepository } from '../storage/repositories/inventory.repository.js';
import type { Clock } from '../domain/clock.js';

/** The consent kind each category is checked against. */
export const CONSENT_CATEGORIES: Record<string, 'irc' | 'port-scan'> = { irc: 'irc', 'port-scan': 'port-scan' };

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 time');
const portRange = z.union([
  z.number().int().min(0).max(65535).transform((p) => [p, p] as [number, number]),
  z.string().regex(/^\d{1,5}(-\d{1,5})?$/, 'must be a port or a range like 6660-6669').transform((s, ctx) => {
    const [a, b = a] = s.split('-').map(Number);
    if (a > 65535 || b > 65535 || a > b) ctx.addIssue({ code: 'custom', message: 'is not a valid port range' });
    return [a, b] as [number, number];
  }),
]);

export const consentInput = z.object({
  customer: z.string().min(1),
  kind: z.enum(['irc', 'port-scan']),
  cidrs: z.array(z.string()).min(1, 'name at least one address or CIDR the consent covers'),
  targets: z.array(z.string().min(1)).min(1).nullable().default(null),
  ports: z.array(portRange).min(1).nullable().default(null),
  validFrom: isoTime,
  validTo: isoTime.nullable().default(null),
  document: z.string().min(1, 'name the signed document the consent rests on'),
  note: z.string().nullable().default(null),
});
export type ConsentInput = z.input<typeof consentInput>;

/** The same fields as they arrive over HTTP, before the service reads them (ports as given). */
export const consentBody = consentInput.extend({ ports: z.array(z.union([z.number().int(), z.string()])).nullable().default(null) });

export class ConsentError extends Error {}

export function presentConsent(c: ConsentRow) {
  return {
    id: c.id,
    customer: c.customer_id,
    kind: c.kind,
    cidrs: JSON.parse(c.cidrs) as string[],
    targets: c.targets ? (JSON.parse(c.targets) as string[]) : null,
    ports: c.ports ? (JSON.parse(c.ports) as [number, number][]) : null,
    validFrom: c.valid_from,
    validTo: c.valid_to,
    document: c.document,
    note: c.note,
    createdAt: c.created_at,
    createdBy: c.created_by,
    revokedAt: c.revoked_at,
    revokedBy: c.revoked_by,
    revokeReason: c.revoke_reason,
    hits: c.hits,
    lastHitAt: c.last_hit_at,
  };
}

/** The consent registry as the CLI and the API use it. */
export class ConsentService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async add(input: ConsentInput, by: string) {
    const parsed = consentInput.safeParse(input);
    if (!parsed.success) throw new ConsentError(parsed.error.issues.map((i) => `${i.path.join('.') || 'consent'}: ${i.message}`).join('; '));
    const c = parsed.data;
    const cidrs = c.cidrs.map((text, i) => {
      const r = analyzeCidr(text);
      if ('error' in r) throw new ConsentError(`cidrs[${i}] (${text}): ${r.error}`);
      return r.cidr.text;
    });
    if (c.validTo && Date.parse(c.validTo) <= Date.parse(c.validFrom)) throw new ConsentError('validTo must be after validFrom');
    const now = this.clock.now();
    return this.db.transaction().execute(async (tx) => {
      if (!(await new InventoryRepository(tx).customer(c.customer))) throw new ConsentError(`customer: no customer "${c.customer}"`);
      const row = await new ConsentRepository(tx).insert(
        {
          customerId: c.customer,
          kind: c.kind,
          cidrs,
          targets: c.targets,
          ports: c.ports,
          validFrom: new Date(c.validFrom).toISOString(),
          validTo: c.validTo ? new Date(c.validTo).toISOString() : null,
          document: c.document,
          note: c.note,
          createdBy: by,
        },
        now,
      );
      await new AuditRepository(tx).append(now, [{ actor: by, entity: 'consent', entityId: row.id, action: 'added', data: presentConsent(row) }]);
      return presentConsent(row);
    });
  }

  async list(f: { customer?: string; kind?: string; all?: boolean } = {}) {
    return (await new ConsentRepository(this.db).list({ customerId: f.customer, kind: f.kind, includeRevoked: f.all })).map(presentConsent);
  }

  async get(id: number) {
    const c = await new ConsentRepository(this.db).get(id);
    return c ? presentConsent(c) : null;
  }

  async revoke(id: number, by: string, reason: string | null) {
    const now = this.clock.now();
    return this.db.transaction().execute(async (tx) => {
      const repo = new ConsentRepository(tx);
      if (!(await repo.get(id))) throw new ConsentError(`no consent ${id}`);
      if (!(await repo.revoke(id, by, reason, now))) throw new ConsentError(`consent ${id} is already revoked`);
      await new AuditRepository(tx).append(now, [{ actor: by, entity: 'consent', entityId: id, action: 'revoked', data: { reason } }]);
      return presentConsent((await repo.get(id))!);
    });
  }
}

/**
 * PipelineHooks.consentFor: an IRC or port-scan event from an address a valid, unrevoked consent
 * of that customer covers (and, where the consent narrows them, to its targets and ports).
 */
export async function consentFor(tx: Tx, event: NormalizedEvent, match: Match, now: Date, kindFor: (category: string) => Promise<string | null> = async (c) => CONSENT_CATEGORIES[c] ?? null): Promise<{ consentId: number; note: string } | null> {
  if (!CONSENT_CATEGORIES[event.category] || !event.ip) return null;
  // The policy in force says whether the category is checked against the registry at all.
  const kind = await kindFor(event.category);
  if (!kind) return null;
  const candidates = await new ConsentRepository(tx).candidates(match.customerId, kind, new Date(event.occurredAt).toISOString());
  for (const c of candidates) {
    if (covers(c, event)) {
      await new ConsentRepository(tx).hit(c.id, now);
      return { consentId: c.id, note: `covered by ${kind} consent ${c.id} (${c.document})` };
    }
  }
  return null;
}

export function covers(c: ConsentRow, event: NormalizedEvent): boolean {
  if (!event.ip || !(JSON.parse(c.cidrs) as string[]).some((cidr) => inCidr(event.ip!, cidr))) return false;
  if (c.targets) {
    // A consent narrowed to targets covers only events that name one of them.
    const targets = eventTargets(event);
    if (!targets.length || !targets.some((t) => (JSON.parse(c.targets!) as string[]).some((allowed) => targetMatches(t, allowed)))) return false;
  }
  if (c.ports) {
    const port = eventPort(event);
    if (port === null || !(JSON.parse(c.ports) as [number, number][]).some(([a, b]) => port >= a && port <= b)) return false;
  }
  return true;
}

const TARGET_KEYS = ['destination_ip', 'dst_ip', 'destination', 'target', 'target_ip', 'dest_ip', 'targets'];
const PORT_KEYS = ['destination_port', 'dst_port', 'dest_port', 'target_port'];

function eventTargets(e: NormalizedEvent): string[] {
  const out: string[] = [];
  for (const k of TARGET_KEYS) {
    const v = e.evidence?.[k];
    if (typeof v === 'string') out.push(v.trim().toLowerCase());
    if (Array.isArray(v)) for (const x of v) if (typeof x === 'string') out.push(x.trim().toLowerCase());
  }
  return out;
}

function eventPort(e: NormalizedEvent): number | null {
  for (const k of PORT_KEYS) {
    const v = Number(e.evidence?.[k]);
    if (Number.isInteger(v) && v >= 0 && v <= 65535 && e.evidence?.[k] !== undefined && e.evidence?.[k] !== null) return v;
  }
  return e.port;
}

function targetMatches(target: string, allowed: string): boolean {
  const a = allowed.trim().toLowerCase();
  if (canonicalIp(target)) {
    const cidr = analyzeCidr(a);
    return 'cidr' in cidr && inCidr(target, cidr.cidr.text);
  }
  return target === a || target.endsWith(`.${a}`);
}

/** Whether an address lies in a CIDR block. */
export function inCidr(ip: string, cidrText: string): boolean {
  const addr = canonicalIp(ip);
  const r = analyzeCidr(cidrText);
  if (!addr || !('cidr' in r)) return false;
  const c = r.cidr;
  const v4 = ipv4ToInt(addr);
  if (c.family === 4) return v4 >= 0 && v4 >= Number(c.first) && v4 <= Number(c.last);
  if (v4 >= 0) return false;
  const v6 = ipv6ToBigInt(addr);
  return v6 >= BigInt(c.first) && v6 <= BigInt(c.last);
}
