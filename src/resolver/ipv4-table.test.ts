import { describe, expect, it } from 'vitest';
import { ipv4Key, ipv4KeyOf, Ipv4Table, NOT_IPV4, type Ipv4Columns } from './ipv4-table.js';
import { parseIpv4 } from '../domain/ip.js';

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

describe('Ipv4Table bucket index', () => {
  it('answers the same whatever the bucket table size, at the ends of the address space too', () => {
    const rnd = mulberry32(7);
    const int = (n: number) => Math.floor(rnd() * n);
    const cols: Ipv4Columns = { first: [], length: [], from: [], to: [], payload: [] };
    const add = (first: number, length: number) => {
      cols.first.push(first);
      cols.length.push(length);
      cols.from.push(0);
      cols.to.push(Infinity);
      cols.payload.push(cols.first.length);
    };
    add(0, 32);
    add(0xffffffff, 32);
    add(0xff000000, 8);
    add(0, 1);
    for (let i = 0; i < 2000; i++) {
      const length = 4 + int(29);
      const size = 2 ** (32 - length);
      add(Math.floor(int(2 ** 32) / size) * size, length);
    }
    const tables = [1, 4, 8, 12, 16, 20, undefined].map((bits) => Ipv4Table.build(cols, bits));
    const probes = [0, 1, 0xffffffff, 0xfffffffe, 0x7fffffff, 0x80000000, 0xff000000, 0xfeffffff];
    for (let i = 0; i < 20_000; i++) {
      const j = int(cols.first.length);
      probes.push(i % 2 ? cols.first[j] : (cols.first[j] + 2 ** (32 - cols.length[j])) % 2 ** 32);
      probes.push(int(2 ** 32));
    }
    for (const address of probes) {
      const slots = tables.map((t) => t.lookup(ipv4KeyOf(address), 1));
      const answers = slots.map((s, k) => (s < 0 ? null : tables[k].cidrOf(s)));
      expect(new Set(answers).size, `0x${address.toString(16)}: ${answers.join(' ')}`).toBe(1);
    }
    expect(tables[0].cidrOf(tables[0].lookup(ipv4Key('255.255.255.255'), 1))).toBe('255.255.255.255/32');
    expect(tables[0].cidrOf(tables[0].lookup(ipv4Key('0.0.0.0'), 1))).toBe('0.0.0.0/32');
  });
});

describe('ipv4Key', () => {
  it('orders like the address and refuses what parseIpv4 refuses', () => {
    const texts = ['0.0.0.0', '0.0.0.1', '127.255.255.255', '128.0.0.0', '192.0.2.10', '255.255.255.254', '255.255.255.255'];
    const keys = texts.map(ipv4Key);
    for (let i = 0; i < texts.length; i++) {
      expect(keys[i]).toBe(ipv4KeyOf(parseIpv4(texts[i])));
      expect(Number.isInteger(keys[i]) && keys[i] === (keys[i] | 0)).toBe(true);
      if (i > 0) expect(keys[i]).toBeGreaterThan(keys[i - 1]);
    }
    expect(ipv4Key('192.000.002.010')).toBe(ipv4Key('192.0.2.10'));
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '1.2.3.4 ', '1.2.3.0004', '::1', '']) expect(ipv4Key(bad), bad).toBe(NOT_IPV4);
  });
});
