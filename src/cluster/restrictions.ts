import type { Redis } from 'ioredis';
import type { StateChange } from '../events/replay.js';
import type { LivePolicy } from '../incidents/live-policy.js';
import type { Logger } from '../observability/logger.js';
import type { RedisConfig } from './config.js';
import { accountKey } from './counters.js';
import type { RedisLink } from './link.js';

interface Announcement {
  node: string;
  account: string;
  action: 'restrict' | 'release';
  reason: string;
  ts: string;
}

/** What a node does when another node has restricted or released an account. */
export interface FollowTarget {
  policy: LivePolicy;
  closeSessionsOf: (account: string) => number;
}

/**
 * Restriction flags and their pub/sub channel. A node that restricts an account sets the
 * account's flag (checked by every node's admission script) and publishes it in one round trip;
 * every other node applies it to its own engine and cuts its live sessions of the account at
 * once. The event record (followed by each node every 500 ms) remains the safety net: a message
 * lost while a node was disconnected from Redis is made up from there, and the stored account
 * state refuses the account at MAIL FROM whatever Redis says.
 */
export class RestrictionBus {
  private readonly channel: string;
  private subscriber: Redis | null = null;

  constructor(
    private readonly link: RedisLink,
    private readonly config: RedisConfig,
    private readonly node: string,
    private readonly logger: Logger,
  ) {
    // ioredis prefixes keys, not channels.
    this.channel = `${config.keyPrefix}restrictions`;
  }

  /** Subscribes; reconnects and re-subscribes on its own after Redis comes back. */
  async follow(target: FollowTarget): Promise<void> {
    const sub = this.link.duplicate();
    sub.on('error', () => undefined);
    sub.on('message', (_channel: string, text: string) => this.receive(text, target));
    this.subscriber = sub;
    // Not awaited past the connect timeout: a node must start while Redis is away.
    await Promise.race([sub.subscribe(this.channel).catch(() => undefined), new Promise((r) => setTimeout(r, this.config.connectTimeoutMs).unref())]);
  }

  /**
   * A decision of this node (detection or an administrator through the live policy).
   * Failure policy: fail open to the event record; a lost announcement reaches the other nodes
   * through their followers within a second, and is logged here.
   */
  announce(change: StateChange): void {
    if (change.state === 'watch') return;
    const action = change.state === 'restricted' ? 'restrict' : 'release';
    const message: Announcement = { node: this.node, account: change.account, action, reason: change.reasons.join('; '), ts: change.ts };
    const flag = accountKey(change.account, 'flag');
    const tx = this.link.redis.multi();
    if (action === 'restrict') tx.set(flag, JSON.stringify({ reason: message.reason, ts: Date.now() }), 'PX', Math.round(this.config.restrictionFlagHours * 3_600_000));
    else tx.del(flag);
    tx.publish(this.channel, JSON.stringify(message));
    tx.exec().catch((err: unknown) => {
      this.link.failed(err);
      this.logger.error({ err, account: change.account, action }, 'restriction not announced through Redis; other nodes follow it from the event record');
    });
  }

  /** Removes a flag that outlived a release made where Redis was not told (e.g. the CLI). */
  async clearStaleFlag(account: string): Promise<void> {
    await this.link.redis.del(accountKey(account, 'flag')).catch((err: unknown) => this.link.failed(err));
  }

  async stop(): Promise<void> {
    this.subscriber?.disconnect();
    this.subscriber = null;
  }

  private receive(text: string, target: FollowTarget): void {
    let m: Announcement;
    try {
      m = JSON.parse(text) as Announcement;
    } catch {
      return;
    }
    if (m.node === this.node || typeof m.account !== 'string') return;
    // The engine only: containment (holding the queue, revoking app passwords) ran on the node that decided.
    if (m.action === 'release') {
      target.policy.engine.release(m.account, m.ts, m.reason);
    } else {
      target.policy.engine.restrict(m.account, m.ts, m.reason);
      const closed = target.closeSessionsOf(m.account);
      this.logger.warn({ account: m.account, from: m.node, closedSessions: closed }, 'account restricted by another node');
    }
  }
}
