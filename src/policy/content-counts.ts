/**
 * How often one account sent the same subject or body within a day: at most `cap` keys (subjects
 * and body hashes together), the earliest learnt forgotten first, like a BoundedMap.
 *
 * Most body hashes are seen once, so nearly every message inserts one key and evicts another. A
 * Map spends more on that churn (an entry object, a tombstone, a rehash now and then) than on the
 * look-up itself; this table keeps everything in flat arrays and allocates nothing per message.
 * It is open addressing with linear probing, at most half full, and deletes by shifting the
 * following entries back, so no tombstones build up.
 */
export class ContentCounts {
  /** Per slot: the key (undefined when free), its kind, its hash, and the two counts. */
  private readonly keys: (string | undefined)[];
  private readonly kinds: Uint8Array;
  private readonly hashes: Int32Array;
  readonly first: Float64Array;
  readonly weight: Float64Array;
  private readonly mask: number;
  /** Keys in the order they were learnt, for eviction. */
  private readonly ringKeys: string[] = [];
  private readonly ringKinds: Uint8Array;
  private readonly ringHashes: Int32Array;
  private pos = 0;

  constructor(private readonly cap: number) {
    let size = 2;
    while (size < 2 * cap) size *= 2;
    this.keys = new Array<string | undefined>(size).fill(undefined);
    this.kinds = new Uint8Array(size);
    this.hashes = new Int32Array(size);
    this.first = new Float64Array(size);
    this.weight = new Float64Array(size);
    this.mask = size - 1;
    this.ringKinds = new Uint8Array(cap);
    this.ringHashes = new Int32Array(cap);
  }

  /** The key last passed to `find` and its hash, for the `insert` that usually follows a miss. */
  private lastKey = '';
  private lastKind = -1;
  private lastHash = 0;

  /** The slot of the key, or -1. */
  find(kind: number, key: string): number {
    this.lastKey = key;
    this.lastKind = kind;
    this.lastHash = hashOf(kind, key);
    return this.findHashed(kind, key, this.lastHash);
  }

  private findHashed(kind: number, key: string, hash: number): number {
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const k = this.keys[i];
      if (k === undefined) return -1;
      if (k === key && this.kinds[i] === kind) return i;
    }
  }

  /** Adds a key that `find` did not find, forgetting the earliest learnt one when full. */
  insert(kind: number, key: string, first: number, weight: number): void {
    const h = key === this.lastKey && kind === this.lastKind ? this.lastHash : hashOf(kind, key);
    if (this.ringKeys.length < this.cap) this.ringKeys.push(key);
    else {
      this.remove(this.findHashed(this.ringKinds[this.pos], this.ringKeys[this.pos], this.ringHashes[this.pos]));
      this.ringKeys[this.pos] = key;
    }
    this.ringKinds[this.pos] = kind;
    this.ringHashes[this.pos] = h;
    this.pos = (this.pos + 1) % this.cap;
    let i = h & this.mask;
    while (this.keys[i] !== undefined) i = (i + 1) & this.mask;
    this.put(i, key, kind, h, first, weight);
  }

  clear(): void {
    this.keys.fill(undefined);
    this.ringKeys.length = 0;
    this.pos = 0;
  }

  /** Frees a slot, moving back each following entry that may no longer be reachable from its home. */
  private remove(slot: number): void {
    let free = slot;
    this.keys[free] = undefined;
    for (let j = (free + 1) & this.mask; this.keys[j] !== undefined; j = (j + 1) & this.mask) {
      const home = this.hashes[j] & this.mask;
      // The entry stays when its home lies cyclically in (free, j]: probing from home still finds it.
      const stays = free <= j ? free < home && home <= j : free < home || home <= j;
      if (stays) continue;
      this.put(free, this.keys[j] as string, this.kinds[j], this.hashes[j], this.first[j], this.weight[j]);
      this.keys[j] = undefined;
      free = j;
    }
  }

  private put(i: number, key: string, kind: number, hash: number, first: number, weight: number): void {
    this.keys[i] = key;
    this.kinds[i] = kind;
    this.hashes[i] = hash;
    this.first[i] = first;
    this.weight[i] = weight;
  }
}

/** FNV-1a over the UTF-16 code units, seeded by the kind. */
function hashOf(kind: number, key: string): number {
  let h = kind === 0 ? 0x811c9dc5 : 0x050c5d1f;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}
