/**
 * Sorted, non-overlapping address ranges in typed arrays, searched by binary search: a look-up is
 * about 20 comparisons over a few hundred thousand ranges, with no object per range, so the
 * tables cost a few megabytes instead of the hundreds an array of objects would.
 */

/** Parses the "-num.csv" format of ip-location-db: `start,end,value[,rest]`, numbers in decimal. */
type ValueOf = (value: string, rest: string) => number;

export class RangeTable {
  private constructor(
    private readonly starts: Uint32Array | BigUint64Array,
    private readonly ends: Uint32Array | BigUint64Array,
    private readonly values: Int32Array | Float64Array,
  ) {}

  get size(): number {
    return this.values.length;
  }

  /**
   * IPv4 rows keep their 32-bit numbers; IPv6 rows keep the upper 64 bits (the /64), since no
   * allocation in the data is finer than that.
   */
  static parse(csv: string, ipv6: boolean, valueOf: ValueOf): RangeTable {
    const rows = countLines(csv);
    const starts = ipv6 ? new BigUint64Array(rows) : new Uint32Array(rows);
    const ends = ipv6 ? new BigUint64Array(rows) : new Uint32Array(rows);
    const values = new Float64Array(rows);
    let n = 0;
    let pos = 0;
    while (pos < csv.length) {
      let eol = csv.indexOf('\n', pos);
      if (eol < 0) eol = csv.length;
      const c1 = csv.indexOf(',', pos);
      const c2 = c1 < 0 ? -1 : csv.indexOf(',', c1 + 1);
      if (c2 > 0 && c2 < eol) {
        let c3 = csv.indexOf(',', c2 + 1);
        if (c3 < 0 || c3 > eol) c3 = eol;
        const value = valueOf(csv.slice(c2 + 1, c3).trim(), c3 < eol ? csv.slice(c3 + 1, eol) : '');
        if (value >= 0) {
          if (ipv6) {
            (starts as BigUint64Array)[n] = BigInt(csv.slice(pos, c1)) >> 64n;
            (ends as BigUint64Array)[n] = BigInt(csv.slice(c1 + 1, c2)) >> 64n;
          } else {
            (starts as Uint32Array)[n] = Number(csv.slice(pos, c1));
            (ends as Uint32Array)[n] = Number(csv.slice(c1 + 1, c2));
          }
          values[n++] = value;
        }
      }
      pos = eol + 1;
    }
    return new RangeTable(starts.slice(0, n), ends.slice(0, n), values.slice(0, n));
  }

  /** The table's arrays, to be written to a file of ranges (`GeoDb.writeRanges`). */
  arrays(): [Uint32Array | BigUint64Array, Uint32Array | BigUint64Array, Float64Array] {
    return [this.starts, this.ends, this.values as Float64Array];
  }

  /** A table over arrays read back from such a file (views, not copies). */
  static of(starts: Uint32Array | BigUint64Array, ends: Uint32Array | BigUint64Array, values: Float64Array): RangeTable {
    return new RangeTable(starts, ends, values);
  }

  /** The value of the range holding `key`, or null. */
  find(key: number | bigint): number | null {
    const { starts, ends } = this;
    let lo = 0;
    let hi = starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] <= key) {
        at = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return at >= 0 && key <= ends[at] ? this.values[at] : null;
  }
}

function countLines(s: string): number {
  let n = 1;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

export function ipv4ToNumber(ip: string): number {
  const [a, b, c, d] = ip.split('.').map(Number);
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

/** The upper 64 bits of an IPv6 address (its /64 prefix), as a bigint. */
export function ipv6Prefix64(ip: string): bigint {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  let out = 0n;
  for (let i = 0; i < 4; i++) out = (out << 16n) | BigInt(parseInt(groups[i] || '0', 16) || 0);
  return out;
}
