/**
 * Bounded-memory building blocks of the engine. Counters are bucketed so that a window costs a
 * fixed array whatever the traffic, and remembered sets forget their least recently used entries,
 * so that a long stream or a blast to a million addresses cannot grow the engine without bound.
 */

/**
 * Zero for number fields that will hold fractions or millisecond times. V8 gives an object field
 * the representation of the first value stored in it: a field born as a small integer that later
 * receives a fraction or a time changes the hidden class of every object of its kind, and every
 * function compiled for those objects is thrown away and compiled again (on a 90,000-event replay,
 * a quarter of all compile work and a tenth of the run on one core). Negative zero is kept as a
 * double from the start; it equals 0 in every comparison, prints as 0, and vanishes in a sum with
 * any other number. Only Object.is and division by it tell it apart, and the engine does neither
 * with these fields, nor with the signals' "no points" (overBy and its kin return it for the same
 * reason).
 */
export const FRACTIONAL_ZERO = -0;

/**
 * An empty array for numbers that are mostly not small integers (times, 52-bit keys). `[]` starts
 * out holding small integers only; the first double pushed changes its kind, and code compiled
 * for the small-integer kind is thrown away ("not a Smi"), for every new array of the kind. An
 * array made from negative zero (see FRACTIONAL_ZERO) holds doubles from the start.
 */
export function doubles(): number[] {
  const a = [FRACTIONAL_ZERO];
  a.pop();
  return a;
}

/** An empty array for strings, holding object references from the start (see `doubles`). */
export function strings(): string[] {
  const a = [''];
  a.pop();
  return a;
}

/**
 * Shortens a list to `n` entries but keeps its storage for the next use. Setting `length` is a
 * call into the runtime that also gives the storage up, so that the next push allocates it again;
 * popping the handful of entries these lists hold costs a few instructions each.
 */
export function truncate(list: unknown[], n = 0): void {
  while (list.length > n) list.pop();
}

/**
 * Sum over a sliding window, approximated by `buckets` fixed slots (error < one slot).
 *
 * The counter's running total and last time live in the same block of doubles as its slots
 * (`STATE`, then the slots), usually its account's SlotBank; the object keeps only small integers
 * (V8 stores those in the object itself). An account's state has mostly left the CPU caches when
 * its next event comes, and a submission reads and adds to a dozen and a half counters: as fields
 * of the object, the total and the last time were each a number object of their own (V8 keeps
 * double fields boxed) and the slots a view object besides, so each counter cost four or five
 * fetches from memory where it now costs its object, its state and one slot.
 */
export class RollingCounter {
  private readonly data: Float64Array;
  /** Where the state begins in `data`: [base] the last time, [base + 1] the total; the slots follow. */
  private readonly base: number;
  private readonly buckets: number;
  private readonly slotMs: number;
  private head = -1;
  /** `head` modulo the number of slots: where values are added now. */
  private at = 0;
  /**
   * The earliest slot number (as `head`) that may hold anything (NOTHING: none does): slots of
   * earlier numbers are zero, so that moving on clears only the few slots added to since they were
   * last cleared, not the whole window. An account mostly writes again after its short windows
   * have passed, and a counter that cleared every slot each time wrote over its whole array (up
   * to six cache lines, fetched from memory first) on nearly every submission.
   */
  private since = NOTHING;

  constructor(windowMs: number, buckets: number, bank?: SlotBank) {
    const at = bank ? bank.take(STATE + buckets) : -1;
    this.data = bank && at >= 0 ? bank.data : new Float64Array(STATE + buckets);
    this.base = at >= 0 ? at : 0;
    this.buckets = buckets;
    this.slotMs = windowMs / buckets;
    this.data[this.base + LAST_TS] = NaN;
    this.data[this.base + TOTAL] = FRACTIONAL_ZERO;
  }

  add(ts: number, value = 1): void {
    this.advance(ts);
    const d = this.data;
    const b = this.base;
    d[b + STATE + this.at] += value;
    d[b + TOTAL] += value;
    if (this.head < this.since) this.since = this.head;
  }

  reset(): void {
    const d = this.data;
    const b = this.base;
    d.fill(0, b + STATE, b + STATE + this.buckets);
    d[b + TOTAL] = 0;
    this.head = -1;
    this.at = 0;
    this.since = NOTHING;
    d[b + LAST_TS] = NaN;
  }

  sum(ts: number): number {
    this.advance(ts);
    const total = this.data[this.base + TOTAL];
    return total < 1e-9 ? 0 : total;
  }

  /**
   * Clears the slots that fell out of the window since the last call: those of numbers from
   * `since` on (the others are zero already, and taking zero from the total changes nothing).
   */
  private advance(ts: number): void {
    const d = this.data;
    const b = this.base;
    // One submission reads and updates a counter several times at the same moment.
    if (ts === d[b + LAST_TS]) return;
    d[b + LAST_TS] = ts;
    const slot = Math.floor(ts / this.slotMs);
    const n = this.buckets;
    const head = this.head;
    if (head < 0) {
      this.head = slot;
      this.at = mod(slot, n);
      return;
    }
    if (slot <= head) return;
    const first = b + STATE;
    if (slot - head >= n) {
      // The whole window has passed: the slots of numbers `from` to `head`, back from `at`.
      const from = Math.max(this.since, head - n + 1);
      let i = this.at;
      for (let s = head; s >= from; s--) {
        d[first + i] = 0;
        i = i === 0 ? n - 1 : i - 1;
      }
      d[b + TOTAL] = 0;
      this.at = mod(slot, n);
      this.since = NOTHING;
    } else {
      // Numbers head + 1 to slot take the slots of numbers n earlier; of those, only the ones
      // from `since` on (numbers from since + n on) may hold anything.
      const from = Math.max(head, this.since + n - 1);
      let i = this.at + (from - head);
      if (i >= n) i -= n;
      let total = d[b + TOTAL];
      for (let s = from; s < slot; s++) {
        i = i + 1 === n ? 0 : i + 1;
        total -= d[first + i];
        d[first + i] = 0;
      }
      d[b + TOTAL] = total;
      const at = this.at + (slot - head);
      this.at = at >= n ? at - n : at;
      // Numbers before the window have no slot any more.
      if (this.since < slot - n + 1) this.since = slot - n + 1;
    }
    this.head = slot;
  }
}

/**
 * `since` of a counter none of whose slots holds anything: a small integer (kept in the object)
 * above every slot number until about the year 2140 for the shortest slots (5 s); timestamps
 * beyond that would need a larger mark.
 */
const NOTHING = 0x3fff_ffff;

/** A rolling counter's state before its slots: the time of the last call, and the sum of the slots. */
const LAST_TS = 0;
const TOTAL = 1;
/** Doubles of state before a rolling counter's slots (what each takes of a SlotBank besides them). */
export const STATE = 2;

/**
 * In how many of the last 24 clock hours something happened: one slot per hour of the day holding
 * the number of the hour it last happened in. The count is worked out once per hour.
 */
export class ActiveHours {
  private readonly last: Float64Array;
  private countHour = -1;
  private count = 0;

  constructor(bank?: SlotBank) {
    this.last = bank ? bank.view(24) : new Float64Array(24);
    // No hour yet: NaN is inside no window.
    this.last.fill(NaN);
  }

  /** Records the hour of `ts` and answers the number of active hours among the last 24, this one included. */
  touch(ts: number): number {
    const hour = Math.floor(ts / 3_600_000);
    const slot = mod(hour, 24);
    if (this.last[slot] === hour && this.countHour === hour) return this.count;
    this.last[slot] = hour;
    let n = 0;
    for (let i = 0; i < 24; i++) if (this.last[i] > hour - 24) n++;
    this.countHour = hour;
    this.count = n;
    return n;
  }

  clear(): void {
    this.last.fill(NaN);
    this.countHour = -1;
    this.count = 0;
  }
}

/** `v` modulo `n`, never negative (slots of times before 1970 too). */
const mod = (v: number, n: number): number => ((v % n) + n) % n;

/**
 * One block of memory for the slots of all counters of an account. Each event reads a dozen of
 * its account's counters; slots side by side cost fewer cache misses than a dozen separate
 * buffers scattered over the heap, and that, not arithmetic, is what a counter costs.
 */
export class SlotBank {
  readonly data: Float64Array;
  private next = 0;

  constructor(size: number) {
    this.data = new Float64Array(size);
  }

  /** Where `n` doubles of the block begin, or -1 once the block is used up. */
  take(n: number): number {
    if (this.next + n > this.data.length) return -1;
    this.next += n;
    return this.next - n;
  }

  /** `n` slots of the block as an array of their own, or a buffer of their own once the block is used up. */
  view(n: number): Float64Array {
    const at = this.take(n);
    return at < 0 ? new Float64Array(n) : this.data.subarray(at, at + n);
  }
}

/**
 * A map of at most `cap` entries that forgets the oldest first (first in, first out). A ring of
 * keys makes eviction O(1): V8 maps slow down badly when the oldest entry is found by iterating
 * (the front fills with tombstones), and a strict LRU would cost a delete and re-insert per hit.
 * A contact evicted while still in use is simply learnt again.
 */
export class BoundedMap<V> {
  private readonly map = new Map<string, V>();
  private readonly ring: KeyRing;
  /** Changes with every `set` and `clear`: a value read earlier is still current while it stays the same. */
  version = 0;

  constructor(cap: number) {
    this.ring = new KeyRing(cap);
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** One hash look-up for both cases: a change of size tells a new key from an update. */
  set(key: string, value: V): void {
    this.version++;
    const before = this.map.size;
    this.map.set(key, value);
    if (this.map.size === before) return;
    const forget = this.ring.admit(key);
    if (forget !== undefined) this.map.delete(forget);
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  clear(): void {
    this.version++;
    this.map.clear();
    this.ring.clear();
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * The last look-up of one key in a BoundedMap, kept while the map is unchanged. An account mostly
 * submits from the place it submitted from last time: its IP, network, country and client, and
 * what the organisation knows of them, are then the entries found last time, without a hash
 * look-up each.
 */
export class Recall<V> {
  private key: string | undefined = undefined;
  private value: V | undefined = undefined;
  private version = -1;

  get(map: BoundedMap<V>, key: string): V | undefined {
    if (this.version === map.version && key === this.key) return this.value;
    this.key = key;
    this.value = map.get(key);
    this.version = map.version;
    return this.value;
  }
}

/** The keys of a bounded map in the order they were added: which one to forget next. */
class KeyRing {
  private readonly keys: string[] = [];
  private pos = 0;

  constructor(private readonly cap: number) {}

  /** Records a new key; returns the earliest one when the ring is full (it has been replaced). */
  admit(key: string): string | undefined {
    if (this.keys.length < this.cap) {
      this.keys.push(key);
      return undefined;
    }
    const oldest = this.keys[this.pos];
    this.keys[this.pos] = key;
    this.pos = (this.pos + 1) % this.cap;
    return oldest;
  }

  clear(): void {
    this.keys.length = 0;
    this.pos = 0;
  }
}

/**
 * Number keys (`keyOf` of a string) seen within the last `windowMs`, e.g. recipient domains in the
 * last hour. A key seen again only has its time updated; expired keys are swept at most once per
 * tenth of the window, so `count` may include keys that expired since.
 *
 * The keys are kept in ascending order in an array of doubles, found by binary search, with their
 * times beside them. Most sets hold a handful (the domains one person mails within an hour), where
 * this is as quick as a scan and allocates nothing; a flood of thousands costs a shift of the
 * array per new key, a few microseconds. One form for every size: sets that moved to a Map past a
 * size had a second path that a stream reaches late (the first account to mail many domains
 * within an hour), and its first use threw away the compiled code of every function around it.
 */
export class RecentSet {
  private readonly keys = doubles();
  private readonly times = doubles();
  private nextSweep = FRACTIONAL_ZERO;
  /** Bounds on the times held (loose after a refresh or delete), so that most sweeps need no scan. */
  private oldest = Infinity;
  private newest = -Infinity;

  constructor(
    private readonly windowMs: number,
    private readonly cap: number,
  ) {}

  add(key: number, ts: number): void {
    const keys = this.keys;
    let i = lowerBound(keys, key);
    if (i < keys.length && keys[i] === key) this.times[i] = ts;
    else {
      if (keys.length >= this.cap) {
        this.sweep(ts, true);
        i = lowerBound(keys, key);
      }
      insertAt(keys, i, key);
      insertAt(this.times, i, ts);
    }
    if (ts < this.oldest) this.oldest = ts;
    if (ts > this.newest) this.newest = ts;
  }

  has(key: number): boolean {
    const i = lowerBound(this.keys, key);
    return i < this.keys.length && this.keys[i] === key;
  }

  delete(key: number): void {
    const i = lowerBound(this.keys, key);
    if (i === this.keys.length || this.keys[i] !== key) return;
    removeAt(this.keys, i);
    removeAt(this.times, i);
  }

  clear(): void {
    truncate(this.keys);
    truncate(this.times);
    this.oldest = Infinity;
    this.newest = -Infinity;
  }

  get size(): number {
    return this.keys.length;
  }

  count(ts: number): number {
    if (ts >= this.nextSweep) this.sweep(ts, false);
    return this.keys.length;
  }

  /** Drops expired keys; when full, also the oldest half so that the cap holds under a flood. */
  private sweep(ts: number, full: boolean): void {
    this.nextSweep = ts + this.windowMs / 10;
    let cutoff = ts - this.windowMs;
    if (full) {
      const times = [...this.times];
      times.sort((a, b) => a - b);
      cutoff = Math.max(cutoff, times[Math.floor(times.length / 2)]);
    }
    if (!full && this.oldest >= cutoff) return;
    if (!full && this.newest < cutoff) return this.clear();
    let oldest = Infinity;
    let kept = 0;
    // Compacted in place: the keys that stay keep their order.
    for (let i = 0; i < this.keys.length; i++) {
      const at = this.times[i];
      if (at < cutoff || (full && at === cutoff)) continue;
      if (at < oldest) oldest = at;
      this.keys[kept] = this.keys[i];
      this.times[kept++] = at;
    }
    truncate(this.keys, kept);
    truncate(this.times, kept);
    this.oldest = oldest;
  }
}

/** Distinct number keys, e.g. recipient domains of the current hour, in order like RecentSet's. */
export class DistinctSet {
  private readonly keys = doubles();

  add(key: number): void {
    const i = lowerBound(this.keys, key);
    if (i === this.keys.length || this.keys[i] !== key) insertAt(this.keys, i, key);
  }

  get size(): number {
    return this.keys.length;
  }

  clear(): void {
    truncate(this.keys);
  }
}

/** The first position in ascending `a` whose value is not below `x` (a.length when none). */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Shifts of up to SHIFT_LOOP elements are done by a loop (30-40 ns for a few); longer ones by
 * splice, which moves memory in one go (200 ns for 2,000 elements where the loop takes 3.6 µs: a
 * flood of new domains into a set at its cap of 4,096 would otherwise run four times slower).
 */
const SHIFT_LOOP = 64;

function insertAt(a: number[], i: number, v: number): void {
  if (a.length - i > SHIFT_LOOP) {
    a.splice(i, 0, v);
    return;
  }
  a.push(v);
  for (let j = a.length - 1; j > i; j--) a[j] = a[j - 1];
  a[i] = v;
}

function removeAt(a: number[], i: number): void {
  if (a.length - i > SHIFT_LOOP) {
    a.splice(i, 1);
    return;
  }
  for (let j = i; j < a.length - 1; j++) a[j] = a[j + 1];
  a.pop();
}

/**
 * The same for strings, kept in order of arrival (the oldest goes first when full): the IPs an
 * account uses, the accounts seen from one IP. A linear scan beats any map for a few keys.
 */
export class SmallRecentSet {
  private readonly keys = strings();
  private readonly at = doubles();

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

  /** The keys within the window at `ts`, oldest first (a copy). */
  list(ts: number): string[] {
    this.prune(ts);
    return this.keys.slice();
  }

  delete(key: string): void {
    const i = this.keys.indexOf(key);
    if (i < 0) return;
    this.keys.splice(i, 1);
    this.at.splice(i, 1);
  }

  clear(): void {
    truncate(this.keys);
    truncate(this.at);
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

/**
 * 2^-halvings: what is left of a quantity that halves `halvings` times (profile peaks, risk). As
 * `Math.exp`, which V8 computes several times faster than `Math.pow`; each event fades up to a
 * dozen values, and the results differ from `Math.pow`'s at most in the last bit.
 */
export function halve(halvings: number): number {
  return Math.exp(-Math.LN2 * halvings);
}
