import { z } from 'zod';
import type { Logger } from '../observability/logger.js';
import type { Store } from './ports/index.js';

const days = (fallback: number, describe: string) => z.number().int().min(0).default(fallback).describe(describe);

/**
 * How long the store keeps what it no longer needs. Without it a gateway's database grows with
 * every message it ever relayed, body included, until the disk is full.
 */
export const retentionConfigSchema = z
  .object({
    deliveredDays: days(
      14,
      'Finished messages (delivered, or bounced to their sender) are deleted with their bodies this many days after they were received; late bounces are tied to them until then. 0 keeps them. Messages queued or held in quarantine are never deleted.',
    ),
    eventDays: days(
      180,
      'Events (logins, submissions, deliveries, bounces, incidents) older than this many days are deleted; the detection engine warms from the last detection.profile.windowDays of them, so this is at least that. 0 keeps them. The audit log is never deleted.',
    ),
  })
  .describe('Retention of finished messages and of the event record in the store (run on start and every hour).');

export type RetentionConfig = z.infer<typeof retentionConfigSchema>;

/** At most this many rows per statement, so that a first purge of a large store never holds the database for long. */
const BATCH = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Deletes finished messages and old events, every `intervalMs` (an hour) and once shortly after
 * start, in batches with a turn of the event loop between them, so that sessions and delivery go
 * on meanwhile. Every node of a cluster runs it; deleting what another node has just deleted
 * changes nothing. A failure is logged and tried again at the next run.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;
  private first: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly config: RetentionConfig,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(intervalMs = HOUR, firstAfterMs = 60_000): void {
    if (this.config.deliveredDays === 0 && this.config.eventDays === 0) return;
    this.first = setTimeout(() => void this.runOnce(), firstAfterMs);
    this.first.unref();
    this.timer = setInterval(() => void this.runOnce(), intervalMs);
    this.timer.unref();
  }

  /** Waits for a run under way (shutdown, before the store closes). */
  async stop(): Promise<void> {
    if (this.first) clearTimeout(this.first);
    if (this.timer) clearInterval(this.timer);
    this.first = this.timer = null;
    await this.running;
  }

  /** One run; returns what it deleted. A run already under way is waited for instead. */
  async runOnce(): Promise<{ messages: number; events: number }> {
    if (this.running) {
      await this.running;
      return { messages: 0, events: 0 };
    }
    const out = { messages: 0, events: 0 };
    this.running = this.purge(out).catch((err: unknown) => this.logger.error({ err }, 'retention: could not delete old messages and events; tried again within the hour'));
    try {
      await this.running;
    } finally {
      this.running = null;
    }
    if (out.messages + out.events > 0) this.logger.info(out, 'retention: deleted finished messages and old events');
    return out;
  }

  private async purge(out: { messages: number; events: number }): Promise<void> {
    const { deliveredDays, eventDays } = this.config;
    if (deliveredDays > 0) out.messages = await batches((limit) => this.store.queue.purgeDone(this.before(deliveredDays), limit));
    if (eventDays > 0) out.events = await batches((limit) => this.store.events.purge(this.before(eventDays), limit));
  }

  private before(keepDays: number): string {
    return new Date(this.now() - keepDays * DAY).toISOString();
  }
}

/** Runs `step` until a batch comes back short; the event loop turns between batches. */
async function batches(step: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await step(BATCH);
    total += n;
    if (n < BATCH) return total;
    await new Promise((r) => setImmediate(r));
  }
}
