import type { EventQuery, StoredEvent } from './ports/index.js';

/**
 * Follows the event record in id order without losing a late commit. On PostgreSQL an id is
 * taken from a sequence when the row is inserted, so two nodes' transactions can commit in the
 * other order: event 41 may become visible after event 42 was read. A plain `afterId` cursor
 * would then skip 41 for good. This cursor re-reads a window of `lagMs` behind the newest events
 * it has seen and hands on each event once: its floor only passes events older than the window,
 * and a transaction that takes longer than that to commit is the only way to be missed.
 */
export class EventCursor {
  /** Every event up to this id has been handed on (or is older than the window). */
  private floor: number;
  /** Ids above the floor already handed on, with their times. */
  private readonly seen = new Map<number, number>();

  constructor(
    start: number,
    private readonly lagMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.floor = start;
  }

  /** The events not handed on before, in id order; `query` is the store's, with `afterId` set by the cursor. */
  async next(query: (q: EventQuery) => Promise<StoredEvent[]>, filter: Omit<EventQuery, 'afterId' | 'newestFirst'>, pageSize = 1000): Promise<StoredEvent[]> {
    const fresh: StoredEvent[] = [];
    for (let after = this.floor; ; ) {
      const page = await query({ ...filter, afterId: after, limit: pageSize });
      for (const e of page) {
        if (this.seen.has(e.id)) continue;
        this.seen.set(e.id, Date.parse(e.ts) || this.now());
        fresh.push(e);
      }
      if (page.length < pageSize) break;
      after = page[page.length - 1].id;
    }
    this.advance();
    return fresh;
  }

  /** Moves the floor over the events older than the window, and forgets them. */
  private advance(): void {
    const cutoff = this.now() - this.lagMs;
    let floor = this.floor;
    for (const [id, at] of this.seen) if (at < cutoff && id > floor) floor = id;
    if (floor === this.floor) return;
    this.floor = floor;
    for (const id of this.seen.keys()) if (id <= floor) this.seen.delete(id);
  }
}

/**
 * Follows the event record for some codes, from the newest event at `start` on, every
 * `intervalMs`: each new event is handed to `handle` once, in id order. One poll at a time; a
 * failed read is reported to `failed` and tried again at the next tick (the followers' failure
 * policies differ, so they say what a failure means). What the decision follower, the guard's
 * ban lifts and a cluster node's peer learning share.
 */
export class RecordFollower {
  private timer: NodeJS.Timeout | null = null;
  private cursor = new EventCursor(0);
  private busy = false;

  constructor(
    private readonly query: (q: EventQuery) => Promise<StoredEvent[]>,
    private readonly codes: string[],
    private readonly handle: (e: StoredEvent) => void | Promise<void>,
    private readonly failed: (err: unknown) => void,
    private readonly intervalMs = 500,
  ) {}

  async start(): Promise<void> {
    const last = await this.query({ newestFirst: true, limit: 1 });
    this.cursor = new EventCursor(last[0]?.id ?? 0);
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Hands on the events recorded since the last poll; false when a poll was already under way. */
  async poll(): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    try {
      for (const e of await this.cursor.next(this.query, { codes: this.codes })) await this.handle(e);
    } catch (err) {
      this.failed(err);
    } finally {
      this.busy = false;
    }
    return true;
  }
}
