import { setTimeout as sleep } from 'node:timers/promises';
import { CredentialCache } from '../auth/credential-cache.js';
import type { CredentialOptions } from '../auth/credentials.js';
import { AuthGuard, SourceGate, attemptKey, sourceKey, type GuardEvent } from '../auth/guard/index.js';
import { BAN_LIFTED, type BanLift } from '../auth/bans.js';
import { geoDb } from '../auth/geo.js';
import { LoginSignals } from '../auth/logins.js';
import type { LoadedConfig } from '../cli/context.js';
import type { Logger } from '../observability/logger.js';
import { RecordFollower } from '../storage/event-cursor.js';
import type { Store } from '../storage/ports/index.js';
import { GatewayError } from '../errors/catalogue.js';
import type { GuardPort } from './pipeline.js';

/** Process-wide count of argon2 verifications on the SMTP path, for metrics, tests and benchmarks. */
export const authWork = { argon2: 0 };

/**
 * Puts the brute-force guard in front of credential checks: a banned source is refused before
 * any argon2 work, a suspicious one is slowed down, and a device repeating one stale password
 * gets a reply that says so.
 */
export interface LocalGuard extends GuardPort {
  /**
   * A login another node of the cluster verified (from the event record): counted as if it had
   * been tried here, so that guessing spread over the nodes reaches the same delays and bans.
   * Repeats of a stale password never reach it (the record marks them).
   */
  learn(attempt: { ts: string; ip: string; account: string; ok: boolean }): void;
  /** Applies the lifts recorded by `mailwarden bans lift` (or another node) to this node's bans. */
  follow(store: Store, logger: Logger, intervalMs?: number): Promise<void>;
  stop(): void;
}

export function createGuard(config: LoadedConfig, onEvent: (e: GuardEvent) => void = () => {}): LocalGuard {
  const guard = new AuthGuard(config.auth.guard);
  const lifts = new LiftFollower(guard);
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
      if (first.action === 'delay' && first.delayMs) {
        onEvent({ code: 'auth:delayed', ts: Date.now(), source: sourceKey(ip, guard.config.ipv6PrefixLength), account, delayMs: first.delayMs });
        await sleep(first.delayMs);
      }
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
    learn({ ts, ip, account, ok }) {
      const now = Date.parse(ts);
      for (const e of guard.record({ ip, account, ok, now: Number.isFinite(now) ? now : undefined }).events) onEvent(e);
    },
    follow: (store, logger, intervalMs) => lifts.start(store, logger, intervalMs),
    stop: () => lifts.stop(),
  };
}

/** Location and login anomalies; anomaly events go to the event record like every other finding. */
export function loginSignals(config: LoadedConfig, store: Store, logger: Logger): LoginSignals {
  const record = (e: Parameters<Store['events']['append']>[0]) =>
    void store.events.append(e).catch((err: unknown) => logger.error({ err, code: e.code }, 'event could not be recorded'));
  return new LoginSignals(config.auth.geo ? geoDb() : null, config.auth.anomalies, record, logger);
}

/** Polls the event record for ban lifts; bans live in memory, so each node applies them itself. */
class LiftFollower {
  private follower: RecordFollower | null = null;

  constructor(private readonly guard: AuthGuard) {}

  async start(store: Store, logger: Logger, intervalMs = 500): Promise<void> {
    // Fail safe: a lift not yet applied leaves a ban in place, which ends on its own.
    const failed = (err: unknown) => logger.error({ err }, 'could not read ban lifts from the event record');
    this.follower = new RecordFollower((q) => store.events.query(q), [BAN_LIFTED], (e) => this.apply(e.data as Partial<BanLift>), failed, intervalMs);
    await this.follower.start();
  }

  stop(): void {
    this.follower?.stop();
  }

  private apply({ source, account }: Partial<BanLift>): void {
    if (source && account) this.guard.unbanPair(source, account);
    else if (source) this.guard.unban(source);
    else if (account) this.guard.resetAccount(account);
  }
}

/** The credential cache of this node and the argon2 counter. */
export function credentialOptions(config: LoadedConfig): CredentialOptions {
  const cache = new CredentialCache({ ttlMs: config.auth.credentialCacheSeconds * 1000, maxEntries: config.auth.credentialCacheEntries });
  return { cache, onHash: () => void authWork.argon2++, appPasswordsOnly: config.auth.appPasswordsOnly };
}
