import { describe, expect, it } from 'vitest';
import { ContentCounts } from '../../../src/policy/content-counts.js';
import { FingerprintIntMap, FingerprintSet, FP, fingerprint, keyOf } from '../../../src/policy/fingerprint.js';
import { detectionConfigSchema } from '../../../src/policy/config.js';
import { addressKeys, domainKey, domainOf, domainStart, isDomainAt } from '../../../src/policy/limits.js';
import { OrgMemory } from '../../../src/policy/org.js';
import { parseTimestamp } from '../../../src/policy/timestamp.js';
import { ActiveHours, BoundedMap, DistinctSet, RecentSet, RollingCounter, SlotBank, STATE } from '../../../src/policy/window.js';

/** A small deterministic generator, so that a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('content counts', () => {
  it('remember and forget exactly the keys a bounded map with one prefix per kind would', () => {
    for (const cap of [1, 3, 8, 37]) {
      const rnd = prng(cap);
      const table = new ContentCounts(cap);
      const ref = new BoundedMap<number>(cap);
      for (let n = 0; n < 5000; n++) {
        const kind = rnd() < 0.5 ? 0 : 1;
        const key = `k${Math.floor(rnd() * cap * 3)}`;
        const slot = table.find(kind, key);
        const want = ref.get(`${kind}:${key}`);
        expect(slot < 0 ? undefined : table.weightAt(slot)).toBe(want);
        if (slot < 0) {
          table.add(n, n);
          ref.set(`${kind}:${key}`, n);
        }
      }
    }
  });

  it('start empty again after clear', () => {
    const table = new ContentCounts(4);
    table.find(1, 'abc');
    table.add(1, 2);
    table.clear();
    expect(table.find(1, 'abc')).toBe(-1);
  });
});

describe('fingerprint tables', () => {
  it('hold and forget exactly the keys a bounded map would, in the same order', () => {
    for (const cap of [1, 2, 5, 64]) {
      const rnd = prng(cap + 100);
      const set = new FingerprintSet(cap);
      const map = new FingerprintIntMap(cap);
      const ref = new BoundedMap<number>(cap);
      for (let n = 0; n < 20_000; n++) {
        // Mixed lengths, non-ASCII and near-identical keys: the cases a weak hash confuses.
        const key = `${rnd() < 0.2 ? 'ｔａｎａｋａ' : 'u'}${Math.floor(rnd() * cap * 4)}@c${Math.floor(rnd() * 3)}.example`;
        const want = ref.get(key);
        expect(set.has(key)).toBe(want !== undefined);
        expect(map.get(key)).toBe(want ?? -1);
        if (rnd() < 0.6) {
          set.add(key);
          map.set(key, n);
          // An update keeps the key's place in the eviction order, as the reference does.
          ref.set(key, n);
        }
        expect(set.size).toBe(ref.size);
      }
      set.clear();
      expect(set.size).toBe(0);
    }
  });

  it('tell apart a million distinct recipients', () => {
    const set = new FingerprintSet(1_000_000);
    for (let i = 0; i < 1_000_000; i++) set.add(`user${i}@customer${i % 997}.example`);
    expect(set.size).toBe(1_000_000);
    let falsePositives = 0;
    for (let i = 0; i < 100_000; i++) if (set.has(`other${i}@customer${i % 997}.example`)) falsePositives++;
    expect(falsePositives).toBe(0);
  });

  it('give each of 200,000 domains its own key, an exact integer, the same each time', () => {
    const keys = new Set<number>();
    for (let i = 0; i < 200_000; i++) {
      const k = domainKey(`mail${i}.customer${i % 101}.example`);
      expect(Number.isSafeInteger(k) && k >= 0).toBe(true);
      keys.add(k);
    }
    expect(keys.size).toBe(200_000);
    expect(domainKey('customer.example')).toBe(domainKey('customer.example'));
  });
});

describe('event timestamps', () => {
  it('read exactly as Date.parse reads them, fixed form or not', () => {
    const rnd = prng(7);
    const pad = (v: number, n: number): string => String(v).padStart(n, '0');
    const pick = (n: number): number => Math.floor(rnd() * n);
    for (let i = 0; i < 20_000; i++) {
      const ms = rnd() < 0.5 ? `.${pad(pick(1000), 3)}` : '';
      const s = `${pad(rnd() < 0.1 ? pick(10_000) : 1960 + pick(100), 4)}-${pad(pick(14), 2)}-${pad(pick(33), 2)}T${pad(pick(25), 2)}:${pad(pick(61), 2)}:${pad(pick(61), 2)}${ms}Z`;
      expect(parseTimestamp(s)).toBe(Date.parse(s));
    }
    // Not digits where digits belong: the characters either side of 0-9, letters, full-width digits.
    const odd = ['2026-0a-05T09:00:00Z', '20/6-01-05T09:00:00Z', '2026-01-05T09:00:0:Z', '2026-01-05T09:00:00.1a5Z', '２０２６-01-05T09:00:00Z', '2026-01-05T09:00:00.-12Z'];
    for (const s of [...odd, '2026-01-05T09:00:00+09:00', '2026-01-05', '2026-01-05T09:00:00.1Z', '2026-02-31T00:00:00Z', 'soon', ''])
      expect(parseTimestamp(s)).toBe(Date.parse(s));
  });
});

describe('recent sets', () => {
  it('count what a plain scan of every key would count, with sweeps skipped or not', () => {
    const rnd = prng(11);
    const window = 60_000;
    const set = new RecentSet(window, 50);
    const ref = new Map<number, number>();
    let nextSweep = 0;
    let ts = 0;
    for (let n = 0; n < 20_000; n++) {
      ts += Math.floor(rnd() * (rnd() < 0.05 ? 5 * window : 2000));
      const key = keyOf(`d${Math.floor(rnd() * 40)}`);
      set.add(key, ts);
      ref.set(key, ts);
      if (rnd() < 0.3) {
        // The reference: expired keys dropped at most once per tenth of the window.
        if (ts >= nextSweep) {
          nextSweep = ts + window / 10;
          for (const [k, at] of [...ref]) if (at < ts - window) ref.delete(k);
        }
        expect(set.count(ts)).toBe(ref.size);
      }
    }
  });

  it('keep, sweep and evict the same keys as a map, at any cap', () => {
    for (const cap of [3, 10, 16, 17, 40, 700]) {
      const rnd = prng(cap * 7);
      const window = 60_000;
      const set = new RecentSet(window, cap);
      const ref = new MapRecentSet(window, cap);
      let ts = 0;
      let largest = 0;
      for (let n = 0; n < 20_000; n++) {
        // For the large cap, time moves slowly enough for the set to fill up.
        const big = cap > 100;
        ts += Math.floor(rnd() * (rnd() < (big ? 0.0005 : 0.05) ? 2 * window : big ? 20 : 3000));
        const key = keyOf(`d${Math.floor(rnd() * Math.max(60, 2 * cap))}`);
        const op = rnd();
        if (op < 0.6) {
          set.add(key, ts);
          ref.add(key, ts);
        } else if (op < 0.75) expect(set.has(key)).toBe(ref.has(key));
        else if (op < 0.8) {
          set.delete(key);
          ref.delete(key);
        } else if (op < (cap > 100 ? 0.8002 : 0.805)) {
          set.clear();
          ref.clear();
        } else expect(set.count(ts)).toBe(ref.count(ts));
        largest = Math.max(largest, set.size);
      }
      if (cap > 100) expect(largest).toBe(cap); // the large case does fill up
    }
  });
});

/** The map-only form of RecentSet, as the reference for the arrays it starts with. */
class MapRecentSet {
  private readonly seen = new Map<number, number>();
  private nextSweep = 0;
  private oldest = Infinity;
  private newest = -Infinity;

  constructor(
    private readonly windowMs: number,
    private readonly cap: number,
  ) {}

  add(key: number, ts: number): void {
    if (this.seen.size >= this.cap && !this.seen.has(key)) this.sweep(ts, true);
    this.seen.set(key, ts);
    this.oldest = Math.min(this.oldest, ts);
    this.newest = Math.max(this.newest, ts);
  }

  has(key: number): boolean {
    return this.seen.has(key);
  }

  delete(key: number): void {
    this.seen.delete(key);
  }

  clear(): void {
    this.seen.clear();
    this.oldest = Infinity;
    this.newest = -Infinity;
  }

  count(ts: number): number {
    if (ts >= this.nextSweep) this.sweep(ts, false);
    return this.seen.size;
  }

  private sweep(ts: number, full: boolean): void {
    this.nextSweep = ts + this.windowMs / 10;
    let cutoff = ts - this.windowMs;
    if (full) {
      const times = [...this.seen.values()].sort((a, b) => a - b);
      cutoff = Math.max(cutoff, times[Math.floor(times.length / 2)]);
    }
    if (!full && this.oldest >= cutoff) return;
    if (!full && this.newest < cutoff) return this.clear();
    let oldest = Infinity;
    for (const [key, at] of [...this.seen]) {
      if (at < cutoff || (full && at === cutoff)) this.seen.delete(key);
      else oldest = Math.min(oldest, at);
    }
    this.oldest = oldest;
  }
}

describe('distinct sets', () => {
  it('count as a Set does, below and above the size where they leave the array', () => {
    const rnd = prng(5);
    const set = new DistinctSet();
    const ref = new Set<number>();
    for (let n = 0; n < 10_000; n++) {
      if (rnd() < 0.02) {
        set.clear();
        ref.clear();
      }
      // Keys as domainKey makes them: integers of up to 52 bits, mostly beyond small integers.
      const key = 2 ** 40 + Math.floor(rnd() * (rnd() < 0.5 ? 10 : 40)) * 7_919;
      set.add(key);
      ref.add(key);
      expect(set.size).toBe(ref.size);
    }
  });
});

describe('domains of addresses', () => {
  it('take what follows the last "@", as lastIndexOf finds it, or the whole string without one', () => {
    for (const a of ['a@example.jp', '"a@b"@example.jp', 'a@b@c', '@example.jp', 'a@', 'no-at-sign', '', '@'])
      expect(domainOf(a)).toBe(a.slice(a.lastIndexOf('@') + 1));
  });

  it('are read from ASCII addresses as from the addresses in lower case, and left to toLowerCase otherwise', () => {
    const org = new OrgMemory(detectionConfigSchema.parse({ orgDomains: ['Example.CO.jp', 'sub.example.jp'] }));
    const rnd = prng(21);
    const parts = ['a', 'Z', 'suzuki.887c', 'INFO', '@', '@', '.', 'example', 'EXAMPLE', 'co', 'JP', 'jp', 'sub', '"q@x"', '-', '~', '[', '`', 'é', 'İ', '山田', 'ß'];
    for (let n = 0; n < 20_000; n++) {
      let address = '';
      for (let k = Math.floor(rnd() * 8); k > 0; k--) address += parts[Math.floor(rnd() * parts.length)];
      if (rnd() < 0.5) address += rnd() < 0.5 ? '@example.co.jp' : '@Sub.Example.JP';
      const from = domainStart(address);
      expect(from).toBe(address.lastIndexOf('@') + 1);
      const key = addressKeys(address, from);
      const fa = FP.a;
      const fb = FP.b;
      if (![...address].every((ch) => ch.charCodeAt(0) < 128)) {
        expect(key).toBe(-1);
        continue;
      }
      const lower = address.toLowerCase();
      const domain = domainOf(lower);
      expect(key).toBe(domainKey(domain));
      fingerprint(lower);
      expect([fa, fb]).toEqual([FP.a, FP.b]);
      expect(isDomainAt(address, from, 'example.co.jp')).toBe(domain === 'example.co.jp');
      expect(org.isOrgDomainAt(address, from, key)).toBe(org.domains.has(domain));
    }
  });
});

describe('rolling counters sharing one slot bank', () => {
  it('sum exactly as counters with buffers of their own, and stay apart (also the one past the bank)', () => {
    const bank = new SlotBank(2 * (STATE + 12));
    // The third counter does not fit in the bank and gets slots of its own.
    const shared = [new RollingCounter(60_000, 12, bank), new RollingCounter(600_000, 12, bank), new RollingCounter(3_600_000, 12, bank)];
    const own = [new RollingCounter(60_000, 12), new RollingCounter(600_000, 12), new RollingCounter(3_600_000, 12)];
    const rnd = prng(3);
    let ts = 0;
    for (let n = 0; n < 5000; n++) {
      ts += Math.floor(rnd() * 20_000);
      const i = Math.floor(rnd() * 3);
      const v = rnd() * 3;
      shared[i].add(ts, v);
      own[i].add(ts, v);
      if (rnd() < 0.01) {
        shared[i].reset();
        own[i].reset();
      }
      for (let k = 0; k < 3; k++) expect(shared[k].sum(ts)).toBe(own[k].sum(ts));
    }
  });

  it('sum exactly as slots and fields of their own would (their state kept beside the slots)', () => {
    // The plain form: the slots in an array, the state in fields.
    class Reference {
      readonly slots: number[];
      head = -1;
      at = 0;
      total = -0;
      lastTs = NaN;
      constructor(
        readonly windowMs: number,
        readonly n: number,
      ) {
        this.slots = new Array<number>(n).fill(0);
      }
      add(ts: number, v: number): void {
        this.advance(ts);
        this.slots[this.at] += v;
        this.total += v;
      }
      reset(): void {
        this.slots.fill(0);
        this.total = 0;
        this.head = -1;
        this.at = 0;
        this.lastTs = NaN;
      }
      sum(ts: number): number {
        this.advance(ts);
        return this.total < 1e-9 ? 0 : this.total;
      }
      advance(ts: number): void {
        if (ts === this.lastTs) return;
        this.lastTs = ts;
        const slot = Math.floor(ts / (this.windowMs / this.n));
        if (this.head < 0) {
          this.head = slot;
          this.at = ((slot % this.n) + this.n) % this.n;
          return;
        }
        if (slot <= this.head) return;
        if (slot - this.head >= this.n) {
          this.slots.fill(0);
          this.total = 0;
          this.at = ((slot % this.n) + this.n) % this.n;
        } else
          for (let s = this.head; s < slot; s++) {
            this.at = (this.at + 1) % this.n;
            this.total -= this.slots[this.at];
            this.slots[this.at] = 0;
          }
        this.head = slot;
      }
    }
    const bank = new SlotBank(1000);
    const shapes: [number, number][] = [[60_000, 12], [600_000, 20], [3_600_000, 30], [86_400_000, 48]];
    const counters = shapes.map(([w, n]) => new RollingCounter(w, n, bank));
    const refs = shapes.map(([w, n]) => new Reference(w, n));
    const rnd = prng(11);
    let ts = -5 * 60_000;
    for (let n = 0; n < 20_000; n++) {
      // Mostly small steps, now and then a gap longer than a window; times before 1970 too.
      ts += rnd() < 0.02 ? Math.floor(rnd() * 2 * 86_400_000) : Math.floor(rnd() * 30_000);
      const i = Math.floor(rnd() * shapes.length);
      const v = rnd() < 0.5 ? 1 : rnd() * 3;
      counters[i].add(ts, v);
      refs[i].add(ts, v);
      if (rnd() < 0.002) {
        counters[i].reset();
        refs[i].reset();
      }
      for (let k = 0; k < shapes.length; k++) expect(counters[k].sum(ts)).toBe(refs[k].sum(ts));
    }
    // Sparse use, as most accounts' counters see it: an add now and then, sums in between, gaps
    // of a few slots to a few windows (only the slots added to since they were cleared are cleared).
    for (let n = 0; n < 20_000; n++) {
      ts += Math.floor(rnd() * rnd() * 3 * 3_600_000);
      const i = Math.floor(rnd() * shapes.length);
      if (rnd() < 0.3) {
        const v = rnd() * 2;
        counters[i].add(ts, v);
        refs[i].add(ts, v);
      }
      expect(counters[i].sum(ts)).toBe(refs[i].sum(ts));
    }
  });

  it('report an empty window as 0, never as the negative zero their totals start from', () => {
    const c = new RollingCounter(60_000, 12);
    expect(Object.is(c.sum(1_000), 0)).toBe(true);
    c.add(2_000, 0.5);
    c.add(2_000, -0.5);
    expect(Object.is(c.sum(2_000), 0)).toBe(true);
    expect(Object.is(c.sum(600_000), 0)).toBe(true);
  });
});

describe('ActiveHours', () => {
  const H = 3_600_000;
  it('counts the clock hours of the last 24 in which something happened, this one included', () => {
    const a = new ActiveHours();
    expect(a.touch(0)).toBe(1);
    expect(a.touch(10 * 60_000)).toBe(1);
    expect(a.touch(H + 1)).toBe(2);
    for (let h = 2; h < 24; h++) a.touch(h * H);
    expect(a.touch(23 * H + 5)).toBe(24);
    // Hour 0 has left the window: hours 1-24. Six hours later: 7-24 and 30.
    expect(a.touch(24 * H)).toBe(24);
    expect(a.touch(30 * H)).toBe(19);
    expect(a.touch(60 * H)).toBe(1);
    a.clear();
    expect(a.touch(61 * H)).toBe(1);
  });
});
