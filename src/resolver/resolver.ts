import type { NormalizedEvent } from '../domain/event.js';
import { analyzeCidr, canonicalIp, ipv4ToInt, ipv6ToBigInt } from '../domain/ip.js';
import { DomainTable, type DomainRow } from './domain-table.js';
import { emailHost, normalizeDomain, urlHost } from './host.js';
import { ipv4Key, ipv4KeyOf, Ipv4Table, NOT_IPV4, type Ipv4Columns } from './ipv4-table.js';
import { Ipv6Table, type Ipv6Row } from './ipv6-table.js';
import { InvalidSnapshotError, type InventorySnapshot, type Match } from './types.js';

export { InvalidSnapshotError, type InventorySnapshot, type Match } from './types.js';

export type ResolvableEvent = Pick<NormalizedEvent, 'ip' | 'url' | 'domain' | 'email' | 'occurredAt' | 'evidence'>;

/** Hostile reports may list any number of Received hops; a real path is a handful. */
const MAX_RECEIVED_IPS = 32;
const WORD = 0xffffffffn;

/**
 * Reported resource -> customer at the event's time, in memory. Build a new one from a fresh
 * snapshot when the inventory changes and swap the reference. The prefix tables hold numbers
 * only; the frozen Match of an IP assignment is made the first time it answers and shared from
 * then on, so a million prefixes cost typed arrays until they are asked about.
 */
export class Resolver {
  private readonly v4Matches: (Match | null)[];
  private readonly v6Matches: (Match | null)[];

  private constructor(
    private readonly v4: Ipv4Table,
    private readonly v6: Ipv6Table,
    private readonly names: DomainTable,
    private readonly services: { serviceIds: string[]; customerIds: string[] },
    private readonly counts: { ipAssignments: number; domainAssignments: number },
  ) {
    // One pointer per slot until its Match is made.
    this.v4Matches = new Array<Match | null>(v4.slotCount).fill(null);
    this.v6Matches = new Array<Match | null>(v6.slotCount).fill(null);
  }

  /** Throws InvalidSnapshotError naming the record and field when the snapshot is not coherent. */
  static build(snapshot: InventorySnapshot): Resolver {
    const serviceNumber = new Map<string, number>();
    const services = { serviceIds: [] as string[], customerIds: [] as string[] };
    snapshot.services.forEach((s, i) => {
      if (typeof s.id !== 'string' || s.id === '') throw new InvalidSnapshotError('services', i, 'id', s.id, 'empty or not a string');
      if (typeof s.customerId !== 'string' || s.customerId === '') {
        throw new InvalidSnapshotError('services', i, 'customerId', s.customerId, 'empty or not a string');
      }
      if (serviceNumber.has(s.id)) throw new InvalidSnapshotError('services', i, 'id', s.id, 'listed twice');
      serviceNumber.set(s.id, services.serviceIds.length);
      services.serviceIds.push(s.id);
      services.customerIds.push(s.customerId);
    });
    const service = (list: 'ipAssignments' | 'domains', i: number, serviceId: string): number => {
      const n = serviceNumber.get(serviceId);
      if (n === undefined) throw new InvalidSnapshotError(list, i, 'serviceId', serviceId, 'no such service in the snapshot');
      return n;
    };

    const v4: Ipv4Columns = { first: [], length: [], from: [], to: [], payload: [] };
    const v6: Ipv6Row[] = [];
    snapshot.ipAssignments.forEach((a, i) => {
      const parsed = analyzeCidr(a.cidr);
      if ('error' in parsed) throw new InvalidSnapshotError('ipAssignments', i, 'cidr', a.cidr, parsed.error);
      const { cidr } = parsed;
      const { from, to } = validity('ipAssignments', i, a);
      const payload = service('ipAssignments', i, a.serviceId);
      if (cidr.family === 4) {
        v4.first.push(cidr.first);
        v4.length.push(cidr.length);
        v4.from.push(from);
        v4.to.push(to);
        v4.payload.push(payload);
      } else v6.push({ first: cidr.first, length: cidr.length, from, to, payload });
    });

    const domains: DomainRow[] = [];
    snapshot.domains.forEach((d, i) => {
      const name = normalizeDomain(d.name);
      if (name === null) throw new InvalidSnapshotError('domains', i, 'name', d.name, 'not a host name');
      const { from, to } = validity('domains', i, d);
      const n = service('domains', i, d.serviceId);
      domains.push({ name, from, to, match: freeze(services.customerIds[n], services.serviceIds[n], 'domain', name) });
    });

    return new Resolver(Ipv4Table.build(v4), Ipv6Table.build(v6), DomainTable.build(domains), services, {
      ipAssignments: v4.first.length + v6.length,
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
    // Kept tiny so V8 inlines it into callers: a call that is not inlined boxes `at` (a double)
    // on every lookup. Dotted quads, nearly all traffic, never leave this path.
    const key = typeof ip === 'string' ? ipv4Key(ip) : NOT_IPV4;
    return key !== NOT_IPV4 ? this.resolveIpv4Key(key, at) : this.resolveOtherIp(ip, at);
  }

  /** IPv6, IPv4-mapped IPv6, bracketed or padded forms: through canonicalIp. */
  private resolveOtherIp(ip: string, at: number): Match | null {
    if (typeof ip !== 'string' || ip.length > 64) return null;
    const canonical = canonicalIp(ip);
    if (canonical === null) return null;
    const m = ipv4ToInt(canonical);
    if (m >= 0) return this.resolveIpv4Key(ipv4KeyOf(m), at);
    const v = ipv6ToBigInt(canonical);
    const slot = this.v6.lookup(Number(v >> 96n), Number((v >> 64n) & WORD), Number((v >> 32n) & WORD), Number(v & WORD), at);
    if (slot < 0) return null;
    return this.v6Matches[slot] ?? (this.v6Matches[slot] = this.ipMatch(this.v6.payloadOf(slot), this.v6.cidrOf(slot)));
  }

  /** IPv4 as an unsigned 32-bit integer: the path for callers that already have one. */
  resolveIpv4(address: number, at: number): Match | null {
    return this.resolveIpv4Key(ipv4KeyOf(address), at);
  }

  private resolveIpv4Key(key: number, at: number): Match | null {
    const slot = this.v4.lookup(key, at);
    if (slot < 0) return null;
    return this.v4Matches[slot] ?? (this.v4Matches[slot] = this.ipMatch(this.v4.payloadOf(slot), this.v4.cidrOf(slot)));
  }

  private ipMatch(service: number, cidr: string): Match {
    return freeze(this.services.customerIds[service], this.services.serviceIds[service], 'ip', cidr);
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
