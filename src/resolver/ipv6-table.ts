import { groupCandidates, IntervalCollector, laminarSweep, type Candidates, type Line } from './laminar.js';
import type { Match } from './types.js';

export interface Ipv6Row {
  first: bigint;
  length: number;
  from: number;
  to: number;
  match: Match;
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
    private readonly owners: Int32Array,
    private readonly parents: Int32Array,
    private readonly candidates: Candidates,
    readonly blockCount: number,
  ) {}

  static build(rows: Ipv6Row[]): Ipv6Table {
    const byKey = new Map<string, { first: bigint; length: number }>();
    for (const r of rows) byKey.set(`${r.first}/${r.length}`, { first: r.first, length: r.length });
    const blocks = [...byKey.values()].sort((a, b) =>
      a.first < b.first ? -1 : a.first > b.first ? 1 : a.length - b.length,
    );
    const index = new Map<string, number>();
    blocks.forEach((b, i) => index.set(`${b.first}/${b.length}`, i));

    const n = rows.length;
    const blockOf = new Int32Array(n);
    const from = new Float64Array(n);
    const to = new Float64Array(n);
    const matches = new Array<Match>(n);
    for (let i = 0; i < n; i++) {
      blockOf[i] = index.get(`${rows[i].first}/${rows[i].length}`)!;
      from[i] = rows[i].from;
      to[i] = rows[i].to;
      matches[i] = rows[i].match;
    }
    const candidates = groupCandidates(blockOf, blocks.length, from, to, matches);

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
    const words = new Uint32Array(collector.starts.length * 4);
    collector.starts.forEach((s, i) => {
      for (let w = 0; w < 4; w++) words[i * 4 + w] = Number((s >> BigInt(96 - 32 * w)) & 0xffffffffn);
    });
    return new Ipv6Table(words, Int32Array.from(collector.owners), parents, candidates, blocks.length);
  }

  /** The assignment in force at `at` with the longest prefix covering the address given as four words. */
  lookup(w0: number, w1: number, w2: number, w3: number, at: number): Match | null {
    const words = this.words;
    let lo = 0;
    let hi = this.owners.length - 1;
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
    const { offsets, from, to, matches } = this.candidates;
    for (let b = this.owners[lo]; b >= 0; b = this.parents[b]) {
      for (let s = offsets[b], end = offsets[b + 1]; s < end; s++) {
        if (from[s] <= at && at < to[s]) return matches[s];
      }
    }
    return null;
  }
}
