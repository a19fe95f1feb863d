import { chainCandidates, IntervalCollector, laminarSweep, type Candidates, type Line } from './laminar.js';
import { bigIntToIpv6 } from '../domain/ip.js';

export interface Ipv6Row {
  first: bigint;
  length: number;
  from: number;
  to: number;
  payload: number;
}

const MAX = (1n << 128n) - 1n;
const line: Line<bigint> = {
  zero: 0n,
  after: (k) => (k >= MAX ? null : k + 1n),
  less: (a, b) => a < b,
};

/**
 * The IPv6 twin of Ipv4Table. Bigints only at build time; interval starts are packed as four
 * 32-bit words each so a lookup compares plain numbers and allocates nothing beyond the parse.
 */
export class Ipv6Table {
  private constructor(
    private readonly words: Uint32Array,
    /** Per interval, the first candidate slot of its innermost block, or -1. */
    private readonly slots: Int32Array,
    private readonly windows: Float64Array,
    private readonly next: Int32Array,
    private readonly payloads: Int32Array,
    private readonly slotBlock: Int32Array,
    private readonly blocks: { first: bigint; length: number }[],
  ) {}

  get slotCount(): number {
    return this.payloads.length;
  }

  get blockCount(): number {
    return this.blocks.length;
  }

  static build(rows: Ipv6Row[]): Ipv6Table {
    const byKey = new Map<string, { first: bigint; length: number }>();
    for (const r of rows) byKey.set(`${r.first}/${r.length}`, { first: r.first, length: r.length });
    const blocks = [...byKey.values()].sort((a, b) =>
      a.first < b.first ? -1 : a.first > b.first ? 1 : a.length - b.length,
    );
    const index = new Map<string, number>();
    blocks.forEach((b, i) => index.set(`${b.first}/${b.length}`, i));

    const parents = new Int32Array(blocks.length);
    const collector = new IntervalCollector<bigint>();
    laminarSweep(
      line,
      blocks.length,
      (b) => blocks[b].first,
      (b) => blocks[b].first | ((1n << BigInt(128 - blocks[b].length)) - 1n),
      parents,
      collector.push,
    );

    const n = rows.length;
    const blockOf = new Int32Array(n);
    const from = new Float64Array(n);
    const to = new Float64Array(n);
    const payload = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      blockOf[i] = index.get(`${rows[i].first}/${rows[i].length}`)!;
      from[i] = rows[i].from;
      to[i] = rows[i].to;
      payload[i] = rows[i].payload;
    }
    const c: Candidates = chainCandidates(blockOf, parents, from, to, payload);
    const words = new Uint32Array(collector.starts.length * 4);
    collector.starts.forEach((s, i) => {
      for (let w = 0; w < 4; w++) words[i * 4 + w] = Number((s >> BigInt(96 - 32 * w)) & 0xffffffffn);
    });
    const slots = Int32Array.from(collector.owners, (owner) => (owner >= 0 ? c.firstSlot[owner] : -1));
    collector.release();
    return new Ipv6Table(words, slots, c.windows, c.next, c.payload, c.block, blocks);
  }

  /** The slot in force at `at` with the longest prefix covering the address given as four words, or -1. */
  lookup(w0: number, w1: number, w2: number, w3: number, at: number): number {
    const words = this.words;
    let lo = 0;
    let hi = this.slots.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const o = mid * 4;
      // Is interval mid's start <= the address? Lexicographic over the words.
      const le =
        words[o] !== w0 ? words[o] < w0 :
        words[o + 1] !== w1 ? words[o + 1] < w1 :
        words[o + 2] !== w2 ? words[o + 2] < w2 :
        words[o + 3] <= w3;
      if (le) lo = mid;
      else hi = mid - 1;
    }
    const windows = this.windows;
    for (let s = this.slots[lo]; s >= 0; s = this.next[s]) {
      if (windows[2 * s] <= at && at < windows[2 * s + 1]) return s;
    }
    return -1;
  }

  payloadOf(slot: number): number {
    return this.payloads[slot];
  }

  cidrOf(slot: number): string {
    const b = this.blocks[this.slotBlock[slot]];
    return `${bigIntToIpv6(b.first)}/${b.length}`;
  }
}
