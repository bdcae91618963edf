/**
 * Bounded-memory building blocks of the engine. Counters are bucketed so that a window costs a
 * fixed array whatever the traffic, and remembered sets forget their least recently used entries,
 * so that a long stream or a blast to a million addresses cannot grow the engine without bound.
 */

/** Sum over a sliding window, approximated by `buckets` fixed slots (error < one slot). */
export class RollingCounter {
  private readonly slots: Float64Array;
  private readonly slotMs: number;
  private head = -1;
  private total = 0;

  constructor(windowMs: number, buckets: number) {
    this.slots = new Float64Array(buckets);
    this.slotMs = windowMs / buckets;
  }

  add(ts: number, value = 1): void {
    this.advance(ts);
    this.slots[this.head % this.slots.length] += value;
    this.total += value;
  }

  sum(ts: number): number {
    this.advance(ts);
    return this.total < 1e-9 ? 0 : this.total;
  }

  /** Clears the slots that fell out of the window since the last call. */
  private advance(ts: number): void {
    const slot = Math.floor(ts / this.slotMs);
    if (this.head < 0) {
      this.head = slot;
      return;
    }
    if (slot <= this.head) return;
    const n = this.slots.length;
    if (slot - this.head >= n) {
      this.slots.fill(0);
      this.total = 0;
    } else {
      for (let s = this.head + 1; s <= slot; s++) {
        this.total -= this.slots[s % n];
        this.slots[s % n] = 0;
      }
    }
    this.head = slot;
  }
}

/**
 * A map of at most about `cap` entries that forgets what has not been used for a while. It is
 * generational rather than a strict LRU: entries live in a young map, which becomes the old map
 * when half full, and a hit in the old map moves the entry back. V8 maps slow down badly under
 * the delete-oldest pattern of a strict LRU (the front fills with tombstones), this never deletes.
 */
export class LruMap<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private readonly half: number;

  constructor(cap: number) {
    this.half = Math.max(1, Math.ceil(cap / 2));
  }

  get(key: string): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Sets and marks as recently used. */
  set(key: string, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  /** Every remembered value (an entry moved back from the old map may appear twice). */
  *values(): IterableIterator<V> {
    yield* this.young.values();
    yield* this.old.values();
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}

/** Keys seen within the last `windowMs`, e.g. recipient domains in the last hour. */
export class RecentSet {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly windowMs: number,
    private readonly cap: number,
  ) {}

  add(key: string, ts: number): void {
    if (this.seen.has(key)) this.seen.delete(key);
    else if (this.seen.size >= this.cap) this.prune(ts, true);
    this.seen.set(key, ts);
  }

  has(key: string): boolean {
    return this.seen.has(key);
  }

  delete(key: string): void {
    this.seen.delete(key);
  }

  count(ts: number): number {
    this.prune(ts, false);
    return this.seen.size;
  }

  /** Insertion order is last-seen order, so expired keys are at the front. */
  private prune(ts: number, force: boolean): void {
    const cutoff = ts - this.windowMs;
    for (const [key, at] of this.seen) {
      if (at >= cutoff && !force) break;
      this.seen.delete(key);
      if (force && at >= cutoff) break;
    }
  }
}
