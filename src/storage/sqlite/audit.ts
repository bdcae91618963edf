import type Database from 'better-sqlite3';
import { auditEntryHash, GENESIS_HASH, type AuditEntry, type AuditQuery, type AuditStore, type NewAuditEntry } from '../ports/audit.js';

interface Row {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  target: string;
  reason: string;
  data: string;
  prev_hash: string;
  hash: string;
}

function toEntry(r: Row): AuditEntry {
  return { seq: r.seq, ts: r.ts, actor: r.actor, action: r.action, target: r.target, reason: r.reason, data: JSON.parse(r.data), prevHash: r.prev_hash, hash: r.hash };
}

/** LIKE with the caller's text taken literally. */
const likeLiteral = (s: string): string => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export class SqliteAudit implements AuditStore {
  constructor(private readonly db: Database.Database) {}

  async append(e: NewAuditEntry): Promise<AuditEntry> {
    // IMMEDIATE takes the write lock before reading the head, so another process appending to
    // the same file waits instead of chaining onto the same predecessor.
    return this.db.transaction(() => {
      const head = this.db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
      const seq = (head?.seq ?? 0) + 1;
      const prevHash = head?.hash ?? GENESIS_HASH;
      // Hashed as stored and as read back: one ISO form with milliseconds on every backend.
      const ts = new Date(e.ts).toISOString();
      const entry = { seq, ts, actor: e.actor, action: e.action, target: e.target, reason: e.reason, data: e.data };
      const hash = auditEntryHash(prevHash, entry);
      this.db
        .prepare('INSERT INTO audit (seq, ts, actor, action, target, reason, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(seq, ts, e.actor, e.action, e.target, e.reason, JSON.stringify(e.data), prevHash, hash);
      return { ...entry, prevHash, hash };
    }).immediate();
  }

  async query(q: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, value: unknown): void => {
      where.push(clause);
      args.push(value);
    };
    if (q.afterSeq !== undefined) add('seq > ?', q.afterSeq);
    if (q.since) add('ts >= ?', q.since);
    if (q.until) add('ts < ?', q.until);
    if (q.actor) add('actor = ?', q.actor);
    if (q.action) add(`action LIKE ? ESCAPE '\\'`, `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (q.target) add('target = ?', q.target);
    if (q.text) {
      where.push(`(${['actor', 'action', 'target', 'reason'].map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ')})`);
      const pattern = likeLiteral(q.text);
      args.push(pattern, pattern, pattern, pattern);
    }
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY seq ${q.newestFirst ? 'DESC' : 'ASC'} LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit ?? 1000) as Row[]).map(toEntry);
  }
}
