import type { Match } from './types.js';

/**
 * The assignments of every CIDR block, in flat arrays: block b owns the slots
 * offsets[b] .. offsets[b+1]-1, latest `from` first, so the first slot valid at a moment is the
 * assignment in force then (ties keep the snapshot's order).
 */
export interface Candidates {
  offsets: Int32Array;
  from: Float64Array;
  to: Float64Array;
  matches: Match[];
}

export function groupCandidates(
  blockOf: Int32Array,
  blockCount: number,
  from: Float64Array,
  to: Float64Array,
  matches: Match[],
): Candidates {
  const n = blockOf.length;
  const offsets = new Int32Array(blockCount + 1);
  for (let i = 0; i < n; i++) offsets[blockOf[i] + 1]++;
  for (let b = 0; b < blockCount; b++) offsets[b + 1] += offsets[b];
  const fill = offsets.slice(0, blockCount);
  const out: Candidates = { offsets, from: new Float64Array(n), to: new Float64Array(n), matches: new Array<Match>(n) };
  for (let i = 0; i < n; i++) {
    // Insertion by descending `from` within the block; blocks hold a handful of windows at most.
    const start = offsets[blockOf[i]];
    let slot = fill[blockOf[i]]++;
    while (slot > start && out.from[slot - 1] < from[i]) {
      out.from[slot] = out.from[slot - 1];
      out.to[slot] = out.to[slot - 1];
      out.matches[slot] = out.matches[slot - 1];
      slot--;
    }
    out.from[slot] = from[i];
    out.to[slot] = to[i];
    out.matches[slot] = matches[i];
  }
  return out;
}

/** Positions on one address line: numbers for IPv4, bigints for IPv6. */
export interface Line<K> {
  zero: K;
  /** The next address, or null past the end of the address space. */
  after(k: K): K | null;
  less(a: K, b: K): boolean;
}

/**
 * Flattens laminar blocks (any two nested or disjoint, as CIDR blocks always are) into elementary
 * intervals. Blocks must come sorted by first address, outer block first on a tie. Calls
 * `emit(start, owner)` for each interval in address order, where owner is the innermost block
 * covering it or -1; the caller keeps `parent` to walk outward when the innermost block has no
 * assignment valid at the asked moment. One pass with a stack: O(blocks).
 */
export function laminarSweep<K>(
  line: Line<K>,
  blockCount: number,
  first: (b: number) => K,
  last: (b: number) => K,
  parent: Int32Array,
  emit: (start: K, owner: number) => void,
): void {
  const stack: number[] = [];
  const close = (limit: K | null) => {
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (limit !== null && !line.less(last(top), limit)) return;
      stack.pop();
      const next = line.after(last(top));
      if (next !== null) emit(next, stack.length > 0 ? stack[stack.length - 1] : -1);
    }
  };
  emit(line.zero, -1);
  for (let b = 0; b < blockCount; b++) {
    close(first(b));
    parent[b] = stack.length > 0 ? stack[stack.length - 1] : -1;
    stack.push(b);
    emit(first(b), b);
  }
  close(null);
}

/**
 * Collects emitted intervals, folding a start emitted twice (the later owner wins: a block that
 * ends where its sibling begins) and neighbours with the same owner.
 */
export class IntervalCollector<K> {
  starts: K[] = [];
  owners: number[] = [];
  push = (start: K, owner: number): void => {
    let n = this.starts.length;
    if (n > 0 && this.starts[n - 1] === start) {
      this.starts.pop();
      this.owners.pop();
      n--;
    }
    if (n > 0 && this.owners[n - 1] === owner) return;
    this.starts.push(start);
    this.owners.push(owner);
  };
}
