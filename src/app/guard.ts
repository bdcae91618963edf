import { setTimeout as sleep } from 'node:timers/promises';
import { CredentialCache } from '../auth/credential-cache.js';
import type { CredentialOptions } from '../auth/credentials.js';
import { AuthGuard, SourceGate, attemptKey, sourceKey, type GuardEvent } from '../auth/guard/index.js';
import type { LoadedConfig } from '../cli/context.js';
import { GatewayError } from '../errors/catalogue.js';
import type { GuardPort } from './pipeline.js';

/** Process-wide count of argon2 verifications on the SMTP path, for metrics, tests and benchmarks. */
export const authWork = { argon2: 0 };

/**
 * Puts the brute-force guard in front of credential checks: a banned source is refused before
 * any argon2 work, a suspicious one is slowed down, and a device repeating one stale password
 * gets a reply that says so.
 */
export function createGuard(config: LoadedConfig, onEvent: (e: GuardEvent) => void = () => {}): GuardPort {
  const guard = new AuthGuard(config.auth.guard);
  const gate = new SourceGate(guard.config.maxConcurrentPerSource);
  const held = new Map<string, (() => void)[]>();
  const ask = (ip: string, account: string, key: string) => {
    const decision = guard.check({ ip, account, attemptKey: key });
    if (decision.event) onEvent(decision.event);
    return decision;
  };
  return {
    async before({ ip, account, password }) {
      const key = attemptKey(password);
      const first = ask(ip, account, key);
      if (first.action === 'deny') return new GatewayError(first.error ?? 'AUTH_THROTTLED');
      // The delay is served outside the gate, so a slowed attacker does not hold up others at the same source.
      if (first.action === 'delay' && first.delayMs) await sleep(first.delayMs);
      const release = await gate.enter(sourceKey(ip, guard.config.ipv6PrefixLength));
      // Failures recorded while this attempt waited may have banned the source meanwhile.
      const second = ask(ip, account, key);
      if (second.action === 'deny') {
        release();
        return new GatewayError(second.error ?? 'AUTH_THROTTLED');
      }
      const id = `${ip}\u0000${account}\u0000${key}`;
      held.set(id, [...(held.get(id) ?? []), release]);
      return null;
    },
    after({ ip, account, password, ok }) {
      const key = attemptKey(password);
      const id = `${ip}\u0000${account}\u0000${key}`;
      const releases = held.get(id);
      const result = guard.record({ ip, account, ok, attemptKey: key });
      releases?.shift()?.();
      if (releases?.length === 0) held.delete(id);
      for (const e of result.events) onEvent(e);
      return result.stale ? new GatewayError('AUTH_STALE_PASSWORD') : null;
    },
  };
}

/** The credential cache of this node and the argon2 counter. */
export function credentialOptions(config: LoadedConfig): CredentialOptions {
  const cache = new CredentialCache({ ttlMs: config.auth.credentialCacheSeconds * 1000, maxEntries: config.auth.credentialCacheEntries });
  return { cache, onHash: () => void authWork.argon2++ };
}
