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
import { readFileSync } from 'node:fs';
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

export class GeoDb {
  private tables: Tables | null = null;

  /** Directory of each data package; tests may point at small fixtures. */
  constructor(private readonly dirs: { asn: string; country: string } = packageDirs()) {}

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
