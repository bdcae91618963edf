import type Database from 'better-sqlite3';
import type { Suppression, SuppressionStore } from '../ports/index.js';

interface Row {
  address: string;
  reason: string;
  status: string;
  source_queue_id: string | null;
  created_by: string;
  created_at: string;
}

const toEntry = (r: Row): Suppression => ({
  address: r.address,
  reason: r.reason,
  status: r.status,
  sourceQueueId: r.source_queue_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** One row per address; looked up on every RCPT TO, so reads are one primary-key probe. */
export class SqliteSuppression implements SuppressionStore {
  private readonly byAddress: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.byAddress = db.prepare('SELECT * FROM suppression WHERE address = ?');
  }

  async add(e: Suppression): Promise<boolean> {
    const address = e.address.toLowerCase();
    return this.db.transaction(() => {
      const existed = this.byAddress.get(address) !== undefined;
      this.db
        .prepare(
          `INSERT INTO suppression (address, reason, status, source_queue_id, created_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, status = excluded.status,
             source_queue_id = excluded.source_queue_id, created_by = excluded.created_by, created_at = excluded.created_at`,
        )
        .run(address, e.reason, e.status, e.sourceQueueId, e.createdBy, e.createdAt);
      return !existed;
    })();
  }

  async remove(address: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM suppression WHERE address = ?').run(address.toLowerCase()).changes > 0;
  }

  async get(address: string): Promise<Suppression | null> {
    const row = this.byAddress.get(address.toLowerCase()) as Row | undefined;
    return row ? toEntry(row) : null;
  }

  async has(address: string): Promise<boolean> {
    return this.byAddress.get(address.toLowerCase()) !== undefined;
  }

  async list(q: { limit?: number } = {}): Promise<Suppression[]> {
    const rows = this.db.prepare('SELECT * FROM suppression ORDER BY created_at DESC, address LIMIT ?').all(q.limit ?? 1000) as Row[];
    return rows.map(toEntry);
  }
}
