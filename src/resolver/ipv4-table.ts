import { chainCandidates, IntervalCollector, laminarSweep, type Candidates, type Line } from './laminar.js';

/**
 * IPv4 assignments as the table takes them, one column per field (a million small objects would
 * only feed the garbage collector): block first address and length, window in epoch ms, and a
 * number the caller wants back when the assignment matches (e.g. its service).
 */
export interface Ipv4Columns {
  first: number[];
  length: number[];
  from: number[];
  to: number[];
  payload: number[];
}

const line: Line<number> = {
  zero: 0,
  after: (k) => (k >= 0xffffffff ? null : k + 1),
  less: (a, b) => a < b,
};

/** Top bits of the address that index the bucket table (2^BUCKET_BITS entries of 4 bytes). */
const BUCKET_BITS = 16;
const BUCKET_SHIFT = 32 - BUCKET_BITS;
/** Flipping the sign bit maps unsigned order onto signed order, so keys stay int32 in hot code. */
const SIGN = 0x80000000;

/**
 * Longest-prefix match over IPv4 blocks with validity windows. The elementary intervals of the
 * laminar sweep live in one Int32Array of pairs (start with its sign bit flipped, first candidate
 * slot of the innermost block), so the binary search ends on the cache line that holds the
 * answer's slot. A bucket table indexed by the top address bits narrows each search to the
 * intervals of one /16. Misses of the innermost block's windows walk outward along `next`.
 */
export class Ipv4Table {
  private constructor(
    private readonly pairs: Int32Array,
    private readonly buckets: Int32Array,
    private readonly windows: Float64Array,
    private readonly next: Int32Array,
    private readonly payloads: Int32Array,
    private readonly slotBlock: Int32Array,
    private readonly blockKeys: Float64Array,
  ) {}

  get slotCount(): number {
    return this.payloads.length;
  }

  get blockCount(): number {
    return this.blockKeys.length;
  }

  static build(rows: Ipv4Columns): Ipv4Table {
    const n = rows.first.length;
    // Block key first*64+length sorts by first address, outer block first; exact in a double.
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = rows.first[i] * 64 + rows.length[i];
    const sorted = keys.slice().sort();
    let blockCount = 0;
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[blockCount++] = sorted[i];
    const blockKeys = sorted.slice(0, blockCount);

    const firstOf = (b: number) => Math.floor(blockKeys[b] / 64);
    const lastOf = (b: number) => firstOf(b) + 2 ** (32 - (blockKeys[b] % 64)) - 1;
    const parents = new Int32Array(blockCount);
    const collector = new IntervalCollector<number>();
    laminarSweep(line, blockCount, firstOf, lastOf, parents, collector.push);

    const blockOf = new Int32Array(n);
    for (let i = 0; i < n; i++) blockOf[i] = findKey(blockKeys, keys[i]);
    const c: Candidates = chainCandidates(blockOf, parents, Float64Array.from(rows.from), Float64Array.from(rows.to), Int32Array.from(rows.payload));

    const count = collector.starts.length;
    const pairs = new Int32Array(2 * count);
    for (let i = 0; i < count; i++) {
      const owner = collector.owners[i];
      pairs[2 * i] = (collector.starts[i] ^ SIGN) | 0;
      pairs[2 * i + 1] = owner >= 0 ? c.firstSlot[owner] : -1;
    }

    // buckets[k] = the last interval starting at or before k << BUCKET_SHIFT; the extra last entry
    // is the last interval, so [buckets[k], buckets[k+1]] always brackets the answer.
    const bucketCount = 2 ** BUCKET_BITS;
    const buckets = new Int32Array(bucketCount + 1);
    let i = 0;
    for (let k = 0; k < bucketCount; k++) {
      const base = k * 2 ** BUCKET_SHIFT;
      while (i + 1 < count && collector.starts[i + 1] <= base) i++;
      buckets[k] = i;
    }
    buckets[bucketCount] = count - 1;
    return new Ipv4Table(pairs, buckets, c.windows, c.next, c.payload, c.block, blockKeys);
  }

  /**
   * The slot of the assignment in force at `at` with the longest prefix covering `address`
   * (uint32), or -1. Numbers only: the caller turns a slot into its answer (payloadOf, cidrOf).
   */
  lookup(address: number, at: number): number {
    const pairs = this.pairs;
    const key = (address ^ SIGN) | 0;
    const top = address >>> BUCKET_SHIFT;
    let lo = this.buckets[top];
    let hi = this.buckets[top + 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (pairs[2 * mid] <= key) lo = mid;
      else hi = mid - 1;
    }
    const windows = this.windows;
    for (let s = pairs[2 * lo + 1]; s >= 0; s = this.next[s]) {
      if (windows[2 * s] <= at && at < windows[2 * s + 1]) return s;
    }
    return -1;
  }

  payloadOf(slot: number): number {
    return this.payloads[slot];
  }

  /** The canonical text of the slot's block, built as one flat string (no rope kept in memory). */
  cidrOf(slot: number): string {
    const key = this.blockKeys[this.slotBlock[slot]];
    const n = Math.floor(key / 64);
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, `${n & 255}/${key % 64}`].join('.');
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
