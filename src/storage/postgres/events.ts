import type pg from 'pg';
import type { EventQuery, EventStore, NewEvent, StoredEvent } from '../ports/index.js';
import { GroupCommit } from './group-commit.js';

interface Row {
  id: number;
  ts: Date;
  code: string;
  account: string | null;
  data: Record<string, unknown>;
}

/**
 * Appends a batch in one statement; WITH ORDINALITY keeps the ids in the order the events
 * were appended, which readers following `afterId` rely on.
 */
async function insertBatch(client: pg.PoolClient, events: NewEvent[]): Promise<void> {
  await client.query(
    `INSERT INTO events (ts, code, account, data)
     SELECT ts, code, account, data
     FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY
          AS e(ts, code, account, data, n)
     ORDER BY n`,
    [events.map((e) => e.ts), events.map((e) => e.code), events.map((e) => e.account), events.map((e) => JSON.stringify(e.data))],
  );
}

export class PostgresEvents implements EventStore {
  private readonly commits: GroupCommit<NewEvent>;

  constructor(
    private readonly pool: pg.Pool,
    prelude: string | null,
  ) {
    this.commits = new GroupCommit(pool, insertBatch, prelude);
  }

  append(e: NewEvent): Promise<void> {
    return this.commits.run(e);
  }

  flush(): Promise<void> {
    return this.commits.flush();
  }

  async purge(before: string, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM events WHERE id IN (SELECT id FROM events WHERE ts < $1 ORDER BY id LIMIT $2)', [before, limit]);
    return rowCount ?? 0;
  }

  async query(q: EventQuery): Promise<StoredEvent[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: (n: string) => string, value: unknown): void => {
      args.push(value);
      where.push(clause(`$${args.length}`));
    };
    if (q.afterId !== undefined) add((p) => `id > ${p}`, q.afterId);
    if (q.since) add((p) => `ts >= ${p}`, q.since);
    if (q.account) add((p) => `account = ${p}`, q.account);
    if (q.codes?.length) add((p) => `code = ANY(${p}::text[])`, q.codes);
    args.push(q.limit ?? 1000);
    const { rows } = await this.pool.query<Row>(
      `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id ${q.newestFirst ? 'DESC' : 'ASC'} LIMIT $${args.length}`,
      args,
    );
    return rows.map((r) => ({ id: r.id, ts: r.ts.toISOString(), code: r.code, account: r.account, data: r.data }));
  }
}
