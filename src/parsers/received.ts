import { canonicalIp, isNonPublicIp } from '../domain/ip.js';
import { findIps } from './extract.js';
import type { Headers } from './mail/headers.js';
import { baseDomain } from './extract.js';

/** One `Received:` hop: the addresses and names in its `from` clause. */
export interface ReceivedHop {
  ips: string[];
  /** The HELO name and reverse-DNS name written in the from clause, lower case. */
  names: string[];
  by: string | null;
  raw: string;
}

export function parseReceived(value: string): ReceivedHop {
  const v = value.replace(/\s+/g, ' ');
  const m = /^\s*from\s+(.*?)(?:\s+by\s+([^\s;()]+)|;|$)/i.exec(v);
  const fromClause = m ? m[1] : '';
  const ips = findIps(fromClause.replace(/[[\]()]/g, ' '));
  const names = [...fromClause.matchAll(/(?:^|[\s(=])([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?=[\s)\]]|$)/gi)]
    .map((x) => x[1].toLowerCase())
    .filter((n) => !canonicalIp(n));
  return { ips, names, by: m?.[2]?.toLowerCase() ?? null, raw: v.slice(0, 300) };
}

/** The hops of a header section, top (most recent) first. */
export function receivedHops(headers: Headers): ReceivedHop[] {
  return headers.getAll('received').slice(0, 100).map(parseReceived);
}

/**
 * Every public address in the Received chain, bottom-most (closest to the origin) first, plus
 * the best origin guess: the bottom-most public address whose hop does not belong to the
 * reporter's own infrastructure (`ownDomains`). Addresses like X-Originating-IP count as the
 * very bottom because webmail services write the client there.
 */
export function receivedOrigin(
  headers: Headers,
  ownDomains: string[] = [],
): { origin: string | null; ips: string[] } {
  const own = new Set(ownDomains.filter(Boolean).map((d) => baseDomain(d)));
  const hops = receivedHops(headers).reverse();
  const ips: string[] = [];
  let origin: string | null = null;
  let privateFallback: string | null = null;
  for (const hop of hops) {
    const isOwn = hop.names.some((n) => own.has(baseDomain(n)));
    for (const ip of hop.ips) {
      if (isNonPublicIp(ip)) {
        if (!privateFallback && !/^(127\.|::1$|fe80)/.test(ip)) privateFallback = ip;
        continue;
      }
      if (!ips.includes(ip)) ips.push(ip);
      if (!origin && !isOwn) origin = ip;
    }
  }
  for (const name of ['x-originating-ip', 'x-sender-ip', 'x-source-ip']) {
    const v = headers.get(name);
    const ip = v ? findIps(v.replace(/[[\]]/g, ' '))[0] : undefined;
    if (ip && !isNonPublicIp(ip) && !ips.includes(ip)) ips.unshift(ip);
  }
  return { origin: origin ?? (ips.length ? null : privateFallback), ips };
}
