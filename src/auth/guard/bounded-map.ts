/**
 * A map whose entries expire and whose size is capped, so that a flood of attempts from many
 * addresses or against many account names cannot grow the guard's memory without bound.
 *
 * Map iteration order is insertion order and every write re-inserts, so the first entry is the
 * least recently written: when full, that one is evicted (LRU by write). Evicting a counter
 * forgets some failures of an idle key, which is the price of a hard memory ceiling; bans and
 * lockouts live in their own maps, which a flood of single failures cannot fill.
 */
export class BoundedMap<V> {
  private readonly map = new Map<string, { value: V; expires: number }>();

  constructor(private readonly cap: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string, now: number): V | undefined {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.map.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, expires: number, now: number): void {
    this.map.delete(key);
    this.map.set(key, { value, expires });
    if (this.map.size > this.cap) this.evict(now);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** Drops expired entries among the oldest few first, then the oldest entry if still over the cap. */
  private evict(now: number): void {
    let looked = 0;
    for (const [key, entry] of this.map) {
      if (this.map.size <= this.cap || looked++ >= 16) break;
      if (entry.expires <= now) this.map.delete(key);
    }
    while (this.map.size > this.cap) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  /** Removes every entry whose key starts with `prefix` (used by the admin resets). */
  deletePrefix(prefix: string): void {
    for (const key of this.map.keys()) if (key.startsWith(prefix)) this.map.delete(key);
  }
}
