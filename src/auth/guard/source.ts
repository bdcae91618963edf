/**
 * Who is attempting: the "source" that failure counters and bans are keyed by, and the office
 * networks that are trusted.
 *
 * An IPv4 address is one source. An IPv6 source is its /64 (configurable): a single customer
 * line or cloud instance routinely holds a whole /64 and can rotate through 2^64 addresses, so
 * counting per address would let one attacker look like countless sources.
 */
import { BlockList, isIP, isIPv4 } from 'node:net';

/** "::ffff:192.0.2.1" (IPv4 on a dual-stack socket) is the IPv4 client 192.0.2.1. */
export function canonicalIp(ip: string): string {
  const bare = ip.trim().replace(/%.*$/, '').replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  return mapped ? mapped[1] : bare.toLowerCase();
}

/** Eight 16-bit groups of an IPv6 address, with "::" expanded; undefined when not IPv6. */
function ipv6Groups(ip: string): number[] | undefined {
  if (isIP(ip) !== 6) return undefined;
  let text = ip;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const t = parse(tail);
  return tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/** The key a client is counted under: "192.0.2.7", or "2001:db8:1:2::/64". */
export function sourceKey(ip: string, ipv6Prefix = 64): string {
  const c = canonicalIp(ip);
  const groups = ipv6Groups(c);
  if (!groups) return c;
  const masked = groups.map((g, i) => {
    const bits = Math.max(0, Math.min(16, ipv6Prefix - i * 16));
    return bits === 0 ? 0 : g & (0xffff << (16 - bits)) & 0xffff;
  });
  return `${compress(masked)}/${ipv6Prefix}`;
}

/** Shortest text for a masked prefix: trailing zero groups become "::". */
function compress(groups: number[]): string {
  let end = groups.length;
  while (end > 0 && groups[end - 1] === 0) end--;
  const head = groups.slice(0, end).map((g) => g.toString(16)).join(':');
  return end === groups.length ? head : `${head}::`;
}

/** Parses "10.0.0.0/8", "2001:db8::/32" or a single address; undefined when malformed. */
export function parseCidr(entry: string): { net: string; prefix: number; type: 'ipv4' | 'ipv6' } | undefined {
  const [addr, len, extra] = entry.trim().split('/');
  if (extra !== undefined || !addr) return undefined;
  const net = canonicalIp(addr);
  const family = isIP(net);
  if (!family) return undefined;
  const max = family === 4 ? 32 : 128;
  const prefix = len === undefined ? max : Number(len);
  if (!/^\d+$/.test(len ?? String(max)) || prefix > max) return undefined;
  return { net, prefix, type: family === 4 ? 'ipv4' : 'ipv6' };
}

/** The trusted office networks (the guard never bans or throttles them by address). */
export class AllowList {
  private readonly list = new BlockList();
  private readonly empty: boolean;

  constructor(cidrs: readonly string[]) {
    for (const entry of cidrs) {
      const parsed = parseCidr(entry);
      if (!parsed) throw new RangeError(`invalid CIDR in auth guard allow-list / 許可リストの CIDR が不正です: ${entry}`);
      this.list.addSubnet(parsed.net, parsed.prefix, parsed.type);
    }
    this.empty = cidrs.length === 0;
  }

  has(ip: string): boolean {
    if (this.empty) return false;
    const c = canonicalIp(ip);
    if (!isIP(c)) return false;
    return this.list.check(c, isIPv4(c) ? 'ipv4' : 'ipv6');
  }
}
