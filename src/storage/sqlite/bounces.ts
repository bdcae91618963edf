import type Database from 'better-sqlite3';
import type { BounceStore, InboundMessage, InboundOutcome, InboundQuery, NewInbound } from '../ports/index.js';
import type { GroupCommit } from './group-commit.js';

interface Row {
  id: string;
  received_at: string;
  source: InboundMessage['source'];
  remote: string;
  mail_from: string;
  rcpts: string;
  size: number;
  state: InboundMessage['state'];
  kind: InboundMessage['kind'];
  account: string | null;
  queue_id: string | null;
  summary: string;
  error: string | null;
  handled_at: string | null;
}

const COLUMNS = 'id, received_at, source, remote, mail_from, rcpts, size, state, kind, account, queue_id, summary, error, handled_at';

function toInbound(r: Row): InboundMessage {
  return {
    id: r.id,
    receivedAt: r.received_at,
    source: r.source,
    remote: r.remote,
    mailFrom: r.mail_from,
    rcpts: JSON.parse(r.rcpts) as string[],
    size: r.size,
    state: r.state,
    kind: r.kind,
    account: r.account,
    queueId: r.queue_id,
    summary: JSON.parse(r.summary) as Record<string, unknown>,
    error: r.error,
    handledAt: r.handled_at,
  };
}

/** Received bounces and reports; `receive` goes through group commit so "250" means on disk. */
export class SqliteBounces implements BounceStore {
  private readonly insert: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly commits: GroupCommit,
  ) {
    this.insert = db.prepare(
      `INSERT INTO bounces (id, received_at, source, remote, mail_from, rcpts, size, raw)
       VALUES (@id, @receivedAt, @source, @remote, @mailFrom, @rcpts, @size, @raw)`,
    );
  }

  receive(m: NewInbound): Promise<void> {
    const row = { ...m, rcpts: JSON.stringify(m.rcpts), size: m.raw.length };
    return this.commits.run(() => {
      this.insert.run(row);
    });
  }

  async get(id: string): Promise<InboundMessage | null> {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM bounces WHERE id = ?`).get(id) as Row | undefined;
    return row ? toInbound(row) : null;
  }

  async getRaw(id: string): Promise<Buffer | null> {
    const row = this.db.prepare('SELECT raw FROM bounces WHERE id = ?').get(id) as { raw: Buffer } | undefined;
    return row?.raw ?? null;
  }

  async finish(id: string, o: InboundOutcome, at: string): Promise<void> {
    this.db
      .prepare(
        `UPDATE bounces SET state = ?, kind = ?, account = ?, queue_id = ?, summary = ?, error = ?, handled_at = ?
         WHERE id = ?`,
      )
      .run(o.state, o.kind, o.account, o.queueId, JSON.stringify(o.summary), o.error, at, id);
  }

  async list(q: InboundQuery = {}): Promise<InboundMessage[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    for (const [column, value] of [
      ['account', q.account],
      ['kind', q.kind],
      ['state', q.state],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      args.push(value);
    }
    if (q.since) {
      where.push('received_at >= ?');
      args.push(q.since);
    }
    const sql = `SELECT ${COLUMNS} FROM bounces ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY received_at ${q.newestFirst ? 'DESC' : 'ASC'}, id ${q.newestFirst ? 'DESC' : 'ASC'} LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit ?? 1000) as Row[]).map(toInbound);
  }
}
