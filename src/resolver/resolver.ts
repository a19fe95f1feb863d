import type { NormalizedEvent } from '../domain/event.js';
import { analyzeCidr, canonicalIp, ipv4ToInt, ipv6ToBigInt, parseIpv4 } from '../domain/ip.js';
import { DomainTable, type DomainRow } from './domain-table.js';
import { emailHost, normalizeDomain, urlHost } from './host.js';
import { Ipv4Table, type Ipv4Row } from './ipv4-table.js';
import { Ipv6Table, type Ipv6Row } from './ipv6-table.js';
import { InvalidSnapshotError, type InventorySnapshot, type Match } from './types.js';

export { InvalidSnapshotError, type InventorySnapshot, type Match } from './types.js';

export type ResolvableEvent = Pick<NormalizedEvent, 'ip' | 'url' | 'domain' | 'email' | 'occurredAt' | 'evidence'>;

/** Hostile reports may list any number of Received hops; a real path is a handful. */
const MAX_RECEIVED_IPS = 32;
const WORD = 0xffffffffn;

/**
 * Reported resource -> customer at the event's time, in memory. Immutable: build a new one from a
 * fresh snapshot when the inventory changes and swap the reference; lookups never allocate on the
 * IPv4 path and return shared, frozen Match objects.
 */
export class Resolver {
  private constructor(
    private readonly v4: Ipv4Table,
    private readonly v6: Ipv6Table,
    private readonly names: DomainTable,
    private readonly counts: { ipAssignments: number; domainAssignments: number },
  ) {}

  /** Throws InvalidSnapshotError naming the record and field when the snapshot is not coherent. */
  static build(snapshot: InventorySnapshot): Resolver {
    const customerOf = new Map<string, string>();
    snapshot.services.forEach((s, i) => {
      if (typeof s.id !== 'string' || s.id === '') throw new InvalidSnapshotError('services', i, 'id', s.id, 'empty or not a string');
      if (typeof s.customerId !== 'string' || s.customerId === '') {
        throw new InvalidSnapshotError('services', i, 'customerId', s.customerId, 'empty or not a string');
      }
      customerOf.set(s.id, s.customerId);
    });
    const customer = (list: 'ipAssignments' | 'domains', i: number, serviceId: string): string => {
      const c = customerOf.get(serviceId);
      if (c === undefined) throw new InvalidSnapshotError(list, i, 'serviceId', serviceId, 'no such service in the snapshot');
      return c;
    };

    const v4: Ipv4Row[] = [];
    const v6: Ipv6Row[] = [];
    snapshot.ipAssignments.forEach((a, i) => {
      const parsed = analyzeCidr(a.cidr);
      if ('error' in parsed) throw new InvalidSnapshotError('ipAssignments', i, 'cidr', a.cidr, parsed.error);
      const { cidr } = parsed;
      const { from, to } = validity('ipAssignments', i, a);
      // Reuse the caller's string when it is already canonical: one copy of each CIDR in memory.
      const matched = cidr.text === a.cidr ? a.cidr : cidr.text;
      const match = freeze(customer('ipAssignments', i, a.serviceId), a.serviceId, 'ip', matched);
      if (cidr.family === 4) v4.push({ first: cidr.first, length: cidr.length, from, to, match });
      else v6.push({ first: cidr.first, length: cidr.length, from, to, match });
    });

    const domains: DomainRow[] = [];
    snapshot.domains.forEach((d, i) => {
      const name = normalizeDomain(d.name);
      if (name === null) throw new InvalidSnapshotError('domains', i, 'name', d.name, 'not a host name');
      const { from, to } = validity('domains', i, d);
      domains.push({ name, from, to, match: freeze(customer('domains', i, d.serviceId), d.serviceId, 'domain', name) });
    });

    return new Resolver(Ipv4Table.build(v4), Ipv6Table.build(v6), DomainTable.build(domains), {
      ipAssignments: v4.length + v6.length,
      domainAssignments: domains.length,
    });
  }

  /** Distinct CIDR blocks and domain names held, and the assignment records behind them. */
  get size(): { prefixes: number; domains: number; ipAssignments: number; domainAssignments: number } {
    return {
      prefixes: this.v4.blockCount + this.v6.blockCount,
      domains: this.names.size,
      ...this.counts,
    };
  }

  /** Longest-prefix match among the assignments valid at `at` (epoch ms). Any IPv4/IPv6 text form. */
  resolveIp(ip: string, at: number): Match | null {
    if (typeof ip !== 'string') return null;
    const n = parseIpv4(ip);
    if (n >= 0) return this.v4.lookup(n, at);
    if (ip.length > 64) return null;
    const canonical = canonicalIp(ip);
    if (canonical === null) return null;
    const m = ipv4ToInt(canonical);
    if (m >= 0) return this.v4.lookup(m, at);
    const v = ipv6ToBigInt(canonical);
    return this.v6.lookup(Number(v >> 96n), Number((v >> 64n) & WORD), Number((v >> 32n) & WORD), Number(v & WORD), at);
  }

  /** IPv4 as an unsigned 32-bit integer: the allocation-free path for callers that already have one. */
  resolveIpv4(address: number, at: number): Match | null {
    return this.v4.lookup(address >>> 0, at);
  }

  /** Longest inventory suffix of the host valid at `at`; an address literal is resolved as an IP. */
  resolveDomain(host: string, at: number): Match | null {
    if (typeof host !== 'string') return null;
    if (canonicalIp(host) !== null) return this.resolveIp(host, at);
    const name = normalizeDomain(host);
    return name === null ? null : this.names.lookup(name, at);
  }

  /** By the URL's host: a name, or a literal IPv4 / bracketed IPv6. Defanged and scheme-less forms too. */
  resolveUrl(url: string, at: number): Match | null {
    if (typeof url !== 'string') return null;
    if (/^\s*mailto:/i.test(url)) return this.resolveEmail(url, at);
    const host = urlHost(url);
    return host === null ? null : this.resolveDomain(host, at);
  }

  /** By the address's domain (or its address literal). */
  resolveEmail(email: string, at: number): Match | null {
    if (typeof email !== 'string') return null;
    const host = emailHost(email);
    return host === null ? null : this.resolveDomain(host, at);
  }

  /**
   * The customer behind an event at its occurrence time: ip first, then url, domain, email; when
   * none of those resolves, each of `evidence.receivedIps` in order (the hops of forwarded spam).
   */
  resolveEvent(e: ResolvableEvent): Match | null {
    const at = Date.parse(e.occurredAt);
    if (Number.isNaN(at)) return null;
    const direct =
      (e.ip ? this.resolveIp(e.ip, at) : null) ??
      (e.url ? this.resolveUrl(e.url, at) : null) ??
      (e.domain ? this.resolveDomain(e.domain, at) : null) ??
      (e.email ? this.resolveEmail(e.email, at) : null);
    if (direct) return direct;
    const received = e.evidence?.receivedIps;
    if (!Array.isArray(received)) return null;
    for (const ip of received.slice(0, MAX_RECEIVED_IPS)) {
      const m = typeof ip === 'string' ? this.resolveIp(ip, at) : null;
      if (m) return m;
    }
    return null;
  }
}

function freeze(customerId: string, serviceId: string, via: Match['via'], matched: string): Match {
  return Object.freeze({ customerId, serviceId, via, matched });
}

function validity(
  list: 'ipAssignments' | 'domains',
  i: number,
  r: { from: string; to: string | null },
): { from: number; to: number } {
  const from = typeof r.from === 'string' ? Date.parse(r.from) : NaN;
  if (Number.isNaN(from)) throw new InvalidSnapshotError(list, i, 'from', r.from, 'not an ISO-8601 time');
  if (r.to === null || r.to === undefined) return { from, to: Infinity };
  const to = typeof r.to === 'string' ? Date.parse(r.to) : NaN;
  if (Number.isNaN(to)) throw new InvalidSnapshotError(list, i, 'to', r.to, 'not an ISO-8601 time or null');
  if (to < from) throw new InvalidSnapshotError(list, i, 'to', r.to, `ends before it starts (${r.from})`);
  return { from, to };
}
