import { setTimeout as sleep } from 'node:timers/promises';
import { CredentialCache } from '../auth/credential-cache.js';
import type { CredentialOptions } from '../auth/credentials.js';
import { AuthGuard, attemptKey, type GuardEvent } from '../auth/guard/index.js';
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
  return {
    async before({ ip, account, password }) {
      const decision = guard.check({ ip, account, attemptKey: attemptKey(password) });
      if (decision.event) onEvent(decision.event);
      if (decision.action === 'deny') return new GatewayError(decision.error ?? 'AUTH_THROTTLED');
      if (decision.action === 'delay' && decision.delayMs) await sleep(decision.delayMs);
      return null;
    },
    after({ ip, account, password, ok }) {
      const result = guard.record({ ip, account, ok, attemptKey: attemptKey(password) });
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
