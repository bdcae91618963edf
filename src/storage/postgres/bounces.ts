import type pg from 'pg';
import type { BounceStore, InboundMessage, InboundOutcome, InboundQuery, NewInbound } from '../ports/index.js';
import { GroupCommit } from './group-commit.js';

interface Row {
  id: string;
  received_at: Date;
  source: InboundMessage['source'];
  remote: string;
  mail_from: string;
  rcpts: string[];
  size: number;
  state: InboundMessage['state'];
  kind: InboundMessage['kind'];
  account: string | null;
  queue_id: string | null;
  summary: Record<string, unknown>;
  error: string | null;
  handled_at: Date | null;
}

const COLUMNS = 'id, received_at, source, remote, mail_from, rcpts, size, state, kind, account, queue_id, summary, error, handled_at';

function toInbound(r: Row): InboundMessage {
  return {
    id: r.id,
    receivedAt: r.received_at.toISOString(),
    source: r.source,
    remote: r.remote,
    mailFrom: r.mail_from,
    rcpts: r.rcpts,
    size: r.size,
    state: r.state,
    kind: r.kind,
    account: r.account,
    queueId: r.queue_id,
    summary: r.summary,
    error: r.error,
    handledAt: r.handled_at ? r.handled_at.toISOString() : null,
  };
}

/** A batch of received messages in one statement; rcpts travel as JSON so arrays of arrays are not needed. */
async function insertBatch(client: pg.PoolClient, batch: NewInbound[]): Promise<void> {
  await client.query(
    `INSERT INTO bounces (id, received_at, source, remote, mail_from, rcpts, size, raw)
     SELECT id, received_at, source, remote, mail_from, ARRAY(SELECT jsonb_array_elements_text(rcpts)), length(raw), raw
     FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::bytea[])
          AS x(id, received_at, source, remote, mail_from, rcpts, raw)`,
    [
      batch.map((m) => m.id),
      batch.map((m) => m.receivedAt),
      batch.map((m) => m.source),
      batch.map((m) => m.remote),
      batch.map((m) => m.mailFrom),
      batch.map((m) => JSON.stringify(m.rcpts)),
      batch.map((m) => m.raw),
    ],
  );
}

/** Received bounces and reports; `receive` shares a commit with others arriving at the same time. */
export class PostgresBounces implements BounceStore {
  private readonly commits: GroupCommit<NewInbound>;

  constructor(
    private readonly pool: pg.Pool,
    prelude: string | null,
  ) {
    this.commits = new GroupCommit(pool, insertBatch, prelude);
  }

  receive(m: NewInbound): Promise<void> {
    return this.commits.run(m);
  }

  flush(): Promise<void> {
    return this.commits.flush();
  }

  async get(id: string): Promise<InboundMessage | null> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM bounces WHERE id = $1`, [id]);
    return rows[0] ? toInbound(rows[0]) : null;
  }

  async getRaw(id: string): Promise<Buffer | null> {
    const { rows } = await this.pool.query<{ raw: Buffer }>('SELECT raw FROM bounces WHERE id = $1', [id]);
    return rows[0]?.raw ?? null;
  }

  async finish(id: string, o: InboundOutcome, at: string): Promise<void> {
    await this.pool.query(
      `UPDATE bounces SET state = $2, kind = $3, account = $4, queue_id = $5, summary = $6, error = $7, handled_at = $8
       WHERE id = $1`,
      [id, o.state, o.kind, o.account, o.queueId, JSON.stringify(o.summary), o.error, at],
    );
  }

  async list(q: InboundQuery = {}): Promise<InboundMessage[]> {
    const order = q.newestFirst ? 'DESC' : 'ASC';
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM bounces
       WHERE ($1::text IS NULL OR account = $1) AND ($2::text IS NULL OR kind = $2)
         AND ($3::text IS NULL OR state = $3) AND ($4::timestamptz IS NULL OR received_at >= $4)
       ORDER BY received_at ${order}, id ${order} LIMIT $5`,
      [q.account ?? null, q.kind ?? null, q.state ?? null, q.since ?? null, q.limit ?? 1000],
    );
    return rows.map(toInbound);
  }
}
