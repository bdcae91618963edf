import type { GuardPort } from '../app/pipeline.js';
import { normalizeAccount, sourceKey, type GuardConfig, type GuardEvent } from '../auth/guard/index.js';
import { GatewayError } from '../errors/catalogue.js';
import type { Logger } from '../observability/logger.js';
import type { RedisLink } from './link.js';

/**
 * Brute-force bans shared by every node. Each node's guard counts failures in memory; when it
 * bans a source (or a source for one account), the ban is written to Redis with the ban's own
 * lifetime, and every node refuses that source before it consults its own guard. Without this,
 * an attacker behind a load balancer would get a fresh allowance on each node.
 *
 * The guard's rule that the owner's known-good sources pass a source ban holds cluster-wide:
 * a successful login is remembered in Redis too, for the guard's knownGoodMs.
 *
 * Failure policy: fail open to the local guard. Without Redis each node still bans what it
 * sees itself; logins are not refused because Redis is away (submissions follow
 * `redis.onUnavailable`).
 */
export class SharedBans {
  constructor(
    private readonly link: RedisLink,
    private readonly guard: Pick<GuardConfig, 'ipv6PrefixLength' | 'knownGoodMs'>,
    private readonly logger: Logger,
  ) {}

  /** Called with every event of the local guard; bans are copied to Redis. */
  share(e: GuardEvent): void {
    if (!this.link.usable || e.allowListed || !e.source || !e.until) return;
    const ttl = e.until - Date.now();
    if (ttl <= 0) return;
    let key: string | null = null;
    if (e.code === 'auth:source-banned') key = `ban:s:${e.source}`;
    if (e.code === 'auth:pair-banned' && e.account) key = `ban:p:${normalizeAccount(e.account)}|${e.source}`;
    if (!key) return;
    this.link.redis.set(key, String(e.until), 'PX', ttl).catch((err: unknown) => {
      this.link.failed(err);
      this.logger.warn({ err, code: e.code, source: e.source }, 'ban not shared through Redis; it holds on this node only');
    });
  }

  wrap(inner: GuardPort): GuardPort {
    return {
      before: async (req) => (await this.refuseIfBannedElsewhere(req.ip, req.account)) ?? inner.before(req),
      after: (req) => {
        if (req.ok) this.rememberKnownGood(req.ip, req.account);
        return inner.after(req);
      },
    };
  }

  /** One round trip: the source ban, the pair ban and whether the pair is known-good. */
  private async refuseIfBannedElsewhere(ip: string, account: string): Promise<GatewayError | null> {
    if (!this.link.usable) return null;
    const { source, pair } = this.keys(ip, account);
    try {
      const [sourceBan, pairBan, knownGood] = await this.link.redis.mget(`ban:s:${source}`, `ban:p:${pair}`, `kg:${pair}`);
      if (pairBan || (sourceBan && !knownGood)) return new GatewayError('AUTH_THROTTLED');
      return null;
    } catch (err) {
      this.link.failed(err);
      return null;
    }
  }

  private rememberKnownGood(ip: string, account: string): void {
    if (!this.link.usable) return;
    const { pair } = this.keys(ip, account);
    this.link.redis.set(`kg:${pair}`, '1', 'PX', this.guard.knownGoodMs).catch((err: unknown) => this.link.failed(err));
  }

  private keys(ip: string, account: string): { source: string; pair: string } {
    const source = sourceKey(ip, this.guard.ipv6PrefixLength);
    return { source, pair: `${normalizeAccount(account)}|${source}` };
  }
}
