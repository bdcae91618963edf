import type pg from 'pg';
import { auditEntryHash, GENESIS_HASH, type AuditEntry, type AuditQuery, type AuditStore, type NewAuditEntry } from '../ports/audit.js';

interface Row {
  seq: number;
  ts: Date;
  actor: string;
  action: string;
  target: string;
  reason: string;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** One writer at a time across every node: the chain has a single head. */
const AUDIT_LOCK = 0x6d77_6175; // "mwau"

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function toEntry(r: Row): AuditEntry {
  return { seq: Number(r.seq), ts: r.ts.toISOString(), actor: r.actor, action: r.action, target: r.target, reason: r.reason, data: r.data, prevHash: r.prev_hash, hash: r.hash };
}

export class PostgresAudit implements AuditStore {
  constructor(private readonly pool: pg.Pool) {}

  async append(e: NewAuditEntry): Promise<AuditEntry> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
      const { rows } = await client.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
      const seq = Number(rows[0]?.seq ?? 0) + 1;
      const prevHash = rows[0]?.hash ?? GENESIS_HASH;
      // The timestamp is hashed as stored: timestamptz keeps milliseconds, so normalise first.
      const ts = new Date(e.ts).toISOString();
      const entry = { seq, ts, actor: e.actor, action: e.action, target: e.target, reason: e.reason, data: e.data };
      const hash = auditEntryHash(prevHash, entry);
      await client.query(
        'INSERT INTO audit (seq, ts, actor, action, target, reason, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [seq, ts, e.actor, e.action, e.target, e.reason, JSON.stringify(e.data), prevHash, hash],
      );
      await client.query('COMMIT');
      return { ...entry, prevHash, hash };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async query(q: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: (p: string) => string, value: unknown): void => {
      args.push(value);
      where.push(clause(`$${args.length}`));
    };
    if (q.afterSeq !== undefined) add((p) => `seq > ${p}`, q.afterSeq);
    if (q.since) add((p) => `ts >= ${p}`, q.since);
    if (q.until) add((p) => `ts < ${p}`, q.until);
    if (q.actor) add((p) => `actor = ${p}`, q.actor);
    if (q.action) add((p) => `action LIKE ${p}`, `${escapeLike(q.action)}%`);
    if (q.target) add((p) => `target = ${p}`, q.target);
    if (q.text) add((p) => `(actor ILIKE ${p} OR action ILIKE ${p} OR target ILIKE ${p} OR reason ILIKE ${p})`, `%${escapeLike(q.text)}%`);
    args.push(q.limit ?? 1000);
    const { rows } = await this.pool.query<Row>(
      `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY seq ${q.newestFirst ? 'DESC' : 'ASC'} LIMIT $${args.length}`,
      args,
    );
    return rows.map(toEntry);
  }
}
