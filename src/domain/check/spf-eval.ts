/**
 * A small SPF reader (RFC 7208) for the posture check: parses records, counts the DNS-querying
 * terms across includes and redirects (the limit of 10, §4.6.4), and evaluates whether a given IP
 * would pass. It is not a receiver's SPF engine: macros are not expanded and ptr never matches.
 */
import { BlockList, isIP } from 'node:net';
import { lookup, txtWith, type Resolver } from './types.js';

export interface Term {
  qualifier: '+' | '-' | '~' | '?';
  name: string;
  value: string;
}

export interface ParsedSpf {
  terms: Term[];
  redirect?: string;
  errors: string[];
}

const MECHANISMS = new Set(['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists']);
/** §4.6.4: the terms that cost a DNS query. */
export const LOOKUP_TERMS = new Set(['include', 'a', 'mx', 'ptr', 'exists']);

export function parseSpf(record: string): ParsedSpf {
  const [, ...rest] = record.trim().split(/\s+/);
  const out: ParsedSpf = { terms: [], errors: [] };
  for (const raw of rest) {
    const mod = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(raw);
    if (mod) {
      if (mod[1].toLowerCase() === 'redirect') out.redirect = mod[2];
      continue;
    }
    const m = /^([+\-~?]?)([a-z0-9]+)(?::(.*?))?(\/.*)?$/i.exec(raw);
    const name = m?.[2].toLowerCase() ?? '';
    if (!m || !MECHANISMS.has(name)) {
      out.errors.push(raw);
      continue;
    }
    const qualifier = (m[1] || '+') as Term['qualifier'];
    out.terms.push({ qualifier, name, value: `${m[3] ?? ''}${m[4] ?? ''}` });
  }
  return out;
}

export interface SpfContext {
  resolver: Resolver;
  /** Records already fetched, by domain (lower case). */
  cache: Map<string, string[]>;
  /** Domains whose lookup failed (not absent: SERVFAIL, timeout). */
  failed: string[];
}

export async function spfRecords(ctx: SpfContext, domain: string): Promise<string[]> {
  const key = domain.toLowerCase();
  const hit = ctx.cache.get(key);
  if (hit) return hit;
  const res = await txtWith(ctx.resolver, key, /^v=spf1(\s|$)/i);
  const value = res.ok ? res.value : [];
  if (!res.ok) ctx.failed.push(res.error);
  ctx.cache.set(key, value);
  return value;
}

/** Lookups the record of `domain` costs, includes and redirects followed (loops stop at the depth cap). */
export async function countLookups(ctx: SpfContext, domain: string, depth = 0): Promise<number> {
  const [record] = await spfRecords(ctx, domain);
  if (!record || depth > 10) return 0;
  const spf = parseSpf(record);
  let n = 0;
  for (const t of spf.terms) {
    if (!LOOKUP_TERMS.has(t.name)) continue;
    n += 1;
    if (t.name === 'include' && !t.value.includes('%')) n += await countLookups(ctx, t.value, depth + 1);
  }
  if (spf.redirect && !spf.terms.some((t) => t.name === 'all')) n += 1 + (await countLookups(ctx, spf.redirect, depth + 1));
  return n;
}

/** `a` and `mx` take `domain/cidr4//cidr6`, every part optional (§5.6). */
function splitCidr(value: string, fallback: string): { target: string; v4: number; v6: number } {
  const m = /^([^/]*)(?:\/(\d+))?(?:\/\/(\d+))?$/.exec(value);
  return { target: m?.[1] || fallback, v4: m?.[2] ? Number(m[2]) : 32, v6: m?.[3] ? Number(m[3]) : 128 };
}

function inNet(ip: string, net: string, prefix: number): boolean {
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if ((isIP(net) === 6 ? 'ipv6' : 'ipv4') !== family || !isIP(net)) return false;
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return list.check(ip, family);
}

async function addressesOf(ctx: SpfContext, host: string, ip: string): Promise<string[]> {
  const res = await lookup(() => (isIP(ip) === 6 ? ctx.resolver.resolve6(host) : ctx.resolver.resolve4(host)));
  return res.ok ? res.value : [];
}

async function termMatches(ctx: SpfContext, t: Term, domain: string, ip: string, depth: number): Promise<boolean> {
  const cidr = splitCidr(t.value, domain);
  const prefix = isIP(ip) === 6 ? cidr.v6 : cidr.v4;
  switch (t.name) {
    case 'all':
      return true;
    case 'ip4':
    case 'ip6':
      return inNet(ip, t.value.split('/')[0], t.value.includes('/') ? Number(t.value.split('/')[1]) : t.name === 'ip4' ? 32 : 128);
    case 'a':
      return (await addressesOf(ctx, cidr.target, ip)).some((a) => inNet(ip, a, prefix));
    case 'mx': {
      const mx = await lookup(() => ctx.resolver.resolveMx(cidr.target));
      for (const m of mx.ok ? mx.value : []) {
        if ((await addressesOf(ctx, m.exchange, ip)).some((a) => inNet(ip, a, prefix))) return true;
      }
      return false;
    }
    case 'include':
      return (await evaluateSpf(ctx, t.value, ip, depth + 1)) === 'pass';
    case 'exists': {
      if (t.value.includes('%')) return false;
      const res = await lookup(() => ctx.resolver.resolve4(t.value));
      return res.ok && res.value.length > 0;
    }
    default:
      return false;
  }
}

const RESULT = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' } as const;
export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none';

/** What a receiver would conclude for mail from `ip` (§4.6), within this reader's limits. */
export async function evaluateSpf(ctx: SpfContext, domain: string, ip: string, depth = 0): Promise<SpfResult> {
  const [record] = await spfRecords(ctx, domain);
  if (!record || depth > 10) return 'none';
  const spf = parseSpf(record);
  for (const t of spf.terms) {
    if (await termMatches(ctx, t, domain, ip, depth)) return RESULT[t.qualifier];
  }
  if (spf.redirect) return evaluateSpf(ctx, spf.redirect, ip, depth + 1);
  return 'neutral';
}
