import { FingerprintTable, FP, fingerprint } from './fingerprint.js';

/**
 * How often one account sent the same subject or body within a day: at most `cap` keys (subjects
 * and body hashes together), the earliest learnt forgotten first, like a BoundedMap.
 *
 * Most body hashes are seen once, so nearly every message inserts one key and evicts another. A
 * Map spends more on that churn (an entry object, a tombstone, a rehash now and then) than on the
 * look-up itself, and would keep every subject alive; this table keeps fingerprints (the kind is
 * the seed, so a subject never matches a body hash) and two counts in flat arrays and allocates
 * nothing per message.
 */
export class ContentCounts extends FingerprintTable {
  /**
   * Per slot, side by side: [2i] the time the day's count started, [2i + 1] the weight counted
   * since. One array rather than two: an account's table is usually out of the CPU caches when its
   * next message comes, and the pair is then one fetch from memory instead of two.
   */
  counts: Float64Array;
  private previous: Float64Array = new Float64Array(0);

  constructor(cap: number) {
    super(cap);
    this.counts = new Float64Array(2 * this.slots);
  }

  /** The fingerprint last passed to `find`, for the `insert` that usually follows a miss. */
  private lastA = 0;
  private lastB = 0;

  /** The slot of the key, or -1. */
  find(kind: number, key: string): number {
    fingerprint(key, kind);
    this.lastA = FP.a;
    this.lastB = FP.b;
    return this.slotOf(FP.a, FP.b);
  }

  /** The slot of a key already fingerprinted (`FP` after another table's `find` of the same key and kind), or -1. */
  findFingerprint(a: number, b: number): number {
    this.lastA = a;
    this.lastB = b;
    return this.slotOf(a, b);
  }

  /** Adds the key that the last `find` did not find, forgetting the earliest learnt one when full. */
  add(first: number, weight: number): void {
    const i = this.insert(this.lastA, this.lastB);
    this.counts[2 * i] = first;
    this.counts[2 * i + 1] = weight;
  }

  /** The weight counted in slot `i` (from `find`). */
  weightAt(i: number): number {
    return this.counts[2 * i + 1];
  }

  protected override resized(size: number): void {
    this.previous = this.counts;
    this.counts = new Float64Array(2 * size);
  }

  protected override moved(from: number, to: number, resizing: boolean): void {
    const src = resizing ? this.previous : this.counts;
    this.counts[2 * to] = src[2 * from];
    this.counts[2 * to + 1] = src[2 * from + 1];
  }
}
