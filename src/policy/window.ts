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

  reset(): void {
    this.slots.fill(0);
    this.total = 0;
    this.head = -1;
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
    if (v !== undefined || this.old.size === 0) return v;
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

/**
 * Keys seen within the last `windowMs`, e.g. recipient domains in the last hour. A key seen again
 * only has its time updated (no delete and re-insert, which is slow on V8 maps); expired keys
 * are swept at most once per tenth of the window, so `count` may include keys that expired since.
 */
export class RecentSet {
  private readonly seen = new Map<string, number>();
  private nextSweep = 0;

  constructor(
    private readonly windowMs: number,
    private readonly cap: number,
  ) {}

  add(key: string, ts: number): void {
    if (this.seen.size >= this.cap && !this.seen.has(key)) this.sweep(ts, true);
    this.seen.set(key, ts);
  }

  has(key: string): boolean {
    return this.seen.has(key);
  }

  delete(key: string): void {
    this.seen.delete(key);
  }

  clear(): void {
    this.seen.clear();
  }

  count(ts: number): number {
    if (ts >= this.nextSweep) this.sweep(ts, false);
    return this.seen.size;
  }

  /** Drops expired keys; when full, also the oldest half so that the cap holds under a flood. */
  private sweep(ts: number, full: boolean): void {
    this.nextSweep = ts + this.windowMs / 10;
    let cutoff = ts - this.windowMs;
    if (full) {
      const times = [...this.seen.values()].sort((a, b) => a - b);
      cutoff = Math.max(cutoff, times[Math.floor(times.length / 2)]);
    }
    for (const [key, at] of this.seen) if (at < cutoff || (full && at === cutoff)) this.seen.delete(key);
  }
}

/** The same for a handful of keys (the IPs an account uses): a linear scan beats any map. */
export class SmallRecentSet {
  private readonly keys: string[] = [];
  private readonly at: number[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly cap: number,
  ) {}

  add(key: string, ts: number): void {
    const i = this.keys.indexOf(key);
    if (i >= 0) {
      this.at[i] = ts;
      return;
    }
    this.prune(ts);
    if (this.keys.length >= this.cap) {
      this.keys.shift();
      this.at.shift();
    }
    this.keys.push(key);
    this.at.push(ts);
  }

  count(ts: number): number {
    this.prune(ts);
    return this.keys.length;
  }

  clear(): void {
    this.keys.length = 0;
    this.at.length = 0;
  }

  private prune(ts: number): void {
    const cutoff = ts - this.windowMs;
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (this.at[i] < cutoff) {
        this.keys.splice(i, 1);
        this.at.splice(i, 1);
      }
    }
  }
}
