import type pg from 'pg';
import type { Suppression, SuppressionStore } from '../ports/index.js';

interface Row {
  address: string;
  reason: string;
  status: string;
  source_queue_id: string | null;
  created_by: string;
  created_at: Date;
}

const toEntry = (r: Row): Suppression => ({
  address: r.address,
  reason: r.reason,
  status: r.status,
  sourceQueueId: r.source_queue_id,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
});

/**
 * `xmax = 0` is true only for a row this statement inserted (an updated row carries the
 * updating transaction's id), so one statement both upserts and says whether the address is new.
 */
const UPSERT = `
  INSERT INTO suppression (address, reason, status, source_queue_id, created_by, created_at)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (address) DO UPDATE SET reason = EXCLUDED.reason, status = EXCLUDED.status,
    source_queue_id = EXCLUDED.source_queue_id, created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at
  RETURNING (xmax = 0) AS inserted`;

export class PostgresSuppression implements SuppressionStore {
  constructor(private readonly pool: pg.Pool) {}

  async add(e: Suppression): Promise<boolean> {
    const { rows } = await this.pool.query<{ inserted: boolean }>(UPSERT, [
      e.address.toLowerCase(),
      e.reason,
      e.status,
      e.sourceQueueId,
      e.createdBy,
      e.createdAt,
    ]);
    return rows[0]?.inserted === true;
  }

  async remove(address: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM suppression WHERE address = $1', [address.toLowerCase()]);
    return (rowCount ?? 0) > 0;
  }

  async get(address: string): Promise<Suppression | null> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM suppression WHERE address = $1', [address.toLowerCase()]);
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async has(address: string): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM suppression WHERE address = $1', [address.toLowerCase()]);
    return rows.length > 0;
  }

  async list(q: { limit?: number } = {}): Promise<Suppression[]> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM suppression ORDER BY created_at DESC, address LIMIT $1', [q.limit ?? 1000]);
    return rows.map(toEntry);
  }
}
