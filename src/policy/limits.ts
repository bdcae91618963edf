import type { DetectionConfig, Limits } from './config.js';
import { fingerprintLower, keyOf } from './fingerprint.js';
import { RecentSet, RollingCounter, STATE, type SlotBank } from './window.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Whether an account is a declared bulk sender (config list, account flag or group flag). */
export function isBulk(cfg: DetectionConfig, account: string): boolean {
  if (cfg.bulkSenders.includes(account) || cfg.accounts[account]?.bulk) return true;
  return groupsOf(cfg, account).some((g) => cfg.groups[g]?.bulk);
}

function groupsOf(cfg: DetectionConfig, account: string): string[] {
  const named = cfg.accounts[account]?.group;
  const member = Object.keys(cfg.groups).filter((g) => cfg.groups[g].members.includes(account));
  return named && !member.includes(named) ? [...member, named] : member;
}

/** Defaults (or the bulk allowance), then each group's overrides, then the account's own. */
export function resolveLimits(cfg: DetectionConfig, account: string): Limits {
  const limits: Limits = { ...(isBulk(cfg, account) ? cfg.bulkLimits : cfg.limits) };
  for (const g of groupsOf(cfg, account)) Object.assign(limits, defined(cfg.groups[g]?.limits));
  Object.assign(limits, defined(cfg.accounts[account]?.limits));
  return limits;
}

function defined(o: object | undefined): object {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined));
}

/** A recipient domain (lower-cased) as the key the hour's domain sets keep (see `keyOf`). */
export const domainKey = (domain: string): number => keyOf(domain, DOMAIN_SEED);
const DOMAIN_SEED = 2;

/**
 * The domain of an address: what follows its last "@" (a quoted local part may hold one too), or
 * the whole string when it has none. Found with indexOf, which compiled code calls directly;
 * lastIndexOf is a call into the runtime, once for every recipient of every submission.
 */
export function domainOf(address: string): string {
  return address.slice(domainStart(address));
}

/** Where the domain of an address starts (see `domainOf`): after its last "@", else 0. */
export function domainStart(address: string): number {
  let at = address.indexOf('@');
  for (let next = at; next >= 0; next = address.indexOf('@', at + 1)) at = next;
  return at + 1;
}

/**
 * For an address of ASCII characters (nearly every one), with `lower` the address in lower case:
 * answers `domainKey(domainOf(lower))` and leaves `fingerprint(lower)` in FP, in one pass and
 * without making `lower` or its domain (see `fingerprintLower`); `from` is `domainStart(address)`.
 * Answers -1 for an address with any other character, whose lower case only toLowerCase knows.
 */
export function addressKeys(address: string, from: number): number {
  return fingerprintLower(address, from, DOMAIN_SEED);
}

const charCodeAt = String.prototype.charCodeAt;

/**
 * Whether the ASCII `address`, from `from` on and in lower case, is `domain` (what
 * `domainOf(address.toLowerCase()) === domain` says, without making the string). Characters are
 * read through `.call` for the reason given in fingerprint.ts.
 */
export function isDomainAt(address: string, from: number, domain: string): boolean {
  const n = domain.length;
  if (address.length - from !== n) return false;
  for (let i = 0; i < n; i++) {
    let c = charCodeAt.call(address, from + i);
    if ((c - 65) >>> 0 < 26) c += 32;
    if (c !== charCodeAt.call(domain, i)) return false;
  }
  return true;
}

export const LIMIT_SLOTS = 2 * (12 + 30 + 48) + 6 * STATE;

/** Counters of accepted traffic against which the hard limits are checked. */
export class LimitCounters {
  readonly msgMinute: RollingCounter;
  readonly msgHour: RollingCounter;
  readonly msgDay: RollingCounter;
  readonly rcptMinute: RollingCounter;
  readonly rcptHour: RollingCounter;
  readonly rcptDay: RollingCounter;
  /** Recipient domains, by `domainKey`. */
  readonly domainsHour: RecentSet;

  /** Takes LIMIT_SLOTS slots from `bank`. */
  constructor(cap: number, bank?: SlotBank) {
    this.msgMinute = new RollingCounter(MINUTE, 12, bank);
    this.msgHour = new RollingCounter(HOUR, 30, bank);
    this.msgDay = new RollingCounter(DAY, 48, bank);
    this.rcptMinute = new RollingCounter(MINUTE, 12, bank);
    this.rcptHour = new RollingCounter(HOUR, 30, bank);
    this.rcptDay = new RollingCounter(DAY, 48, bank);
    this.domainsHour = new RecentSet(HOUR, cap);
  }

  record(ts: number, rcpts: number, domains: readonly number[]): void {
    this.msgMinute.add(ts);
    this.msgHour.add(ts);
    this.msgDay.add(ts);
    this.rcptMinute.add(ts, rcpts);
    this.rcptHour.add(ts, rcpts);
    this.rcptDay.add(ts, rcpts);
    for (const d of domains) this.domainsHour.add(d, ts);
  }

  /** The first limit this submission would cross, as a reason, or null when within all. */
  exceeded(limits: Limits, ts: number, rcpts: number, newDomains: number): string | null {
    if (rcpts > limits.recipientsPerMessage)
      return `over limit: ${rcpts} recipients in one message (limit ${limits.recipientsPerMessage})`;
    const hit =
      over(this.msgMinute, ts, 1, limits.messagesPerMinute, 'messages in a minute') ??
      over(this.msgHour, ts, 1, limits.messagesPerHour, 'messages in an hour') ??
      over(this.msgDay, ts, 1, limits.messagesPerDay, 'messages in a day') ??
      over(this.rcptMinute, ts, rcpts, limits.recipientsPerMinute, 'recipients in a minute') ??
      over(this.rcptHour, ts, rcpts, limits.recipientsPerHour, 'recipients in an hour') ??
      over(this.rcptDay, ts, rcpts, limits.recipientsPerDay, 'recipients in a day');
    if (hit) return hit;
    const domains = this.domainsHour.count(ts) + newDomains;
    if (domains > limits.domainsPerHour)
      return `over limit: ${domains} recipient domains in an hour (limit ${limits.domainsPerHour})`;
    return null;
  }
}

/** The reason when `add` more would take the counter over `limit`, else null (no closure per check). */
function over(counter: RollingCounter, ts: number, add: number, limit: number, what: string): string | null {
  const total = counter.sum(ts) + add;
  return total > limit ? `over limit: ${Math.round(total)} ${what} (limit ${limit})` : null;
}
