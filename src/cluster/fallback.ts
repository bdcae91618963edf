import type { DetectionConfig, Limits } from '../policy/config.js';
import { domainKey, LimitCounters, resolveLimits } from '../policy/limits.js';
import { domainsOf } from './counters.js';

/** Accounts whose counters this node keeps; the oldest is forgotten first beyond this. */
const MAX_ACCOUNTS = 50_000;

/**
 * This node's own count of what it admitted, for the time Redis is unreachable. It is fed on
 * every admitted message, also while Redis is up, so that it already knows the last minutes
 * when Redis goes away. Its limits are the cluster limits divided by `divisor`: each node now
 * sees only its share of an account's traffic, and an attacker spreading over N nodes would
 * otherwise get N times the allowance.
 */
export class FallbackLimiter {
  private readonly counters = new Map<string, { counters: LimitCounters; limits: Limits }>();

  constructor(
    private readonly detection: DetectionConfig,
    private readonly divisor: number,
  ) {}

  /** The first tightened limit this message would cross, or null. */
  exceeded(account: string, rcpts: readonly string[], now = Date.now()): string | null {
    const entry = this.entry(account);
    const domains = domainsOf(rcpts).map(domainKey);
    const fresh = domains.filter((d) => !entry.counters.domainsHour.has(d)).length;
    const hit = entry.counters.exceeded(entry.limits, now, rcpts.length, fresh);
    return hit ? `${hit}; limits divided by ${this.divisor} while Redis is unreachable` : null;
  }

  record(account: string, rcpts: readonly string[], now = Date.now()): void {
    this.entry(account).counters.record(now, rcpts.length, domainsOf(rcpts).map(domainKey));
  }

  private entry(account: string): { counters: LimitCounters; limits: Limits } {
    let entry = this.counters.get(account);
    if (entry) return entry;
    const limits = tightened(resolveLimits(this.detection, account), this.divisor);
    entry = { counters: new LimitCounters(Math.max(limits.domainsPerHour + 1, 64)), limits };
    if (this.counters.size >= MAX_ACCOUNTS) this.counters.delete(this.counters.keys().next().value as string);
    this.counters.set(account, entry);
    return entry;
  }
}

/** Every rate limit divided, never below one; the per-message recipient cap stays as it is. */
export function tightened(limits: Limits, divisor: number): Limits {
  const cut = (n: number) => Math.max(1, Math.floor(n / divisor));
  return {
    messagesPerMinute: cut(limits.messagesPerMinute),
    messagesPerHour: cut(limits.messagesPerHour),
    messagesPerDay: cut(limits.messagesPerDay),
    recipientsPerMinute: cut(limits.recipientsPerMinute),
    recipientsPerHour: cut(limits.recipientsPerHour),
    recipientsPerDay: cut(limits.recipientsPerDay),
    recipientsPerMessage: limits.recipientsPerMessage,
    domainsPerHour: cut(limits.domainsPerHour),
  };
}
