/**
 * A map whose entries expire and whose size is capped, so that a flood of attempts from many
 * addresses or against many account names cannot grow the guard's memory without bound.
 *
 * Two generations: writes go to the young map; when it holds half the cap, it becomes the old
 * map and the previous old map is dropped whole. Entries written recently survive (LRU by
 * write), every operation is O(1), and nothing ever iterates over the entries on the hot path
 * (iterating a Map from the front after many deletions is slow in V8). Dropping a generation
 * forgets some failures of idle keys, which is the price of a hard memory ceiling; bans and
 * lockouts live in their own maps, which a flood of single failures does not write to.
 */
interface Entry<V> {
  value: V;
  expires: number;
}

export class BoundedMap<V> {
  private young = new Map<string, Entry<V>>();
  private old = new Map<string, Entry<V>>();
  private readonly half: number;

  constructor(cap: number) {
    this.half = Math.max(1, Math.floor(cap / 2));
  }

  /** Never more than the cap passed to the constructor. */
  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: string, now: number): V | undefined {
    const entry = this.young.get(key) ?? this.old.get(key);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, expires: number, _now?: number): void {
    this.old.delete(key);
    this.young.set(key, { value, expires });
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  delete(key: string): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  /** Removes every entry whose key starts with `prefix` (administrator resets; not on the hot path). */
  deletePrefix(prefix: string): void {
    for (const map of [this.young, this.old]) {
      for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key);
    }
  }
}
