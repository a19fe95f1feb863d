import { groupCandidates, IntervalCollector, laminarSweep, type Candidates, type Line } from './laminar.js';
import type { Match } from './types.js';

/** One IPv4 assignment as the table takes it: block first address and length, window in epoch ms. */
export interface Ipv4Row {
  first: number;
  length: number;
  from: number;
  to: number;
  match: Match;
}

const line: Line<number> = {
  zero: 0,
  after: (k) => (k >= 0xffffffff ? null : k + 1),
  less: (a, b) => a < b,
};

/**
 * Longest-prefix match over IPv4 blocks with validity windows. Elementary intervals sorted by
 * start (`starts`), each naming its innermost block (`owners`); a block names its enclosing block
 * (`parents`). A 64K table indexed by the top 16 bits narrows every binary search to the intervals
 * of one /16, which keeps lookups to a few cache lines even with millions of intervals.
 */
export class Ipv4Table {
  private constructor(
    private readonly starts: Uint32Array,
    private readonly owners: Int32Array,
    private readonly parents: Int32Array,
    private readonly buckets: Int32Array,
    private readonly candidates: Candidates,
    readonly blockCount: number,
  ) {}

  static build(rows: Ipv4Row[]): Ipv4Table {
    const n = rows.length;
    // Block key first*64+length sorts by first address, outer block first; exact in a double.
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = rows[i].first * 64 + rows[i].length;
    const sorted = keys.slice().sort();
    let blockCount = 0;
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[blockCount++] = sorted[i];
    const blockKeys = sorted.slice(0, blockCount);

    const blockOf = new Int32Array(n);
    const from = new Float64Array(n);
    const to = new Float64Array(n);
    const matches = new Array<Match>(n);
    for (let i = 0; i < n; i++) {
      blockOf[i] = findKey(blockKeys, keys[i]);
      from[i] = rows[i].from;
      to[i] = rows[i].to;
      matches[i] = rows[i].match;
    }
    const candidates = groupCandidates(blockOf, blockCount, from, to, matches);

    const firstOf = (b: number) => Math.floor(blockKeys[b] / 64);
    const lastOf = (b: number) => firstOf(b) + 2 ** (32 - (blockKeys[b] % 64)) - 1;
    const parents = new Int32Array(blockCount);
    const collector = new IntervalCollector<number>();
    laminarSweep(line, blockCount, firstOf, lastOf, parents, collector.push);
    const starts = Uint32Array.from(collector.starts);
    const owners = Int32Array.from(collector.owners);

    // buckets[k] = the last interval starting at or before k<<16; buckets[65536] = the last one.
    const buckets = new Int32Array(65537);
    let i = 0;
    for (let k = 0; k < 65536; k++) {
      const base = k * 65536;
      while (i + 1 < starts.length && starts[i + 1] <= base) i++;
      buckets[k] = i;
    }
    buckets[65536] = starts.length - 1;
    return new Ipv4Table(starts, owners, parents, buckets, candidates, blockCount);
  }

  /** The assignment in force at `at` with the longest prefix covering `address` (uint32). */
  lookup(address: number, at: number): Match | null {
    const starts = this.starts;
    const top = address >>> 16;
    let lo = this.buckets[top];
    let hi = this.buckets[top + 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= address) lo = mid;
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

function findKey(keys: Float64Array, key: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
