/**
 * Next-hop resolution: the relay, or the recipient domain's mail exchangers (RFC 5321 §5.1).
 * DNS failure policy: a name that does not exist fails permanently, a null MX (RFC 7505) fails
 * permanently, anything else (SERVFAIL, timeout, refused) defers: DNS outages are transient.
 */
import type { DeliveryConfig } from './config.js';
import type { Classified } from './classify.js';

export interface MxResolver {
  resolveMx(name: string): Promise<Array<{ exchange: string; priority: number }>>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

/** How TLS is used on a connection to this hop. */
export type TlsMode = 'opportunistic' | 'required' | 'implicit' | 'none';

export interface NextHop {
  /** Name of the host: the MX name or the relay; used for SNI and in events. */
  name: string;
  /** Where to connect: an IP address for MX hops, the configured host for a relay. */
  address: string;
  port: number;
  tls: TlsMode;
  rejectUnauthorized: boolean;
  auth?: { user: string; pass: string };
}

export type Route = { ok: true; hops: NextHop[] } | { ok: false; result: Classified };

/** Hosts tried per attempt: enough for a few MX with two addresses each, bounded against huge RRsets. */
const MAX_HOPS = 10;

const NOT_FOUND = new Set(['ENOTFOUND', 'NXDOMAIN']);
const NO_DATA = new Set(['ENODATA', 'NODATA']);

function fail(status: string, reply: string, reason: string): Route {
  return { ok: false, result: { disposition: 'failed', code: null, status, reply, reason } };
}

function defer(status: string, reply: string): Route {
  return { ok: false, result: { disposition: 'deferred', code: null, status, reply, reason: 'networkerror' } };
}

function codeOf(err: unknown): string {
  return String((err as { code?: unknown })?.code ?? 'ERROR');
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('DNS timeout'), { code: 'ETIMEOUT' })), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function smarthostRoute(config: DeliveryConfig): Route {
  const s = config.smarthost;
  if (!s.host) return defer('4.3.5', 'delivery mode is smarthost but delivery.smarthost.host is not set');
  const tls: TlsMode = s.security === 'tls' ? 'implicit' : s.security === 'starttls' ? 'required' : 'none';
  const hop: NextHop = { name: s.host, address: s.host, port: s.port, tls, rejectUnauthorized: s.rejectUnauthorized };
  if (s.user) hop.auth = { user: s.user, pass: s.password };
  return { ok: true, hops: [hop] };
}

/** Addresses of one host, IPv4 first: IPv6 senders face stricter checks at large receivers. */
async function addressesOf(resolver: MxResolver, host: string, ms: number): Promise<{ ips: string[]; errors: string[] }> {
  const errors: string[] = [];
  const settle = async (p: Promise<string[]>) => {
    try {
      return await withTimeout(p, ms);
    } catch (err) {
      errors.push(codeOf(err));
      return [];
    }
  };
  const [v4, v6] = await Promise.all([settle(resolver.resolve4(host)), settle(resolver.resolve6(host))]);
  return { ips: [...v4, ...v6], errors };
}

/** RFC 5321 §5.1: lower preference first; equal preferences in random order to spread load. */
function sortMx(records: Array<{ exchange: string; priority: number }>) {
  return records
    .map((r) => ({ ...r, tie: Math.random() }))
    .sort((a, b) => a.priority - b.priority || a.tie - b.tie)
    .map((r) => r.exchange.replace(/\.$/, '').toLowerCase());
}

async function lookupMx(resolver: MxResolver, domain: string, ms: number) {
  try {
    return { records: await withTimeout(resolver.resolveMx(domain), ms) };
  } catch (err) {
    return { error: codeOf(err) };
  }
}

export async function mxRoute(domain: string, config: DeliveryConfig, resolver: MxResolver): Promise<Route> {
  const ms = config.timeouts.dnsMs;
  const found = await lookupMx(resolver, domain, ms);
  if (found.error && NOT_FOUND.has(found.error)) {
    return fail('5.1.2', `domain ${domain} does not exist (DNS ${found.error})`, 'hostunknown');
  }
  if (found.error && !NO_DATA.has(found.error)) return defer('4.4.3', `MX lookup for ${domain} failed (DNS ${found.error})`);
  const records = found.records ?? [];
  if (records.length === 1 && /^\.?$/.test(records[0].exchange)) {
    return fail('5.1.10', `domain ${domain} does not accept mail (null MX, RFC 7505)`, 'notaccept');
  }
  // RFC 5321 §5.1: no MX at all -> the domain itself is the implicit MX.
  const hosts = records.length ? sortMx(records.filter((r) => !/^\.?$/.test(r.exchange))) : [domain];
  return hopsFor(hosts, domain, records.length === 0, config, resolver);
}

async function hopsFor(hosts: string[], domain: string, implicit: boolean, config: DeliveryConfig, resolver: MxResolver) {
  const required = config.requireTls.some((d) => d.toLowerCase() === domain);
  const hops: NextHop[] = [];
  const errors: string[] = [];
  for (const host of hosts) {
    const { ips, errors: e } = await addressesOf(resolver, host, config.timeouts.dnsMs);
    errors.push(...e);
    for (const ip of ips) {
      hops.push({
        name: host,
        address: ip,
        port: config.mxPort,
        tls: required ? 'required' : 'opportunistic',
        rejectUnauthorized: config.tlsRejectUnauthorized,
      });
    }
    if (hops.length >= MAX_HOPS) break;
  }
  if (hops.length) return { ok: true, hops: hops.slice(0, MAX_HOPS) } as Route;
  const allAbsent = errors.every((e) => NOT_FOUND.has(e) || NO_DATA.has(e));
  if (implicit && allAbsent) return fail('5.1.2', `domain ${domain} has no MX and no address record`, 'hostunknown');
  return defer('4.4.3', `no address for the mail exchangers of ${domain} (${[...new Set(errors)].join(', ') || 'empty'})`);
}

/** The route for one destination; `domain` is ignored in smarthost mode. */
export function resolveRoute(domain: string, config: DeliveryConfig, resolver: MxResolver): Promise<Route> {
  return config.mode === 'smarthost' ? Promise.resolve(smarthostRoute(config)) : mxRoute(domain, config, resolver);
}
