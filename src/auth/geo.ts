/**
 * Offline IP-to-country and IP-to-network (ASN) look-ups for the login-anomaly signals.
 *
 * Data: the ip-location-db packages on npm, refreshed upstream daily and updated here by updating
 * the packages (`npm update @ip-location-db/asn @ip-location-db/asn-country`); nothing is
 * downloaded at install or run time. `asn` maps ranges to the autonomous system and its
 * organisation (RouteViews and DB-IP data, CC BY 4.0); `asn-country` maps ranges to the country
 * where that network is registered (CC0). Registration country is right for the access networks
 * that people log in from (a Vietnamese ISP is VN); a cloud range may show its owner's country,
 * which the ASN signal covers.
 *
 * The tables are loaded on first use (about a second, some 40 MB of CSV parsed into typed
 * arrays of a few MB each) and searched by binary search. IPv6 is looked up by its /64, which is
 * finer than any range the data holds. Loopback, private, shared, link-local, documentation and
 * multicast addresses give null: they say nothing about where a person is.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { canonicalIp } from './guard/source.js';
import { RangeTable, ipv4ToNumber, ipv6Prefix64 } from './geo-ranges.js';

export interface GeoInfo {
  /** ISO 3166-1 alpha-2 code, e.g. "VN". */
  country: string | null;
  asn: number | null;
  asName: string | null;
}

/** Ranges that say nothing about where a person is: RFC 6890 special-purpose blocks. */
const NON_PUBLIC_V4: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 3],
];
/** IPv6, by /64 prefix: unspecified and loopback (::/64), ULA, link-local, documentation, multicast. */
const NON_PUBLIC_V6: [string, number][] = [['::', 64], ['fc00::', 7], ['fe80::', 10], ['2001:db8::', 32], ['ff00::', 8]];

const v4Ranges = NON_PUBLIC_V4.map(([net, bits]) => {
  const start = ipv4ToNumber(net);
  return [start, start + 2 ** (32 - bits) - 1] as const;
});
const v6Ranges = NON_PUBLIC_V6.map(([net, bits]) => {
  const start = ipv6Prefix64(net);
  return [start, start + (1n << BigInt(64 - bits)) - 1n] as const;
});

/** The search key of a public address (IPv4 number or IPv6 /64), or null for any other. */
function publicKey(ip: string): { v4: boolean; key: number | bigint } | null {
  const c = canonicalIp(ip);
  const family = isIP(c);
  if (family === 4) {
    const key = ipv4ToNumber(c);
    return v4Ranges.some(([a, b]) => key >= a && key <= b) ? null : { v4: true, key };
  }
  if (family !== 6) return null;
  const key = ipv6Prefix64(c);
  return v6Ranges.some(([a, b]) => key >= a && key <= b) ? null : { v4: false, key };
}

/** True for addresses that no geolocation applies to (private, loopback, documentation...). */
export function isNonPublic(ip: string): boolean {
  return publicKey(ip) === null;
}

interface Tables {
  country4: RangeTable;
  country6: RangeTable;
  asn4: RangeTable;
  asn6: RangeTable;
  names: Map<number, string>;
}

/** The four tables in the order of a file of ranges. */
const TABLES = ['country4', 'country6', 'asn4', 'asn6'] as const;
const RANGES_MAGIC = 'mailwarden-geo-ranges 1';

export class GeoDb {
  private tables: Tables | null = null;

  /**
   * Directory of each data package (tests may point at small fixtures), and optionally a file of
   * ranges made from those packages by `writeRanges`, read in milliseconds where parsing the CSV
   * takes a quarter of a second; without AS names. Used when it was made from the packages'
   * installed versions, else the CSV is parsed.
   */
  constructor(
    private readonly dirs: { asn: string; country: string } = packageDirs(),
    private readonly rangesFile?: string,
  ) {}

  lookup(ip: string): GeoInfo | null {
    const k = publicKey(ip);
    if (!k) return null;
    const t = this.load();
    const { v4, key } = k;
    const country = (v4 ? t.country4 : t.country6).find(key);
    const asn = (v4 ? t.asn4 : t.asn6).find(key);
    if (country === null && asn === null) return null;
    return { country: country === null ? null : decodeCountry(country), asn, asName: asn === null ? null : (t.names.get(asn) ?? null) };
  }

  /** Loads the tables now (at start-up, rather than during the first login). */
  load(): Tables {
    if (this.tables) return this.tables;
    const fromFile = this.rangesFile === undefined ? null : readRanges(this.rangesFile, this.versions());
    if (fromFile) return (this.tables = fromFile);
    const names = new Map<number, string>();
    const read = (dir: string, file: string) => readFileSync(join(dir, file), 'latin1');
    this.tables = {
      country4: RangeTable.parse(read(this.dirs.country, 'asn-country-ipv4-num.csv'), false, encodeCountry),
      country6: RangeTable.parse(read(this.dirs.country, 'asn-country-ipv6-num.csv'), true, encodeCountry),
      asn4: RangeTable.parse(read(this.dirs.asn, 'asn-ipv4-num.csv'), false, (v, rest) => asnValue(v, rest, names)),
      asn6: RangeTable.parse(read(this.dirs.asn, 'asn-ipv6-num.csv'), true, (v, rest) => asnValue(v, rest, names)),
      names,
    };
    return this.tables;
  }

  /**
   * Writes the parsed tables to `file` (no AS names): a header line with the data packages'
   * versions and each table's length, then the tables' arrays as they sit in memory.
   */
  writeRanges(file: string): void {
    const t = this.load();
    const arrays = TABLES.flatMap((name) => t[name].arrays());
    const header = `${JSON.stringify({ magic: RANGES_MAGIC, versions: this.versions(), littleEndian: LITTLE_ENDIAN, rows: TABLES.map((name) => t[name].size) })}\n`;
    const head = Buffer.alloc(Math.ceil(Buffer.byteLength(header) / 8) * 8, ' ');
    head.write(header);
    // Each array padded to a multiple of 8 bytes, so that every one starts where a typed array may.
    const parts = arrays.flatMap((a) => [Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.alloc((8 - (a.byteLength % 8)) % 8)]);
    writeFileSync(file, Buffer.concat([head, ...parts]));
  }

  private versions(): string {
    const version = (dir: string) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
    return `asn ${version(this.dirs.asn)}, asn-country ${version(this.dirs.country)}`;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The tables of a file of ranges, or null if it is missing, damaged or made from other data. */
function readRanges(file: string, versions: string): Tables | null {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return null;
  }
  const eol = data.indexOf(10);
  if (eol < 0 || eol > 4096) return null;
  let header: { magic?: unknown; versions?: unknown; littleEndian?: unknown; rows?: unknown };
  try {
    header = JSON.parse(data.toString('latin1', 0, eol)) as typeof header;
  } catch {
    return null;
  }
  const rows = header.rows;
  if (header.magic !== RANGES_MAGIC || header.versions !== versions || header.littleEndian !== LITTLE_ENDIAN) return null;
  if (!Array.isArray(rows) || rows.length !== TABLES.length || !rows.every((n) => Number.isInteger(n) && n >= 0)) return null;
  // Typed arrays need aligned offsets: the file's arrays start at multiples of 8 from its start,
  // and a file this size is read into memory of its own, which starts aligned (else, a copy).
  const bytes = data.byteOffset % 8 === 0 ? data : Uint8Array.from(data);
  let at = Math.ceil((eol + 1) / 8) * 8;
  const take = <T>(make: (buffer: ArrayBuffer, offset: number, length: number) => T, n: number, width: number): T | null => {
    if (at + n * width > bytes.byteLength) return null;
    const view = make(bytes.buffer as ArrayBuffer, bytes.byteOffset + at, n);
    at += Math.ceil((n * width) / 8) * 8;
    return view;
  };
  const out: Partial<Tables> = { names: new Map() };
  for (let i = 0; i < TABLES.length; i++) {
    const n = rows[i] as number;
    const v6 = TABLES[i].endsWith('6');
    const key = (b: ArrayBuffer, o: number, len: number) => (v6 ? new BigUint64Array(b, o, len) : new Uint32Array(b, o, len));
    const starts = take(key, n, v6 ? 8 : 4);
    const ends = take(key, n, v6 ? 8 : 4);
    const values = take((b, o, len) => new Float64Array(b, o, len), n, 8);
    if (!starts || !ends || !values) return null;
    out[TABLES[i]] = RangeTable.of(starts, ends, values);
  }
  return at === bytes.byteLength ? (out as Tables) : null;
}

/** Country and network as events carry them: only what is known. */
export function locationOf(info: GeoInfo | null): { country?: string; asn?: number } {
  const out: { country?: string; asn?: number } = {};
  if (info?.country) out.country = info.country;
  if (info?.asn != null) out.asn = info.asn;
  return out;
}

function packageDirs(): { asn: string; country: string } {
  const require = createRequire(import.meta.url);
  return {
    asn: dirname(require.resolve('@ip-location-db/asn/package.json')),
    country: dirname(require.resolve('@ip-location-db/asn-country/package.json')),
  };
}

/** Two letters in one number, so the table is a typed array. */
function encodeCountry(code: string): number {
  return code.length === 2 ? (code.charCodeAt(0) << 8) | code.charCodeAt(1) : -1;
}

function decodeCountry(n: number): string {
  return String.fromCharCode(n >> 8, n & 0xff);
}

function asnValue(asn: string, rest: string, names: Map<number, string>): number {
  const n = Number(asn);
  if (!Number.isInteger(n)) return -1;
  if (!names.has(n)) names.set(n, unquote(rest));
  return n;
}

function unquote(field: string): string {
  const f = field.trim();
  return f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f;
}

let shared: GeoDb | null = null;

/** The process-wide database (tables loaded once, on first use). */
export function geoDb(): GeoDb {
  shared ??= new GeoDb();
  return shared;
}
