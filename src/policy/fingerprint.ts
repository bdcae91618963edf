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
 * `String.prototype.charCodeAt`, called through `.call`. V8 keeps a string's representation in its
 * hidden class (one-byte or two-byte, flat, sliced, concatenated, internalised...), and this loop
 * sees strings of every kind: recipients, domains sliced from them, subjects, account names. A
 * plain `s.charCodeAt(i)` looks the method up through the hidden class on every character, and
 * past four kinds the look-up turns megamorphic: a generic call per character (measured: +11 % of
 * a whole replay when one more kind of string came through). Called through `.call`, the optimiser
 * knows the function and reads the character directly, whatever the kind; `length` is read once.
 */
const charCodeAt = String.prototype.charCodeAt;

/**
 * FNV-1a and a multiply–rotate hash of the UTF-16 code units, in one pass, seeded so that the
 * kinds of key a table may hold (subjects, body hashes, the ends of subjects) never share a
 * fingerprint.
 */
export function fingerprint(s: string, seed = 0): void {
  fingerprintRange(s, 0, s.length, seed);
}

/** `fingerprint(s.slice(from, to), seed)`, without making the slice. */
export function fingerprintRange(s: string, from: number, to: number, seed: number): void {
  let a = 0x811c9dc5 ^ seed;
  let b = 0x9e3779b9 ^ Math.imul(seed + 1, 0x85ebca6b) ^ (to - from);
  for (let i = from; i < to; i++) {
    const c = charCodeAt.call(s, i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0xcc9e2d51);
    b = (b << 15) | (b >>> 17);
  }
  FP.a = a | 0;
  FP.b = second(a, b);
}

/** The second half of a fingerprint from its running state; (0, 0) marks a free slot in the tables below. */
function second(a: number, b: number): number {
  b ^= b >>> 16;
  b = Math.imul(b, 0x85ebca6b);
  b ^= b >>> 13;
  return (b | 0) === 0 && (a | 0) === 0 ? 1 : b | 0;
}

/**
 * A string as one number: 52 bits of its fingerprint, an exact integer, so that a set of them
 * compares keys by value without reading any string. For the small sets of recipient domains an
 * account mails within an hour: stored strings would each be an object of their own (often a
 * slice that keeps the whole recipient alive), fetched from memory at every scan. Two domains of
 * one account collide with a chance below 1 in 10^9 per pair of sets of 4,096.
 */
export function keyOf(s: string, seed = 0): number {
  fingerprint(s, seed);
  return (FP.a >>> 0) * 0x100000 + (FP.b >>> 12);
}

/**
 * For a string of ASCII characters, with `lower` the string in lower case: leaves
 * `fingerprint(lower)` in FP and answers `keyOf(lower.slice(from), seed)`, in one pass and
 * without making `lower` or its slice: for recipient addresses, nearly all lower case already,
 * where folding each one and slicing off its domain made two strings per recipient, and hashing
 * the slice read each character through the string it was cut from. Answers -1, with FP left
 * undefined, at the first character outside ASCII: only toLowerCase knows the lower case of
 * those (some even change length).
 */
export function fingerprintLower(s: string, from: number, seed: number): number {
  const n = s.length;
  // The starting state of `fingerprint(lower)` (seed 0).
  let a = 0x811c9dc5;
  let b = 0x9e3779b9 ^ 0x85ebca6b ^ n;
  let ka = 0x811c9dc5 ^ seed;
  let kb = 0x9e3779b9 ^ Math.imul(seed + 1, 0x85ebca6b) ^ (n - from);
  for (let i = 0; i < n; i++) {
    let c = charCodeAt.call(s, i);
    if (c > 127) return -1;
    // "A" to "Z": one unsigned comparison.
    if ((c - 65) >>> 0 < 26) c += 32;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0xcc9e2d51);
    b = (b << 15) | (b >>> 17);
    if (i < from) continue;
    ka = Math.imul(ka ^ c, 0x01000193);
    kb = Math.imul(kb ^ c, 0xcc9e2d51);
    kb = (kb << 15) | (kb >>> 17);
  }
  FP.a = a | 0;
  FP.b = second(a, b);
  return (ka >>> 0) * 0x100000 + (second(ka, kb) >>> 12);
}

/**
 * The slots of a fingerprint table, with first-in-first-out eviction: at most `cap` entries, the
 * earliest added forgotten first; adding an entry already present keeps its place in that order.
 */
export class FingerprintTable {
  /**
   * Slot i holds its fingerprint at [2i, 2i + 1]; (0, 0) marks a free slot (`fingerprint` never
   * yields it). The two halves side by side cost one cache miss per probe in a large table, where
   * separate arrays would cost one each.
   */
  protected keys: Int32Array;
  protected mask: number;
  /** Entries in the order they were added, for eviction, laid out like `keys` (grown with the table until `cap`). */
  private ring: Int32Array;
  private pos = 0;
  private count = 0;

  /**
   * Tables start small and double as they fill, up to room for `cap` entries: most accounts
   * mail a few hundred people, and a table sized for the cap up front would cost every account
   * the memory of the busiest one.
   */
  constructor(readonly cap: number) {
    const size = Math.min(INITIAL_SLOTS, slotsFor(cap));
    this.keys = new Int32Array(2 * size);
    this.mask = size - 1;
    this.ring = new Int32Array(2 * Math.min(cap, size / 2));
  }

  get size(): number {
    return this.count;
  }

  /** Number of slots (twice the entries the table holds before it grows). */
  protected get slots(): number {
    return this.mask + 1;
  }

  clear(): void {
    this.keys.fill(0);
    this.pos = 0;
    this.count = 0;
  }

  /** The slot holding the fingerprint, or -1. */
  protected slotOf(a: number, b: number): number {
    const keys = this.keys;
    for (let i = a & this.mask; ; i = (i + 1) & this.mask) {
      const ka = keys[2 * i];
      const kb = keys[2 * i + 1];
      if (ka === a && kb === b) return i;
      if (ka === 0 && kb === 0) return -1;
    }
  }

  /** Puts a fingerprint known to be absent, evicting the earliest when full; returns its slot. */
  protected insert(a: number, b: number): number {
    if (this.count === this.cap) this.remove(this.slotOf(this.ring[2 * this.pos], this.ring[2 * this.pos + 1]));
    else {
      if (2 * this.count === this.ring.length) this.grow();
      this.count++;
    }
    this.ring[2 * this.pos] = a;
    this.ring[2 * this.pos + 1] = b;
    this.pos = this.pos + 1 === this.cap ? 0 : this.pos + 1;
    const i = this.freeSlotFor(a);
    this.keys[2 * i] = a;
    this.keys[2 * i + 1] = b;
    return i;
  }

  /** The first free slot probing from the home of `a`. */
  private freeSlotFor(a: number): number {
    const keys = this.keys;
    let i = a & this.mask;
    while (keys[2 * i] !== 0 || keys[2 * i + 1] !== 0) i = (i + 1) & this.mask;
    return i;
  }

  /**
   * Doubles the slots (rehashing every entry) and the ring. Before the table first fills, entries
   * sit in the ring in the order they were added from position 0, so the ring is simply copied.
   */
  private grow(): void {
    const size = Math.min(2 * this.slots, slotsFor(this.cap));
    const old = this.keys;
    this.keys = new Int32Array(2 * size);
    this.mask = size - 1;
    this.resized(size);
    for (let j = 0; j < old.length / 2; j++) {
      const a = old[2 * j];
      const b = old[2 * j + 1];
      if (a === 0 && b === 0) continue;
      const i = this.freeSlotFor(a);
      this.keys[2 * i] = a;
      this.keys[2 * i + 1] = b;
      this.moved(j, i, true);
    }
    const ring = new Int32Array(2 * Math.min(this.cap, size / 2));
    ring.set(this.ring);
    this.ring = ring;
  }

  /** Frees a slot, moving back each following entry that may no longer be reachable from its home. */
  private remove(slot: number): void {
    const keys = this.keys;
    let free = slot;
    keys[2 * free] = 0;
    keys[2 * free + 1] = 0;
    for (let j = (free + 1) & this.mask; keys[2 * j] !== 0 || keys[2 * j + 1] !== 0; j = (j + 1) & this.mask) {
      const home = keys[2 * j] & this.mask;
      // The entry stays when its home lies cyclically in (free, j]: probing from home still finds it.
      const stays = free <= j ? free < home && home <= j : free < home || home <= j;
      if (stays) continue;
      this.moved(j, free, false);
      keys[2 * free] = keys[2 * j];
      keys[2 * free + 1] = keys[2 * j + 1];
      keys[2 * j] = 0;
      keys[2 * j + 1] = 0;
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
    this.values = new Int32Array(this.slots);
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
