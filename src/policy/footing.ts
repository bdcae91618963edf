import type { DetectionConfig } from './config.js';
import { keyOf } from './fingerprint.js';
import type { BoundedMap } from './window.js';

const HOUR = 3_600_000;

/**
 * Where an account stands: the IPs, networks, countries and clients its accepted mail came from
 * (logins and stopped mail do not count). A place becomes part of the account's footing only
 * after mail has come from it over `establishHours`, so that an attacker's first hour from a new
 * network is never treated as home.
 */
export interface Footing {
  first: number;
  last: number;
  uses: number;
  /** Whether the organisation counts this account at the place (see `rememberOrigin`). */
  taught: boolean;
  /** Hard bounces of mail sent from the place while it was young (see `youngTag`). */
  bounced: number;
  /** 15 bits of the place's key, 1-32767: the place of an accepted message, for its bounces (`youngTag`). */
  tag: number;
}

/** The `tag` of a place's key. */
export function placeTag(key: string): number {
  return (keyOf(key) % 0x7fff) + 1;
}

/**
 * Used over `establishHours`, at least twice, and its mail does not bounce: a place where the
 * account's mail keeps hitting addresses that do not exist is where a harvested list is worked
 * from, however long it has been used (an attacker pacing a stolen password over days).
 */
export function established(f: Footing | undefined, ts: number, cfg: DetectionConfig['network']): boolean {
  // Bounces: fewer than two, or fewer than one for every ten messages (a typo on a trip).
  return f !== undefined && f.uses >= 2 && ts - f.first >= cfg.establishHours * HOUR && (f.bounced < 2 || f.bounced * 10 <= f.uses);
}

/**
 * Not yet established, or first used within the last week: a place whose bounces count against it.
 * A place of longer standing is left alone: a few typos at the office must not unsettle home.
 */
function young(f: Footing, ts: number, cfg: DetectionConfig['network']): boolean {
  return ts - f.first < YOUNG_MS || !established(f, ts, cfg);
}

const YOUNG_MS = 7 * 24 * HOUR;

/**
 * The network and country of an accepted message, as one number to remember it by for its bounces
 * (network tag in the low 16 bits, country tag in the high ones, each 0 for a place of long
 * standing), or 0 when both are of long standing, the usual case, which nothing need remember.
 */
export function youngTag(net: Footing, country: Footing | undefined, ts: number, cfg: DetectionConfig['network']): number {
  return (young(net, ts, cfg) ? net.tag : 0) | (country !== undefined && young(country, ts, cfg) ? country.tag << 16 : 0);
}

/**
 * A hard bounce of a message sent from a young place (`youngTag`) counts against that network and
 * country: a place that became "usual" on the second day of a list paced up slowly is unsettled
 * again by the bounces that follow.
 */
export function blameYoung(networks: BoundedMap<Footing>, countries: BoundedMap<Footing>, tag: number, ts: number, cfg: DetectionConfig['network']): void {
  const net = tag & 0xffff;
  const country = tag >>> 16;
  if (net !== 0) for (const f of networks.values()) if (f.tag === net && young(f, ts, cfg)) f.bounced++;
  if (country !== 0) for (const f of countries.values()) if (f.tag === country && young(f, ts, cfg)) f.bounced++;
}

/**
 * True when any network of the account is established: it has a home to compare with. Once true
 * it stays true (the flag is kept by the caller), so the scan runs only while an account is young.
 */
export function hasEstablished(map: BoundedMap<Footing>, ts: number, cfg: DetectionConfig['network']): boolean {
  for (const f of map.values()) if (established(f, ts, cfg)) return true;
  return false;
}

export function hasHome(a: { hasHome: boolean; networks: BoundedMap<Footing> }, ts: number, cfg: DetectionConfig['network']): boolean {
  if (!a.hasHome) a.hasHome = hasEstablished(a.networks, ts, cfg);
  return a.hasHome;
}

/**
 * The network an address belongs to: its autonomous system when the gateway knows it, else the
 * IPv4 /24 or IPv6 /48 (the usual allocation to one customer), so that DHCP churn inside one
 * provider's block does not look like a new origin.
 */
const prefixes = new Map<string, string>();
let prefixV4 = NaN;
let prefixV6 = NaN;
/** `AS<n>` by number: the same string each time, so the maps it keys hash it once, not per event. */
const asNames = new Map<number, string>();

export function networkOf(ip: string, asn: number | undefined, cfg: DetectionConfig['network']): string {
  if (asn !== undefined) {
    let name = asNames.get(asn);
    if (name === undefined) {
      if (asNames.size > 50_000) asNames.clear();
      name = `AS${asn}`;
      asNames.set(asn, name);
    }
    return name;
  }
  // Pure caches (same input, same output), keyed by the address alone while the prefix lengths
  // stay the same, and cleared wholesale to stay bounded.
  if (cfg.ipv4Prefix !== prefixV4 || cfg.ipv6Prefix !== prefixV6) {
    prefixV4 = cfg.ipv4Prefix;
    prefixV6 = cfg.ipv6Prefix;
    prefixes.clear();
  }
  let net = prefixes.get(ip);
  if (net === undefined) {
    if (prefixes.size > 50_000) prefixes.clear();
    net = prefixOf(ip, cfg);
    prefixes.set(ip, net);
  }
  return net;
}

function prefixOf(ip: string, cfg: DetectionConfig['network']): string {
  if (ip.includes(':')) return ipv6Prefix(ip, cfg.ipv6Prefix);
  const parts = ip.split('.');
  if (parts.length !== 4) return ip;
  const bits = Math.max(8, Math.min(32, cfg.ipv4Prefix));
  const value = ((+parts[0] << 24) | (+parts[1] << 16) | (+parts[2] << 8) | +parts[3]) >>> 0;
  const masked = bits === 32 ? value : (value & (~0 << (32 - bits))) >>> 0;
  return `${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}/${bits}`;
}

function ipv6Prefix(ip: string, bits: number): string {
  const [head, tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  const keep = Math.max(1, Math.min(8, Math.ceil(bits / 16)));
  return `${groups.slice(0, keep).map((g) => parseInt(g || '0', 16).toString(16)).join(':')}::/${bits}`;
}
