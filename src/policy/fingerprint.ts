/**
 * Sets and maps of strings that keep 64-bit fingerprints instead of the strings.
 *
 * The engine remembers hundreds of thousands of strings (recipients, accepted message ids). Held
 * in Maps, each one is an object the garbage collector copies out of the young generation and
 * then marks again and again, and every look-up of a string fresh from the input hashes it and
 * compares it in full. Here each string is reduced once to two independent 32-bit hashes; the
 * tables are flat typed arrays (open addressing, linear probing, at most half full, deletion by
 * shifting back so no tombstones build up) and allocate nothing after construction.
 *
 * Two strings are taken as equal when both hashes agree. With 64 bits and at most a few hundred
 * thousand entries per table, the chance that any two different strings ever collide in a run is
 * below one in 10^8; a collision would count one recipient as already mailed, or tie one bounce to
 * the wrong message of the same account.
 */

/** The fingerprint of the string last passed to `fingerprint` (read it before the next call). */
export const FP = { a: 0, b: 0 };

/**
 * FNV-1a and a multiply–rotate hash of the UTF-16 code units, in one pass, seeded so that the two
 * kinds of key a table may hold (subjects and body hashes) never share a fingerprint.
 */
export function fingerprint(s: string, seed = 0): void {
  let a = 0x811c9dc5 ^ seed;
  let b = 0x9e3779b9 ^ Math.imul(seed + 1, 0x85ebca6b) ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0xcc9e2d51);
    b = (b << 15) | (b >>> 17);
  }
  b ^= b >>> 16;
  b = Math.imul(b, 0x85ebca6b);
  b ^= b >>> 13;
  FP.a = a | 0;
  FP.b = b | 0;
}

/**
 * The slots of a fingerprint table, with first-in-first-out eviction: at most `cap` entries, the
 * earliest added forgotten first; adding an entry already present keeps its place in that order.
 */
export class FingerprintTable {
  protected a: Int32Array;
  protected b: Int32Array;
  protected used: Uint8Array;
  protected mask: number;
  /** Entries in the order they were added, for eviction (grown with the table until `cap`). */
  private ringA: Int32Array;
  private ringB: Int32Array;
  private pos = 0;
  private count = 0;

  /**
   * Tables start small and double as they fill, up to room for `cap` entries: most accounts
   * mail a few hundred people, and a table sized for the cap up front would cost every account
   * the memory of the busiest one.
   */
  constructor(readonly cap: number) {
    const size = Math.min(INITIAL_SLOTS, slotsFor(cap));
    this.a = new Int32Array(size);
    this.b = new Int32Array(size);
    this.used = new Uint8Array(size);
    this.mask = size - 1;
    this.ringA = new Int32Array(Math.min(cap, size / 2));
    this.ringB = new Int32Array(this.ringA.length);
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.used.fill(0);
    this.pos = 0;
    this.count = 0;
  }

  /** The slot holding the fingerprint, or -1. */
  protected slotOf(a: number, b: number): number {
    for (let i = a & this.mask; this.used[i] === 1; i = (i + 1) & this.mask) if (this.a[i] === a && this.b[i] === b) return i;
    return -1;
  }

  /** Puts a fingerprint known to be absent, evicting the earliest when full; returns its slot. */
  protected insert(a: number, b: number): number {
    if (this.count === this.cap) this.remove(this.slotOf(this.ringA[this.pos], this.ringB[this.pos]));
    else {
      if (this.count === this.ringA.length) this.grow();
      this.count++;
    }
    this.ringA[this.pos] = a;
    this.ringB[this.pos] = b;
    this.pos = this.pos + 1 === this.cap ? 0 : this.pos + 1;
    let i = a & this.mask;
    while (this.used[i] === 1) i = (i + 1) & this.mask;
    this.used[i] = 1;
    this.a[i] = a;
    this.b[i] = b;
    return i;
  }

  /**
   * Doubles the slots (rehashing every entry) and the ring. Before the table first fills, entries
   * sit in the ring in the order they were added from position 0, so the ring is simply copied.
   */
  private grow(): void {
    const size = Math.min(this.a.length * 2, slotsFor(this.cap));
    const oldA = this.a;
    const oldB = this.b;
    const oldUsed = this.used;
    this.a = new Int32Array(size);
    this.b = new Int32Array(size);
    this.used = new Uint8Array(size);
    this.mask = size - 1;
    this.resized(size);
    for (let j = 0; j < oldUsed.length; j++) {
      if (oldUsed[j] === 0) continue;
      let i = oldA[j] & this.mask;
      while (this.used[i] === 1) i = (i + 1) & this.mask;
      this.used[i] = 1;
      this.a[i] = oldA[j];
      this.b[i] = oldB[j];
      this.moved(j, i, true);
    }
    this.ringA = copyInto(new Int32Array(Math.min(this.cap, size / 2)), this.ringA);
    this.ringB = copyInto(new Int32Array(this.ringA.length), this.ringB);
  }

  /** Frees a slot, moving back each following entry that may no longer be reachable from its home. */
  private remove(slot: number): void {
    let free = slot;
    this.used[free] = 0;
    for (let j = (free + 1) & this.mask; this.used[j] === 1; j = (j + 1) & this.mask) {
      const home = this.a[j] & this.mask;
      // The entry stays when its home lies cyclically in (free, j]: probing from home still finds it.
      const stays = free <= j ? free < home && home <= j : free < home || home <= j;
      if (stays) continue;
      this.moved(j, free, false);
      this.used[free] = 1;
      this.a[free] = this.a[j];
      this.b[free] = this.b[j];
      this.used[j] = 0;
      free = j;
    }
  }

  /**
   * For subclasses that keep values beside the slots: the entry at `from` now lives at `to`.
   * During a resize (`resizing`), `from` is a slot of the arrays that `resized` replaced.
   */
  protected moved(_from: number, _to: number, _resizing: boolean): void {}

  /** For subclasses: the slots are being resized to `size`; each entry then moves through `moved`. */
  protected resized(_size: number): void {}
}

const INITIAL_SLOTS = 32;

/** Slots for `cap` entries at most half full: the power of two at or above twice the cap. */
function slotsFor(cap: number): number {
  let size = 2;
  while (size < 2 * cap) size *= 2;
  return size;
}

function copyInto(to: Int32Array, from: Int32Array): Int32Array {
  to.set(from);
  return to;
}

/** A bounded set of strings by fingerprint (see FingerprintTable for the eviction order). */
export class FingerprintSet extends FingerprintTable {
  /** Whether a fingerprint (from `fingerprint`, kept by the caller) is in the set. */
  hasFp(a: number, b: number): boolean {
    return this.slotOf(a, b) >= 0;
  }

  has(key: string): boolean {
    fingerprint(key);
    return this.slotOf(FP.a, FP.b) >= 0;
  }

  addFp(a: number, b: number): void {
    if (this.slotOf(a, b) < 0) this.insert(a, b);
  }

  add(key: string): void {
    fingerprint(key);
    this.addFp(FP.a, FP.b);
  }
}

/** A bounded map from strings (by fingerprint) to non-negative integers; -1 means absent. */
export class FingerprintIntMap extends FingerprintTable {
  private values: Int32Array;
  private previous: Int32Array = new Int32Array(0);

  constructor(cap: number) {
    super(cap);
    this.values = new Int32Array(this.a.length);
  }

  get(key: string): number {
    fingerprint(key);
    const slot = this.slotOf(FP.a, FP.b);
    return slot < 0 ? -1 : this.values[slot];
  }

  /** Sets the value; a key already present keeps its place in the eviction order. */
  set(key: string, value: number): void {
    fingerprint(key);
    let slot = this.slotOf(FP.a, FP.b);
    if (slot < 0) slot = this.insert(FP.a, FP.b);
    this.values[slot] = value;
  }

  protected override resized(size: number): void {
    this.previous = this.values;
    this.values = new Int32Array(size);
  }

  protected override moved(from: number, to: number, resizing: boolean): void {
    this.values[to] = (resizing ? this.previous : this.values)[from];
  }
}
