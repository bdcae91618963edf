import type Database from 'better-sqlite3';
import { fsync, openSync, closeSync } from 'node:fs';

type Write = () => void;
interface Pending {
  write: Write;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit with an asynchronous fsync. Writes requested in the same turn of the event loop
 * share one transaction; the database runs with synchronous=NORMAL (the commit reaches the WAL
 * file without waiting for the disk) and the WAL file is then fsynced on libuv's thread pool.
 * A caller's promise resolves only after an fsync that started after its commit has finished,
 * so "250" still means "on disk", while the event loop never blocks on the disk and one fsync
 * covers every commit made while the previous one was running.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  private scheduled = false;
  /** Committed to the WAL, waiting for the next fsync. */
  private unsynced: (() => void)[] = [];
  private syncing = false;
  private walFd: number | null = null;
  /** Set by `close`: the database may be closed under an fsync still running. */
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    private readonly walPath: string | null,
  ) {}

  run(write: Write): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ write, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is pending now (and, on close, syncs it before returning). */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const done: (() => void)[] = [];
    try {
      this.db.transaction(() => {
        for (const item of batch) item.write();
      })();
      for (const item of batch) done.push(item.resolve);
    } catch {
      // One bad write must not fail its neighbours: retry each on its own.
      for (const item of batch) {
        try {
          this.db.transaction(item.write)();
          done.push(item.resolve);
        } catch (err) {
          item.reject(err);
        }
      }
    }
    this.unsynced.push(...done);
    this.sync();
  }

  private sync(): void {
    if (this.syncing || this.unsynced.length === 0) return;
    if (this.closed) {
      // close() has checkpointed every commit synchronously.
      this.unsynced.splice(0).forEach((r) => r());
      return;
    }
    const fd = this.wal();
    if (fd === null) {
      this.unsynced.splice(0).forEach((r) => r());
      return;
    }
    this.syncing = true;
    const waiting = this.unsynced.splice(0);
    fsync(fd, (err) => {
      this.syncing = false;
      if (this.closed) {
        // Closed meanwhile: its synchronous checkpoint covered these commits, and the database
        // may be gone; only the WAL's descriptor, kept open for this fsync, is left to release.
        this.releaseWal();
        waiting.forEach((r) => r());
        return;
      }
      if (err) {
        // The disk refused: fall back to SQLite's own synchronous checkpoint before answering.
        this.db.pragma('wal_checkpoint(FULL)');
      }
      waiting.forEach((r) => r());
      this.sync();
    });
  }

  private wal(): number | null {
    if (this.walPath === null) return null;
    this.walFd ??= openSync(this.walPath, 'r');
    return this.walFd;
  }

  /**
   * Final flush on close: commit, then a synchronous checkpoint so nothing waits on a callback.
   * An fsync still running keeps the WAL's descriptor until it returns (closing it under the
   * fsync failed it, and its fallback then ran on a closed database: an uncaught exception at
   * shutdown).
   */
  close(): void {
    this.flush();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.closed = true;
    this.unsynced.splice(0).forEach((r) => r());
    if (!this.syncing) this.releaseWal();
  }

  private releaseWal(): void {
    if (this.walFd !== null) closeSync(this.walFd);
    this.walFd = null;
  }
}
