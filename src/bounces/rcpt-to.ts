import { GatewayError } from '../errors/catalogue.js';
import type { BouncesConfig } from './config.js';
import { RETURN_PATH_PREFIX, verifyReturnPath } from './return-path.js';

export interface BounceToken {
  queueId: string;
  rcptIndex: number;
}

/** Why the listener accepted or refused one RCPT TO, and what to record about a refusal. */
export type RcptDecision =
  | { accept: true; kind: 'bounce'; token: BounceToken }
  | { accept: true; kind: 'report' }
  | { accept: false; error: GatewayError; event?: { code: 'bounce:forged-token' | 'bounce:expired-token'; reason: string } };

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * The domains return paths are issued under: the configured bounce domain and the per-domain
 * ones, or "bounces.<sender domain>" when none is configured. Any other domain is refused
 * before the MAC is even computed, so the listener never looks like a relay for it.
 */
function isBounceDomain(domain: string, cfg: BouncesConfig): boolean {
  if (Object.values(cfg.perDomain).some((d) => d.toLowerCase() === domain)) return true;
  if (cfg.domain) return cfg.domain.toLowerCase() === domain;
  return domain.startsWith(`${RETURN_PATH_PREFIX}.`);
}

export function isReportAddress(address: string, cfg: BouncesConfig): boolean {
  const a = address.toLowerCase();
  return cfg.reportAddresses.some((r) => r.toLowerCase() === a);
}

/** Verifies a signed return path; `now` is when the bounce arrived, not when it is handled. */
export function verifyBounceAddress(address: string, cfg: BouncesConfig, now = new Date()): ReturnType<typeof verifyReturnPath> {
  const domain = domainOf(address);
  if (!cfg.secret || !isBounceDomain(domain, cfg)) return { ok: false, reason: 'not-bounce-address' };
  return verifyReturnPath(address, { secrets: [cfg.secret, ...cfg.previousSecrets], bounceDomain: domain, maxAgeDays: cfg.maxAgeDays, now });
}

/**
 * RCPT TO on the bounce listener: only signed return paths that verify, and the configured
 * report addresses. Everything else is refused, so the listener is never an open relay and a
 * forged bounce never reaches the bounce-rate signal.
 */
export function checkBounceRecipient(address: string, cfg: BouncesConfig, now = new Date()): RcptDecision {
  if (isReportAddress(address, cfg)) return { accept: true, kind: 'report' };
  const v = verifyBounceAddress(address, cfg, now);
  if (v.ok) return { accept: true, kind: 'bounce', token: { queueId: v.queueId, rcptIndex: v.rcptIndex } };
  if (v.reason === 'forged') {
    return { accept: false, error: new GatewayError('BOUNCE_TOKEN_FORGED', { address }), event: { code: 'bounce:forged-token', reason: v.reason } };
  }
  if (v.reason === 'expired') {
    return {
      accept: false,
      error: new GatewayError('BOUNCE_TOKEN_EXPIRED', { address, days: cfg.maxAgeDays }),
      event: { code: 'bounce:expired-token', reason: v.reason },
    };
  }
  return { accept: false, error: new GatewayError('BOUNCE_NO_SUCH_ADDRESS', { address }) };
}

/** The first verified token among the envelope recipients (or the addresses a mailbox copy names). */
export function tokenOf(addresses: string[], cfg: BouncesConfig, now: Date): BounceToken | null {
  for (const address of addresses) {
    const v = verifyBounceAddress(address, cfg, now);
    if (v.ok) return { queueId: v.queueId, rcptIndex: v.rcptIndex };
  }
  return null;
}
