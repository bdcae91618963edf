import type Database from 'better-sqlite3';
import type { EventQuery, EventStore, NewEvent, StoredEvent } from '../ports/index.js';
import type { GroupCommit } from './group-commit.js';

export class SqliteEvents implements EventStore {
  private readonly insert: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly commits: GroupCommit,
  ) {
    this.insert = db.prepare('INSERT INTO events (ts, code, account, data) VALUES (?, ?, ?, ?)');
  }

  append(e: NewEvent): Promise<void> {
    const data = JSON.stringify(e.data);
    return this.commits.run(() => {
      this.insert.run(e.ts, e.code, e.account, data);
    });
  }

  async purge(before: string, limit: number): Promise<number> {
    return this.db.prepare('DELETE FROM events WHERE id IN (SELECT id FROM events WHERE ts < ? ORDER BY id LIMIT ?)').run(before, limit).changes;
  }

  async query(q: EventQuery): Promise<StoredEvent[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.afterId !== undefined) {
      where.push('id > ?');
      args.push(q.afterId);
    }
    if (q.since) {
      where.push('ts >= ?');
      args.push(q.since);
    }
    if (q.account) {
      where.push('account = ?');
      args.push(q.account);
    }
    if (q.codes?.length) {
      where.push(`code IN (${q.codes.map(() => '?').join(',')})`);
      args.push(...q.codes);
    }
    const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY id ${q.newestFirst ? 'DESC' : 'ASC'} LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, q.limit ?? 1000) as (Omit<StoredEvent, 'data'> & { data: string })[];
    return rows.map((r) => ({ id: r.id, ts: r.ts, code: r.code, account: r.account, data: JSON.parse(r.data) }));
  }
}
