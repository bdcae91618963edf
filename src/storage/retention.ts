import { statfs } from 'node:fs/promises';
import { z } from 'zod';
import type { HeldExpiredFacts } from '../incidents/notify/texts.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from './ports/index.js';

const whole = (fallback: number, describe: string) => z.number().int().min(0).default(fallback).describe(describe);

/**
 * How long the store keeps what it no longer needs. Without it a gateway's database grows with
 * every message it ever relayed, body included, until the disk is full.
 */
export const retentionConfigSchema = z
  .object({
    deliveredDays: whole(
      14,
      'Finished messages (delivered, or bounced to their sender) are deleted with their bodies this many days after they were received; late bounces are tied to them until then. 0 keeps them. Queued messages are never deleted (for the quarantine see heldDays).',
    ),
    eventDays: whole(
      180,
      'Events (logins, submissions, deliveries, bounces, incidents) older than this many days are deleted; the detection engine warms from the last detection.profile.windowDays of them, so this is at least that. 0 keeps them. The audit log is never deleted.',
    ),
    heldDays: whole(
      30,
      'Messages held in quarantine and not released by an administrator within this many days are deleted; each account\'s owner gets one notice listing its messages (never one mail each). The held mail of an account still restricted is kept whatever its age (the evidence of an incident nobody has closed yet), and counts its days again from the account\'s release. 0 keeps the quarantine for ever.',
    ),
    warnFreeMb: whole(
      1024,
      'With the embedded store (SQLite): when its file system has less free space than this many megabytes, an alert is logged and recorded (event store:low-space) at most once an hour, before a full disk makes the gateway refuse mail (452 4.3.1). The metric mailwarden_store_free_bytes shows the free space. 0: no warning.',
    ),
  })
  .describe('Retention of finished messages, the event record and the quarantine in the store (run a minute after start and every hour), and the warning before its disk is full.');

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
  private diskTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** When the last low-space alert was given (ms): at most one an hour. */
  private warnedAt = -Infinity;

  /**
   * `free` answers the free bytes of the store's file system (`freeBytes(dir)` for SQLite's
   * directory; absent for PostgreSQL, whose disk is the database server's).
   */
  constructor(
    private readonly store: Store,
    private readonly config: RetentionConfig,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly free?: () => Promise<number | null>,
    /** Tells an account's owner of its messages deleted from quarantine (`Notifier.heldExpired`). */
    private readonly tell?: (f: HeldExpiredFacts) => Promise<void>,
  ) {}

  start(intervalMs = HOUR, firstAfterMs = 60_000, diskEveryMs = 5 * 60_000): void {
    if (this.free && this.config.warnFreeMb > 0) {
      void this.checkDisk();
      this.diskTimer = setInterval(() => void this.checkDisk(), diskEveryMs);
      this.diskTimer.unref();
    }
    if (this.config.deliveredDays === 0 && this.config.eventDays === 0 && this.config.heldDays === 0) return;
    this.first = setTimeout(() => void this.runOnce(), firstAfterMs);
    this.first.unref();
    this.timer = setInterval(() => void this.runOnce(), intervalMs);
    this.timer.unref();
  }

  /** Waits for a run under way (shutdown, before the store closes). */
  async stop(): Promise<void> {
    if (this.first) clearTimeout(this.first);
    if (this.timer) clearInterval(this.timer);
    if (this.diskTimer) clearInterval(this.diskTimer);
    this.first = this.timer = this.diskTimer = null;
    await this.running;
  }

  /**
   * Warns when the store's file system runs low (`warnFreeMb`): an alert-level log line and a
   * `store:low-space` event, at most once an hour. Returns the free bytes, or null when unknown.
   */
  async checkDisk(): Promise<number | null> {
    const free = this.free ? await this.free().catch(() => null) : null;
    const limit = this.config.warnFreeMb * 1024 * 1024;
    if (free === null || limit === 0 || free >= limit || this.now() - this.warnedAt < HOUR) return free;
    this.warnedAt = this.now();
    const freeMb = Math.floor(free / (1024 * 1024));
    this.logger.error({ alert: true, code: 'store:low-space', freeMb, warnFreeMb: this.config.warnFreeMb }, 'the store\u2019s disk is nearly full: free space, or lower retention.deliveredDays / eventDays / heldDays, before mail is refused with 452 4.3.1');
    await this.store.events.append({ ts: new Date(this.now()).toISOString(), code: 'store:low-space', account: null, data: { freeMb, warnFreeMb: this.config.warnFreeMb } }).catch(() => undefined);
    return free;
  }

  /** One run; returns what it deleted. A run already under way is waited for instead. */
  async runOnce(): Promise<{ messages: number; events: number; held: number }> {
    if (this.running) {
      await this.running;
      return { messages: 0, events: 0, held: 0 };
    }
    const out = { messages: 0, events: 0, held: 0 };
    this.running = this.purge(out).catch((err: unknown) => this.logger.error({ err }, 'retention: could not delete old messages and events; tried again within the hour'));
    try {
      await this.running;
    } finally {
      this.running = null;
    }
    if (out.messages + out.events + out.held > 0) this.logger.info(out, 'retention: deleted finished messages, old events and unreleased quarantine');
    return out;
  }

  private async purge(out: { messages: number; events: number; held: number }): Promise<void> {
    const { deliveredDays, eventDays, heldDays } = this.config;
    if (deliveredDays > 0) out.messages = await batches((limit) => this.store.queue.purgeDone(this.before(deliveredDays), limit));
    if (eventDays > 0) out.events = await batches((limit) => this.store.events.purge(this.before(eventDays), limit));
    if (heldDays > 0) out.held = await this.expireHeld(heldDays);
  }

  /**
   * Deletes the messages held longer than `days`, account by account, but none of an account
   * still restricted or released within `days` (see `mayExpire`): each deletion is recorded
   * (`queue:held-expired`), so that no message leaves the quarantine unaccounted for, and the
   * owner is told in one notice of those this run deleted (in a cluster, two nodes running at the
   * same moment each delete, and tell of, their own share; none is told twice).
   */
  private async expireHeld(days: number): Promise<number> {
    const before = Date.parse(this.before(days));
    const old = (await this.store.queue.list({ state: 'held', limit: 100_000 })).filter((m) => Date.parse(m.createdAt) < before);
    const byAccount = new Map<string, typeof old>();
    for (const m of old) {
      const list = byAccount.get(m.account);
      if (list) list.push(m);
      else byAccount.set(m.account, [m]);
    }
    let deleted = 0;
    for (const [account, messages] of byAccount) {
      if (account && !(await this.mayExpire(account, before))) continue;
      const gone: typeof messages = [];
      for (const m of messages) {
        // Only while still held: one an administrator released meanwhile is queued, and stays.
        if (!(await this.store.queue.delete(m.id, 'held'))) continue;
        gone.push(m);
        await this.store.events.append({ ts: new Date(this.now()).toISOString(), code: 'queue:held-expired', account: account || null, data: { queueId: m.id, messageId: m.messageId, heldSince: m.createdAt, reason: m.reason, days } });
      }
      deleted += gone.length;
      // The administrators' record: the quarantine is theirs to review, and what left it unreviewed is said there.
      if (gone.length > 0) {
        const entry = { ts: new Date(this.now()).toISOString(), actor: 'system:retention', action: 'quarantine.expire', target: account, reason: `held longer than ${days} days without a release`, data: { count: gone.length, queueIds: gone.map((m) => m.id) } };
        await this.store.audit.append(entry).catch((err: unknown) =>
          this.logger.error({ err, account }, 'retention: the deletion from quarantine could not be audited'),
        );
      }
      if (account && gone.length > 0 && this.tell) {
        await this.tell({ account, days, messages: gone.map((m) => ({ messageId: m.messageId, createdAt: m.createdAt, recipients: m.recipients.length })) }).catch((err: unknown) => this.logger.error({ err, account }, 'retention: the owner could not be told of the messages deleted from quarantine'));
      }
    }
    return deleted;
  }

  /**
   * Whether the held mail of `account` may leave the quarantine now. Not while the account is
   * restricted: that mail is the evidence of an incident nobody has closed yet, and the account's
   * mailbox may be read by whoever stole its password. Nor within `heldDays` of the account's last
   * release: the administrator who released it has that long to review what it held, however old.
   */
  private async mayExpire(account: string, before: number): Promise<boolean> {
    if ((await this.store.accounts.get(account))?.state === 'restricted') return false;
    const [release] = await this.store.events.query({ account, codes: ['account:released'], newestFirst: true, limit: 1 });
    return release === undefined || Date.parse(release.ts) < before;
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

/** Free bytes for an unprivileged writer on the file system holding `dir`, or null when it cannot be read. */
export async function freeBytes(dir: string): Promise<number | null> {
  try {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}
