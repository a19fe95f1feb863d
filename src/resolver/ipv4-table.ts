import { parseIpv4 } from '../domain/ip.js';
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

/**
 * Top bits of the address that index the bucket table (2^bits entries of 4 bytes): about one
 * bucket per interval, at most 2^22 (16 MB), so a search spans a few intervals, one or two
 * cache lines. Measured with bench/resolver.bench.ts: 2^16 buckets ran ~30 % slower at 1M prefixes.
 */
function bucketBitsFor(intervals: number): number {
  return Math.min(22, Math.max(8, Math.ceil(Math.log2(intervals + 1))));
}
/**
 * Addresses travel as keys: the address with its sign bit flipped, as an int32. Unsigned order
 * becomes signed order, and every key is a small integer to V8, whereas half of all uint32
 * addresses (>= 2^31) are boxed doubles whenever they cross a call that was not inlined.
 */
const SIGN = 0x80000000 | 0;
/** What ipv4Key returns for text that is not a dotted quad; not an int32, so never a key. */
export const NOT_IPV4 = 2 ** 32;

export function ipv4KeyOf(address: number): number {
  return (address ^ SIGN) | 0;
}

/**
 * Dotted quad -> key, without allocating; NOT_IPV4 otherwise. Like canonicalIp it reads octets
 * with leading zeros as decimal ("010" is 10).
 */
export function ipv4Key(text: string): number {
  const address = parseIpv4(text);
  return address < 0 ? NOT_IPV4 : ipv4KeyOf(address);
}

const STRIDE = 4;

/**
 * Epoch ms -> whole seconds clamped to int32. Exact enough to decide: with S = seconds(t),
 * seconds(at) > S proves at > t and seconds(at) < S proves at < t (clamping keeps both true);
 * only equality needs the millisecond values.
 */
function seconds(ms: number): number {
  const s = Math.floor(ms / 1000);
  return s > 2147483647 ? 2147483647 : s < -2147483648 ? -2147483648 : s;
}

/**
 * Longest-prefix match over IPv4 blocks with validity windows. The elementary intervals of the
 * laminar sweep live in one Int32Array, four words each: the start (sign bit flipped), the first
 * candidate slot of the innermost block, and that slot's window in whole seconds. The binary
 * search thus ends on the cache line that usually decides the answer; the exact millisecond
 * windows and the walk outward along `next` are read only when the seconds cannot decide (same
 * second as a bound, or the innermost assignment not in force). A bucket table indexed by the top
 * address bits narrows each search to a few intervals.
 */
export class Ipv4Table {
  private constructor(
    private readonly intervals: Int32Array,
    private readonly buckets: Int32Array,
    private readonly bucketShift: number,
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

  /** `bucketBits` overrides the bucket table size (tests use it to reach the bucket edges). */
  static build(rows: Ipv4Columns, bucketBits?: number): Ipv4Table {
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
    const intervals = new Int32Array(STRIDE * count);
    for (let i = 0; i < count; i++) {
      const owner = collector.owners[i];
      const slot = owner >= 0 ? c.firstSlot[owner] : -1;
      intervals[STRIDE * i] = (collector.starts[i] ^ SIGN) | 0;
      intervals[STRIDE * i + 1] = slot;
      intervals[STRIDE * i + 2] = slot >= 0 ? seconds(c.windows[2 * slot]) : 0;
      intervals[STRIDE * i + 3] = slot >= 0 ? seconds(c.windows[2 * slot + 1]) : 0;
    }

    // buckets[k] = the last interval starting at or before k << bucketShift; the extra last entry
    // is the last interval, so [buckets[k], buckets[k+1]] always brackets the answer.
    const bucketCount = 2 ** (bucketBits ?? bucketBitsFor(count));
    const bucketShift = 32 - Math.log2(bucketCount);
    const buckets = new Int32Array(bucketCount + 1);
    let i = 0;
    for (let k = 0; k < bucketCount; k++) {
      const base = k * 2 ** bucketShift;
      while (i + 1 < count && collector.starts[i + 1] <= base) i++;
      buckets[k] = i;
    }
    buckets[bucketCount] = count - 1;
    // The sweep's callback may stay referenced from call feedback; do not let it pin ~30 MB.
    collector.release();
    return new Ipv4Table(intervals, buckets, bucketShift, c.windows, c.next, c.payload, c.block, blockKeys);
  }

  /**
   * The slot of the assignment in force at `at` with the longest prefix covering the address of
   * `key` (see ipv4Key), or -1. Numbers only: the caller turns a slot into its answer.
   */
  lookup(key: number, at: number): number {
    const intervals = this.intervals;
    const top = (key ^ SIGN) >>> this.bucketShift;
    let lo = this.buckets[top];
    let hi = this.buckets[top + 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (intervals[STRIDE * mid] <= key) lo = mid;
      else hi = mid - 1;
    }
    const o = STRIDE * lo;
    const first = intervals[o + 1];
    if (first < 0) return -1;
    const atSeconds = seconds(at);
    if (atSeconds > intervals[o + 2] && atSeconds < intervals[o + 3]) return first;
    const windows = this.windows;
    for (let s = first; s >= 0; s = this.next[s]) {
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
