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
  first: Float64Array;
  weight: Float64Array;
  private previous: { first: Float64Array; weight: Float64Array } = { first: new Float64Array(0), weight: new Float64Array(0) };

  constructor(cap: number) {
    super(cap);
    this.first = new Float64Array(this.slots);
    this.weight = new Float64Array(this.slots);
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

  /** Adds the key that the last `find` did not find, forgetting the earliest learnt one when full. */
  add(first: number, weight: number): void {
    const i = this.insert(this.lastA, this.lastB);
    this.first[i] = first;
    this.weight[i] = weight;
  }

  protected override resized(size: number): void {
    this.previous = { first: this.first, weight: this.weight };
    this.first = new Float64Array(size);
    this.weight = new Float64Array(size);
  }

  protected override moved(from: number, to: number, resizing: boolean): void {
    const src = resizing ? this.previous : this;
    this.first[to] = src.first[from];
    this.weight[to] = src.weight[from];
  }
}
