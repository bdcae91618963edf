import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import type { NewEvent } from '../storage/ports/index.js';
import type { RedisConfig } from './config.js';
import type { RedisLink } from './link.js';

/**
 * The fast path of peer learning: each engine input a node records is also published on one
 * channel, and the other nodes learn it within milliseconds instead of at their next read of the
 * event record (every 500 ms). The record stays the path that cannot lose anything: a message
 * missed while a node was away from Redis is learnt from there, and each event is learnt once
 * whichever way comes first (`PeerLearning`, by its node's name and number).
 */
export class InputChannel {
  private readonly channel: string;
  private subscriber: Redis | null = null;

  constructor(
    private readonly link: RedisLink,
    private readonly config: RedisConfig,
    private readonly logger: Logger,
  ) {
    // ioredis prefixes keys, not channels.
    this.channel = `${config.keyPrefix}inputs`;
  }

  /**
   * An event this node has recorded. Failure policy: fire and forget; while Redis is down
   * nothing is published (the other nodes read the record), and a failed publish marks it down.
   */
  publish(e: NewEvent): void {
    if (!this.link.usable) return;
    this.link.redis.publish(this.channel, JSON.stringify(e)).catch((err: unknown) => this.link.failed(err));
  }

  /** Subscribes; reconnects and re-subscribes on its own after Redis comes back. */
  async subscribe(handle: (e: NewEvent) => void): Promise<void> {
    const sub = this.link.duplicate();
    sub.on('error', () => undefined);
    sub.on('message', (_channel: string, text: string) => {
      let e: NewEvent;
      try {
        e = JSON.parse(text) as NewEvent;
      } catch {
        return;
      }
      if (typeof e !== 'object' || e === null || typeof e.code !== 'string' || typeof e.ts !== 'string' || typeof e.data !== 'object' || e.data === null) return;
      try {
        handle(e);
      } catch (err) {
        this.logger.error({ err, code: e.code }, 'another node\u2019s engine input could not be learnt');
      }
    });
    this.subscriber = sub;
    // Not awaited past the connect timeout: a node must start while Redis is away.
    await Promise.race([sub.subscribe(this.channel).catch(() => undefined), new Promise((r) => setTimeout(r, this.config.connectTimeoutMs).unref())]);
  }

  stop(): void {
    this.subscriber?.disconnect();
    this.subscriber = null;
  }
}
