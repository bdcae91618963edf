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

/** A map that keeps at most `cap` entries, dropping the least recently touched. */
export class LruMap<V> {
  readonly map = new Map<string, V>();
  constructor(private readonly cap: number) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Sets and marks as most recently used. */
  set(key: string, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.cap) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(key, value);
  }

  get size(): number {
    return this.map.size;
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
