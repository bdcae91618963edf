import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { say, type Text } from '../core/i18n.js';
import type { Logger } from '../observability/logger.js';
import type { RedisConfig } from './config.js';

export type LinkState = 'up' | 'down';

const texts = {
  down: {
    en: 'ALERT: Redis at {url} is unreachable ({error}); this node now runs on {mode} until it answers again',
    ja: '警告: Redis ({url}) に接続できません ({error})。復旧するまでこのノードは {mode} で動作します',
  },
  up: { en: 'Redis at {url} answers again; cluster-wide counters, bans and flags are back', ja: 'Redis ({url}) が復旧しました。クラスタ共通のカウンタ・遮断・制限フラグを再び使います' },
  local: { en: 'local counters with tightened limits', ja: '厳しくした上限とローカルのカウンタ' },
  closed: { en: 'closed mode (every submission deferred)', ja: 'クローズモード (すべての送信を一時拒否)' },
} satisfies Record<string, Text>;

/** The URL as it may appear in a log line: no password. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, '$1[redacted]@');
}

/**
 * The connection to Redis and this node's view of whether it is usable. Decisions never wait
 * on a dead Redis: commands fail at once while disconnected (no offline queue), a slow one
 * times out, and while the link is down decisions skip Redis altogether until a probe answers.
 * Each change of state is reported once (an event and a log line), never per decision.
 */
export class RedisLink {
  readonly redis: Redis;
  private state: LinkState = 'down';
  private lastError = 'not connected yet';
  private probe: NodeJS.Timeout | null = null;
  /** The last state reported; the first connection is not a recovery. */
  private reported: LinkState | null = null;

  constructor(
    private readonly config: RedisConfig,
    private readonly logger: Logger,
    private readonly onChange: (state: LinkState, error: string) => void,
  ) {
    this.redis = newClient(config);
    this.redis.on('ready', () => this.up());
    this.redis.on('error', (err: Error) => this.down(err));
    this.redis.on('close', () => this.down(new Error('connection closed')));
  }

  /** Waits for the first connection, at most connectTimeoutMs; the gateway starts either way. */
  async start(): Promise<void> {
    await Promise.race([once(this.redis, 'ready').catch(() => undefined), sleep(this.config.connectTimeoutMs, undefined, { ref: false })]);
    if (this.state === 'down') this.report('down');
    this.probe = setInterval(() => void this.probeOnce(), this.config.probeIntervalMs);
    this.probe.unref();
  }

  get usable(): boolean {
    return this.state === 'up';
  }

  /** A call that failed or timed out: the link is treated as down until Redis answers again. */
  failed(err: unknown): void {
    this.down(err instanceof Error ? err : new Error(String(err)));
  }

  async stop(): Promise<void> {
    if (this.probe) clearInterval(this.probe);
    this.redis.removeAllListeners('close');
    this.redis.disconnect();
  }

  /** A new connection to the same Redis, for the pub/sub subscriber (a subscribed connection cannot run commands). */
  duplicate(): Redis {
    // Its SUBSCRIBE may wait for the connection: a subscription is not a decision.
    return newClient(this.config, true);
  }

  private async probeOnce(): Promise<void> {
    if (this.state === 'up' || this.redis.status !== 'ready') return;
    try {
      await this.redis.ping();
      this.up();
    } catch {
      // still down: the next probe tries again
    }
  }

  private up(): void {
    if (this.state === 'up') return;
    this.state = 'up';
    if (this.reported === 'down') this.report('up');
    else this.logger.info({ url: redactUrl(this.config.url) }, 'connected to Redis');
    this.reported = 'up';
  }

  private down(err: Error): void {
    this.lastError = err.message || err.name;
    if (this.state === 'down') return;
    this.state = 'down';
    this.report('down');
  }

  private report(state: LinkState): void {
    this.reported = state;
    const url = redactUrl(this.config.url);
    if (state === 'down') {
      const mode = say(texts[this.config.onUnavailable]);
      this.logger.error({ alert: true, code: 'cluster:redis-down', error: this.lastError }, say(texts.down, { url, error: this.lastError, mode }));
    } else {
      this.logger.warn({ code: 'cluster:redis-up' }, say(texts.up, { url }));
    }
    this.onChange(state, this.lastError);
  }
}

/** Reconnects forever with a capped backoff: Redis coming back is noticed within about a second. */
function newClient(config: RedisConfig, subscriber = false): Redis {
  return new Redis(config.url, {
    keyPrefix: config.keyPrefix,
    enableOfflineQueue: subscriber,
    maxRetriesPerRequest: subscriber ? null : 0,
    commandTimeout: subscriber ? undefined : config.commandTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    retryStrategy: (times) => Math.min(100 * times, 1000),
    lazyConnect: false,
  });
}
