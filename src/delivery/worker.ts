/**
 * The delivery worker: claims due messages from the queue under a lease, delivers them with
 * bounded concurrency, and records every outcome. Several workers (in one process or on
 * several nodes) share one queue safely: a message is leased to one owner at a time, and a dead
 * owner's lease expires so that another worker takes the message over.
 */
import dns from 'node:dns/promises';
import type { QueueStore, QueuedMessage, Suppression } from '../storage/ports/index.js';
import { attemptMessage, type AttemptContext, type ReturnPathFn, type SignFn } from './attempt.js';
import type { DeliveryConfig } from './config.js';
import { DELIVERY_EVENT, emitSafely, type DeliveryEventSink } from './events.js';
import { ConnectionPool } from './pool.js';
import type { MxResolver, Route } from './route.js';

export interface DeliveryWorkerOptions {
  queue: QueueStore;
  config: DeliveryConfig;
  /** DNS for MX mode; the system resolver when omitted. */
  resolver?: MxResolver;
  /** DKIM signing, applied to the stored bytes right before sending. */
  sign?: SignFn;
  /** Envelope sender per recipient (signed return paths); the message's MAIL FROM by default. */
  returnPath?: ReturnPathFn;
  onEvent: DeliveryEventSink;
  /** The suppression list: addresses on it are failed with a DSN instead of tried. */
  suppressed?: (address: string) => Promise<Suppression | null>;
  /** Lease owner: unique per worker (node id and process), so leases tell workers apart. */
  owner: string;
  now?: () => Date;
}

export class DeliveryWorker {
  private readonly pool: ConnectionPool;
  private readonly resolver: MxResolver;
  private readonly returnPath: ReturnPathFn;
  private readonly now: () => Date;
  private running = false;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private current: Promise<number> | null = null;

  constructor(private readonly opts: DeliveryWorkerOptions) {
    const c = opts.config;
    this.pool = new ConnectionPool({
      total: c.concurrency,
      perDestination: c.perDestination,
      idleMs: c.idleCloseMs,
      maxUses: c.maxMessagesPerConnection,
    });
    this.resolver = opts.resolver ?? dns;
    this.returnPath = opts.returnPath ?? ((m) => m.mailFrom);
    this.now = opts.now ?? (() => new Date());
  }

  /** Connections opened so far (reuse shows as fewer connections than messages). */
  get connectionsOpened(): number {
    return this.pool.opened;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.pool.reopen();
    this.loop = this.run();
  }

  /**
   * Graceful stop: attempts in flight finish (bounded by the socket timeouts), messages
   * claimed but not started get their lease back, idle connections are closed.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.current;
    this.pool.closeAll();
  }

  /** One poll: claim a batch, deliver it, record it. Returns the number of messages claimed. */
  runOnce(): Promise<number> {
    const p = this.poll();
    this.current = p;
    return p;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.runOnce();
      } catch (err) {
        await this.reportError(null, err);
      }
      if (claimed === 0 && this.running) await this.sleep(this.opts.config.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /**
   * Claims and delivers until the queue has nothing due. Lanes (one per connection slot) pull
   * from a shared buffer that is refilled by one claim at a time as soon as it runs dry, so a
   * slow message never holds up the next batch (no convoy behind the slowest of a batch).
   */
  private async poll(): Promise<number> {
    const c = this.opts.config;
    const ctx = this.context();
    const buffer: QueuedMessage[] = [];
    let claimed = 0;
    let exhausted = false;
    let claiming: Promise<void> | null = null;
    const refill = () =>
      (claiming ??= this.opts.queue.claimDue(this.opts.owner, this.now(), c.batchSize, c.leaseSeconds * 1000).then(
        (batch) => {
          claimed += batch.length;
          buffer.push(...batch);
          if (batch.length === 0 || this.stopping) exhausted = true;
          claiming = null;
        },
        (err) => {
          exhausted = true;
          claiming = null;
          throw err;
        },
      ));
    const lane = async () => {
      for (;;) {
        while (buffer.length === 0 && !exhausted && !this.stopping) await refill();
        const message = buffer.shift();
        if (!message) return;
        if (this.stopping || this.leaseRunningOut(message)) await this.giveBack(message);
        else await this.underLease(message, () => attemptMessage(ctx, message));
      }
    };
    await refill();
    if (claimed === 0) return 0;
    await Promise.all(Array.from({ length: c.concurrency }, lane));
    return claimed;
  }

  private context(): AttemptContext {
    return {
      queue: this.opts.queue,
      config: this.opts.config,
      pool: this.pool,
      resolver: this.resolver,
      owner: this.opts.owner,
      now: this.now,
      onEvent: this.opts.onEvent,
      sign: this.opts.sign,
      returnPath: this.returnPath,
      routes: new Map<string, Promise<Route>>(),
      suppressed: this.opts.suppressed,
    };
  }

  /**
   * A message whose lease is half gone before its turn came is handed back rather than started:
   * past the lease another worker may claim it, and two workers must never deliver it twice.
   */
  private leaseRunningOut(message: QueuedMessage): boolean {
    if (!message.leaseUntil) return false;
    const left = Date.parse(message.leaseUntil) - this.now().getTime();
    return left < (this.opts.config.leaseSeconds * 1000) / 2;
  }

  /**
   * Runs an attempt while keeping its lease: every third of the lease it is extended to a full
   * lease again, so a slow attempt (a slow next hop, several MX hosts, a large message) never
   * outlives its lease and lets another node deliver the same message. A renewal that finds the
   * lease gone is reported; the attempt cannot be taken back once it has begun.
   */
  private async underLease<T>(message: QueuedMessage, attempt: () => Promise<T>): Promise<T> {
    const leaseMs = this.opts.config.leaseSeconds * 1000;
    const renew = async (): Promise<void> => {
      try {
        const held = await this.opts.queue.renewLease(message.id, this.opts.owner, new Date(this.now().getTime() + leaseMs));
        if (!held) await this.reportError(message, new Error('the lease of this message was lost during a delivery attempt'));
      } catch (err) {
        await this.reportError(message, err);
      }
    };
    const timer = setInterval(() => void renew(), Math.max(1000, leaseMs / 3));
    timer.unref();
    try {
      return await attempt();
    } finally {
      clearInterval(timer);
    }
  }

  private async giveBack(message: QueuedMessage): Promise<void> {
    try {
      await this.opts.queue.releaseLease(message.id, this.opts.owner);
    } catch (err) {
      // The lease will expire on its own; the message stays queued either way.
      await this.reportError(message, err);
    }
  }

  private reportError(message: QueuedMessage | null, err: unknown): Promise<void> {
    return emitSafely(this.opts.onEvent, {
      ts: this.now().toISOString(),
      code: DELIVERY_EVENT.error,
      account: message?.account ?? null,
      data: { queueId: message?.id ?? null, error: err instanceof Error ? err.message : String(err) },
    });
  }
}
