import type { DetectionConfig } from './config.js';
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
  /** Hard bounces that came back while the place was still unfamiliar (see `blameUnfamiliar`). */
  bounced: number;
}

/**
 * Used over `establishHours`, at least twice, and its mail does not bounce: a place where the
 * account's mail keeps hitting addresses that do not exist is where a harvested list is worked
 * from, however long it has been used (an attacker pacing a stolen password over days).
 */
export function established(f: Footing | undefined, ts: number, cfg: DetectionConfig['network']): boolean {
  return f !== undefined && f.uses >= 2 && ts - f.first >= cfg.establishHours * HOUR && !bouncesTooMuch(f);
}

/** Two hard bounces or more, one for every ten messages or fewer: not a typo on a trip. */
function bouncesTooMuch(f: Footing): boolean {
  return f.bounced >= 2 && f.bounced * 10 > f.uses;
}

/**
 * A hard bounce of the account's mail counts against every place it used within the last
 * `establishHours` that is not yet established, since the bounce does not say which place sent
 * the message. An established place is left alone: one typo at the office must not unsettle home.
 */
export function blameUnfamiliar(map: BoundedMap<Footing>, ts: number, cfg: DetectionConfig['network']): void {
  for (const f of map.values()) if (ts - f.last <= cfg.establishHours * HOUR && !established(f, ts, cfg)) f.bounced++;
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
