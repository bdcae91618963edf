import type pg from 'pg';

/** Writes a whole batch with a few statements on a client that is inside a transaction. */
export type BatchWriter<T> = (client: pg.PoolClient, items: T[]) => Promise<void>;

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Large enough to amortise the commit, small enough to keep one transaction short. */
const MAX_BATCH = 500;

/**
 * Group commit: items requested while the previous batch is still committing share the next
 * transaction, so one WAL flush covers many messages instead of one each. A caller's promise
 * resolves only after the COMMIT that holds its item has returned. One batch is in flight at
 * a time per store; PostgreSQL merges commits of different nodes on its own.
 */
export class GroupCommit<T> {
  private pending: Pending<T>[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly write: BatchWriter<T>,
    /** Statement run first in every transaction (e.g. to insist on a durable commit). */
    private readonly prelude: string | null = null,
  ) {}

  run(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.running) this.running = this.drain();
    });
  }

  /** Waits until everything requested so far is committed or rejected; used on close. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    // Let the callers of this turn of the event loop join the first batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      await this.commitBatch(batch);
    }
    this.running = null;
  }

  private async commitBatch(batch: Pending<T>[]): Promise<void> {
    try {
      await this.transaction(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
      return;
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(err);
        return;
      }
    }
    // One bad item (say, a duplicate id) must not fail its neighbours: retry each on its own.
    for (const p of batch) {
      try {
        await this.transaction([p.item]);
        p.resolve();
      } catch (err) {
        p.reject(err);
      }
    }
  }

  private async transaction(items: T[]): Promise<void> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      if (this.prelude) await client.query(this.prelude);
      await this.write(client, items);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      // A client whose ROLLBACK failed is in an unknown state: drop it rather than reuse it.
      client.release(broken);
    }
  }
}
