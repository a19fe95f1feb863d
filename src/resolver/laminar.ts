/**
 * The assignments of every CIDR block as one chain of slots per block, walked from the innermost
 * block outward: a block's slots are contiguous, latest `from` first (ties keep the snapshot's
 * order), and the slot after a block's last one is the first slot of its enclosing block. So a
 * lookup is "first slot of the innermost block, then follow `next` until a window holds `at`",
 * touching one window pair per step. Windows are interleaved (from, to) to share a cache line.
 */
export interface Candidates {
  /** Per block, its first slot. */
  firstSlot: Int32Array;
  /** Per slot, from at 2s and to at 2s+1 (epoch ms, to = Infinity when open). */
  windows: Float64Array;
  /** Per slot, the slot to try next, or -1. */
  next: Int32Array;
  /** Per slot, the caller's payload of the assignment (e.g. its service number). */
  payload: Int32Array;
  /** Per slot, its block. */
  block: Int32Array;
}

export function chainCandidates(
  blockOf: Int32Array,
  parents: Int32Array,
  from: Float64Array,
  to: Float64Array,
  payload: Int32Array,
): Candidates {
  const n = blockOf.length;
  const blockCount = parents.length;
  const firstSlot = new Int32Array(blockCount + 1);
  for (let i = 0; i < n; i++) firstSlot[blockOf[i] + 1]++;
  for (let b = 0; b < blockCount; b++) firstSlot[b + 1] += firstSlot[b];
  const fill = firstSlot.slice(0, blockCount);
  const windows = new Float64Array(2 * n);
  const slotPayload = new Int32Array(n);
  const block = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // Insertion by descending `from` within the block; blocks hold a handful of windows at most.
    const b = blockOf[i];
    const start = firstSlot[b];
    let slot = fill[b]++;
    while (slot > start && windows[2 * slot - 2] < from[i]) {
      windows[2 * slot] = windows[2 * slot - 2];
      windows[2 * slot + 1] = windows[2 * slot - 1];
      slotPayload[slot] = slotPayload[slot - 1];
      slot--;
    }
    windows[2 * slot] = from[i];
    windows[2 * slot + 1] = to[i];
    slotPayload[slot] = payload[i];
    block[fill[b] - 1] = b;
  }
  const next = new Int32Array(n);
  for (let b = 0; b < blockCount; b++) {
    const end = firstSlot[b + 1];
    for (let s = firstSlot[b]; s < end - 1; s++) next[s] = s + 1;
    if (end > firstSlot[b]) next[end - 1] = parents[b] >= 0 ? firstSlot[parents[b]] : -1;
  }
  return { firstSlot: firstSlot.subarray(0, blockCount), windows, next, payload: slotPayload, block };
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

  release(): void {
    this.starts = [];
    this.owners = [];
  }
}
