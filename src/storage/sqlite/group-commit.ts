import type Database from 'better-sqlite3';

type Write = () => void;

/**
 * Group commit: writes requested in the same turn of the event loop share one transaction,
 * so one fsync covers many messages instead of one each. A caller's promise resolves only
 * after the transaction that holds its write has committed.
 */
export class GroupCommit {
  private pending: { write: Write; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly db: Database.Database) {}

  run(write: Write): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ write, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is pending now; used on close so nothing requested is dropped. */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      this.db.transaction(() => {
        for (const item of batch) item.write();
      })();
      for (const item of batch) item.resolve();
    } catch {
      // One bad write must not fail its neighbours: retry each on its own.
      for (const item of batch) {
        try {
          this.db.transaction(item.write)();
          item.resolve();
        } catch (err) {
          item.reject(err);
        }
      }
    }
  }
}
