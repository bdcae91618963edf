import type pg from 'pg';
import type {
  MessageState,
  NewMessage,
  QueueFilter,
  QueueStore,
  QueuedMessage,
  RcptStatus,
  RecipientUpdate,
} from '../ports/index.js';
import { GroupCommit } from './group-commit.js';
import { insertMessages, RCPTS_COLUMN, toMessage, type MessageRow } from './queue-rows.js';

/**
 * SKIP LOCKED lets several nodes claim at once without waiting on each other's rows; the
 * lease (owner + until) is what survives the statement, so a node that dies mid-delivery
 * leaves work that another node claims once `lease_until` has passed.
 */
const CLAIM = `
  WITH due AS (
    SELECT id FROM messages
    WHERE state = 'queued' AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until < $2)
    ORDER BY next_attempt_at, id
    LIMIT $4
    FOR UPDATE SKIP LOCKED)
  UPDATE messages m SET lease_owner = $1, lease_until = $3
  FROM due WHERE m.id = due.id
  RETURNING m.*, ${RCPTS_COLUMN}`;

/**
 * One statement, so the recipients and the message change together. Only the lease holder (or
 * anyone once the lease is gone) may record: a node whose lease expired and was taken over must
 * not overwrite the new owner's work. A message held by containment while its attempt ran
 * stays held: delivered (or failed) recipients are recorded, the rest wait in quarantine.
 */
const RECORD_ATTEMPT = `
  WITH m AS (
    UPDATE messages SET attempts = attempts + 1, lease_owner = NULL, lease_until = NULL,
      state = CASE WHEN state = 'held' THEN 'held' WHEN $3 THEN 'done' ELSE state END,
      reason = COALESCE($4, reason), next_attempt_at = COALESCE($5, next_attempt_at)
    WHERE id = $1 AND (lease_owner = $2 OR lease_owner IS NULL)
    RETURNING id, state)
  UPDATE recipients r SET
    status = CASE WHEN m.state = 'held' AND u.status IN ('pending', 'deferred') THEN 'held' ELSE u.status END,
    last_reply = u.reply, attempts = r.attempts + 1, updated_at = $9
  FROM m, unnest($6::int[], $7::text[], $8::text[]) AS u(idx, status, reply)
  WHERE r.message = m.id AND r.idx = u.idx`;

const HOLD_ACCOUNT = `
  WITH held AS (
    UPDATE messages SET state = 'held', reason = $2 WHERE account = $1 AND state = 'queued' RETURNING id),
  marked AS (
    UPDATE recipients r SET status = 'held' FROM held
    WHERE r.message = held.id AND r.status IN ('pending', 'deferred'))
  SELECT id FROM held`;

const RELEASE = `
  WITH released AS (
    UPDATE messages SET state = 'queued', reason = NULL, next_attempt_at = $2 WHERE id = $1 AND state = 'held'
    RETURNING id),
  unmarked AS (
    UPDATE recipients r SET status = 'pending' FROM released WHERE r.message = released.id AND r.status = 'held')
  SELECT id FROM released`;

export class PostgresQueue implements QueueStore {
  private readonly commits: GroupCommit<NewMessage>;

  constructor(
    private readonly pool: pg.Pool,
    prelude: string | null,
  ) {
    this.commits = new GroupCommit(pool, insertMessages, prelude);
  }

  enqueue(m: NewMessage): Promise<void> {
    return this.commits.run(m);
  }

  flush(): Promise<void> {
    return this.commits.flush();
  }

  async claimDue(owner: string, now: Date, limit: number, leaseMs: number): Promise<QueuedMessage[]> {
    const until = new Date(now.getTime() + leaseMs);
    const { rows } = await this.pool.query<MessageRow>(CLAIM, [owner, now, until, limit]);
    // UPDATE ... RETURNING has no order of its own: deliver the most overdue first.
    return rows.map(toMessage).sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt));
  }

  async get(id: string): Promise<QueuedMessage | null> {
    const { rows } = await this.pool.query<MessageRow>(`SELECT m.*, ${RCPTS_COLUMN} FROM messages m WHERE m.id = $1`, [id]);
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async getRaw(id: string): Promise<Buffer | null> {
    const { rows } = await this.pool.query<{ raw: Buffer }>('SELECT raw FROM bodies WHERE message = $1', [id]);
    return rows[0]?.raw ?? null;
  }

  async list(f: QueueFilter = {}): Promise<QueuedMessage[]> {
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT m.*, ${RCPTS_COLUMN} FROM messages m
       WHERE ($1::text IS NULL OR m.state = $1) AND ($2::text IS NULL OR m.account = $2)
       ORDER BY m.created_at, m.id LIMIT $3`,
      [f.state ?? null, f.account ?? null, f.limit ?? 1000],
    );
    return rows.map(toMessage);
  }

  async recordAttempt(
    id: string,
    owner: string,
    updates: RecipientUpdate[],
    next: { nextAttemptAt: string | null; finished: boolean; reason?: string | null },
  ): Promise<void> {
    await this.pool.query(RECORD_ATTEMPT, [
      id,
      owner,
      next.finished,
      next.reason ?? null,
      next.nextAttemptAt,
      updates.map((u) => u.index),
      updates.map((u) => u.status),
      updates.map((u) => u.reply),
      new Date(),
    ]);
  }

  async renewLease(id: string, owner: string, until: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE messages SET lease_until = $3 WHERE id = $1 AND lease_owner = $2', [id, owner, until]);
    return rowCount === 1;
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    await this.pool.query('UPDATE messages SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2', [
      id,
      owner,
    ]);
  }

  async holdAccount(account: string, reason: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(HOLD_ACCOUNT, [account, reason]);
    return rows.map((r) => r.id);
  }

  async release(id: string): Promise<boolean> {
    const { rows } = await this.pool.query(RELEASE, [id, new Date()]);
    return rows.length > 0;
  }

  async retryNow(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE messages SET next_attempt_at = $2 WHERE id = $1 AND state = 'queued'`,
      [id, new Date()],
    );
    return (rowCount ?? 0) > 0;
  }

  async delete(id: string, onlyIf?: MessageState): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM messages WHERE id = $1 AND ($2::text IS NULL OR state = $2)', [id, onlyIf ?? null]);
    return (rowCount ?? 0) > 0;
  }

  async purgeDone(before: string, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE state = 'done' AND created_at < $1 ORDER BY created_at LIMIT $2)`,
      [before, limit],
    );
    return rowCount ?? 0;
  }

  async markRecipient(id: string, index: number, status: RcptStatus, reply: string | null): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE recipients SET status = $3, last_reply = $4, updated_at = $5 WHERE message = $1 AND idx = $2',
      [id, index, status, reply, new Date()],
    );
    return (rowCount ?? 0) > 0;
  }

  async findByMessageId(messageId: string): Promise<QueuedMessage[]> {
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT m.*, ${RCPTS_COLUMN} FROM messages m WHERE m.message_id = $1 ORDER BY m.created_at, m.id LIMIT 100`,
      [messageId],
    );
    return rows.map(toMessage);
  }

  async counts(): Promise<Record<MessageState, number>> {
    const out: Record<MessageState, number> = { queued: 0, held: 0, done: 0 };
    const { rows } = await this.pool.query<{ state: MessageState; n: number }>(
      'SELECT state, count(*)::int AS n FROM messages GROUP BY state',
    );
    for (const r of rows) out[r.state] = r.n;
    return out;
  }
}
