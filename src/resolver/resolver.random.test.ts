import { describe, expect, it } from 'vitest';
import { bigIntToIpv6, intToIpv4 } from '../domain/ip.js';
import { Resolver, type InventorySnapshot } from './resolver.js';

/** Small seeded generator so a failing seed can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row {
  family: 4 | 6;
  first: bigint;
  last: bigint;
  length: number;
  from: number;
  to: number;
  serviceId: string;
  cidr: string;
}

const DAY = 86_400_000;
const EPOCH = Date.parse('2020-01-01T00:00:00Z');

function generate(seed: number, count: number) {
  const rnd = mulberry32(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const big = (bits: number) => {
    let v = 0n;
    for (let b = 0; b < bits; b += 16) v = (v << 16n) | BigInt(int(65536));
    return v & ((1n << BigInt(bits)) - 1n);
  };
  // Few roots so that blocks nest deeply and collide often.
  const roots4 = [0xc6336400, 0xcb007100, 0x0a000000].map(BigInt);
  const root6 = 0x20010db8n << 96n;
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const family = rnd() < 0.7 ? 4 : 6;
    const bits = family === 4 ? 32 : 128;
    const length = family === 4 ? 8 + int(25) : 32 + int(97);
    const base = family === 4 ? roots4[int(3)] : root6;
    const span = family === 4 ? (int(4) === 0 ? 24 : 12) : (int(4) === 0 ? 96 : 40);
    const host = BigInt(bits - length);
    const first = (((base & ~((1n << BigInt(span)) - 1n)) | big(span)) >> host) << host;
    // Some bounds off whole seconds, where a seconds-only comparison would be wrong.
    const from = EPOCH + int(2000) * DAY + (rnd() < 0.3 ? int(1000) : 0);
    const to = rnd() < 0.4 ? Infinity : from + int(700) * DAY + (rnd() < 0.3 ? int(1000) : 0);
    const text = family === 4 ? intToIpv4(Number(first)) : bigIntToIpv6(first);
    rows.push({
      family, first, last: first | ((1n << host) - 1n), length, from, to,
      serviceId: `s-${int(50)}`, cidr: `${text}/${length}`,
    });
  }
  const snapshot: InventorySnapshot = {
    services: Array.from({ length: 50 }, (_, i) => ({ id: `s-${i}`, customerId: `c-${i % 17}` })),
    ipAssignments: rows.map((r) => ({
      cidr: r.cidr, serviceId: r.serviceId,
      from: new Date(r.from).toISOString(), to: r.to === Infinity ? null : new Date(r.to).toISOString(),
    })),
    domains: [],
  };
  return { rows, snapshot, rnd, int };
}

/** The definition, by brute force: longest valid prefix, newest start on a tie, then snapshot order. */
function naive(rows: Row[], family: 4 | 6, address: bigint, at: number): Row | null {
  let best: Row | null = null;
  for (const r of rows) {
    if (r.family !== family || address < r.first || address > r.last || !(r.from <= at && at < r.to)) continue;
    if (!best || r.length > best.length || (r.length === best.length && r.from > best.from)) best = r;
  }
  return best;
}

const seeds = [1, 2, 3, Math.floor(Math.random() * 2 ** 31)];

describe('resolver against a linear scan', () => {
  for (const seed of seeds) {
    it(`agrees on random prefixes, addresses and times (seed ${seed})`, () => {
      const { rows, snapshot, rnd, int } = generate(seed, 3000);
      const resolver = Resolver.build(snapshot);
      let hits = 0;
      for (let q = 0; q < 20_000; q++) {
        const pick = rows[int(rows.length)];
        const family = pick.family;
        const size = pick.last - pick.first + 1n;
        // Inside a block, or right at / just past its edges, where off-by-one errors live.
        const choice = int(4);
        let address =
          choice === 0 ? pick.first : choice === 1 ? pick.last + 1n : choice === 2 ? pick.first - 1n
          : pick.first + (BigInt(int(2 ** 30)) * BigInt(int(2 ** 30)) + BigInt(int(2 ** 30))) % size;
        const max = family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
        if (address < 0n || address > max) address = pick.first;
        const edge = [pick.from, pick.to, pick.from - 1, pick.to - 1, pick.from + 1, pick.from - 999, pick.to + 999][int(7)];
        const at = int(3) === 0 ? edge : EPOCH + int(3000 * DAY);
        const text = family === 4 ? intToIpv4(Number(address)) : bigIntToIpv6(address);
        const expected = naive(rows, family, address, at);
        const got = resolver.resolveIp(text, at);
        if (expected) hits++;
        expect(got && { cidr: got.matched, service: got.serviceId }, `${text} at ${at}`).toEqual(
          expected && { cidr: expected.cidr, service: expected.serviceId },
        );
      }
      // A generator that never hits would make this test vacuous.
      expect(hits).toBeGreaterThan(5000);
    });
  }
});
