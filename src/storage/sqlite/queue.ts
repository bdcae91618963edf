import type Database from 'better-sqlite3';
import type {
  MessageState,
  NewMessage,
  QueueFilter,
  QueueStore,
  QueuedMessage,
  QueuedRecipient,
  RcptStatus,
  RecipientUpdate,
} from '../ports/index.js';
import type { GroupCommit } from './group-commit.js';

interface MessageRow {
  id: string;
  account: string;
  mail_from: string;
  message_id: string;
  size: number;
  state: MessageState;
  reason: string | null;
  created_at: number;
  next_attempt_at: number;
  expires_at: number;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  is_dsn: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export class SqliteQueue implements QueueStore {
  private readonly stmts;

  constructor(
    private readonly db: Database.Database,
    private readonly commits: GroupCommit,
  ) {
    this.stmts = {
      insertMessage: db.prepare(
        `INSERT INTO messages (id, account, mail_from, message_id, size, state, reason, created_at, next_attempt_at, expires_at, is_dsn)
         VALUES (@id, @account, @mailFrom, @messageId, @size, @state, @reason, @createdAt, @createdAt, @expiresAt, @isDsn)`,
      ),
      insertBody: db.prepare('INSERT INTO bodies (message, raw) VALUES (?, ?)'),
      insertRcpt: db.prepare(
        'INSERT INTO recipients (message, idx, address, status, updated_at) VALUES (?, ?, ?, ?, ?)',
      ),
      claim: db.prepare(
        `UPDATE messages SET lease_owner = @owner, lease_until = @until
         WHERE id IN (SELECT id FROM messages WHERE state = 'queued' AND next_attempt_at <= @now
                      AND (lease_until IS NULL OR lease_until < @now) ORDER BY next_attempt_at LIMIT @limit)
         RETURNING *`,
      ),
      rcpts: db.prepare('SELECT * FROM recipients WHERE message = ? ORDER BY idx'),
      get: db.prepare('SELECT * FROM messages WHERE id = ?'),
      raw: db.prepare('SELECT raw FROM bodies WHERE message = ?'),
      finishAttempt: db.prepare(
        `UPDATE messages SET attempts = attempts + 1, lease_owner = NULL, lease_until = NULL,
           state = CASE WHEN state = 'held' THEN 'held' WHEN @finished = 1 THEN 'done' ELSE state END,
           reason = COALESCE(@reason, reason), next_attempt_at = COALESCE(@next, next_attempt_at)
         WHERE id = @id AND (lease_owner = @owner OR lease_owner IS NULL)`,
      ),
      updateRcpt: db.prepare(
        `UPDATE recipients SET status = @status, last_reply = @reply, attempts = attempts + 1, updated_at = @now
         WHERE message = @id AND idx = @index`,
      ),
    };
  }

  enqueue(m: NewMessage): Promise<void> {
    const createdAt = Date.parse(m.createdAt);
    const rcptStatus = m.state === 'held' ? 'held' : 'pending';
    return this.commits.run(() => {
      this.stmts.insertMessage.run({
        id: m.id,
        account: m.account,
        mailFrom: m.mailFrom,
        messageId: m.messageId,
        size: m.raw.length,
        state: m.state,
        reason: m.reason ?? null,
        createdAt,
        expiresAt: Date.parse(m.expiresAt),
        isDsn: m.isDsn ? 1 : 0,
      });
      this.stmts.insertBody.run(m.id, m.raw);
      m.rcpts.forEach((r, i) => this.stmts.insertRcpt.run(m.id, i, r, rcptStatus, createdAt));
    });
  }

  async claimDue(owner: string, now: Date, limit: number, leaseMs: number): Promise<QueuedMessage[]> {
    const t = now.getTime();
    const rows = this.stmts.claim.all({ owner, until: t + leaseMs, now: t, limit }) as MessageRow[];
    return rows.map((r) => this.toMessage(r));
  }

  async get(id: string): Promise<QueuedMessage | null> {
    const row = this.stmts.get.get(id) as MessageRow | undefined;
    return row ? this.toMessage(row) : null;
  }

  async getRaw(id: string): Promise<Buffer | null> {
    const row = this.stmts.raw.get(id) as { raw: Buffer } | undefined;
    return row ? row.raw : null;
  }

  async list(f: QueueFilter = {}): Promise<QueuedMessage[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.state) {
      where.push('state = ?');
      args.push(f.state);
    }
    if (f.account) {
      where.push('account = ?');
      args.push(f.account);
    }
    const sql = `SELECT * FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, f.limit ?? 1000) as MessageRow[];
    return rows.map((r) => this.toMessage(r));
  }

  recordAttempt(
    id: string,
    owner: string,
    updates: RecipientUpdate[],
    next: { nextAttemptAt: string | null; finished: boolean; reason?: string | null },
  ): Promise<void> {
    const now = Date.now();
    return this.commits.run(() => {
      const row = this.stmts.get.get(id) as MessageRow | undefined;
      // A node whose lease was taken over must not overwrite the new owner's outcomes.
      if (!row || (row.lease_owner !== null && row.lease_owner !== owner)) return;
      for (const u of updates) {
        const status = row.state === 'held' && (u.status === 'deferred' || u.status === 'pending') ? 'held' : u.status;
        this.stmts.updateRcpt.run({ id, index: u.index, status, reply: u.reply, now });
      }
      // A message held by containment while its attempt ran stays held: only its delivered
      // recipients are recorded, the rest wait in quarantine.
      this.stmts.finishAttempt.run({
          id,
          owner,
          finished: next.finished ? 1 : 0,
          reason: next.reason ?? null,
          next: next.nextAttemptAt ? Date.parse(next.nextAttemptAt) : null,
        });
    });
  }

  async renewLease(id: string, owner: string, until: Date): Promise<boolean> {
    return this.db.prepare('UPDATE messages SET lease_until = ? WHERE id = ? AND lease_owner = ?').run(until.getTime(), id, owner).changes === 1;
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    this.db.prepare('UPDATE messages SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?').run(id, owner);
  }

  async holdAccount(account: string, reason: string): Promise<string[]> {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(`UPDATE messages SET state = 'held', reason = ? WHERE account = ? AND state = 'queued' RETURNING id`)
        .all(reason, account) as { id: string }[];
      const mark = this.db.prepare(
        `UPDATE recipients SET status = 'held' WHERE message = ? AND status IN ('pending', 'deferred')`,
      );
      for (const r of rows) mark.run(r.id);
      return rows.map((r) => r.id);
    })();
  }

  async release(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(`UPDATE messages SET state = 'queued', reason = NULL, next_attempt_at = ? WHERE id = ? AND state = 'held'`)
        .run(Date.now(), id).changes;
      this.db.prepare(`UPDATE recipients SET status = 'pending' WHERE message = ? AND status = 'held'`).run(id);
      return changed > 0;
    })();
  }

  async retryNow(id: string): Promise<boolean> {
    return (
      this.db.prepare(`UPDATE messages SET next_attempt_at = ? WHERE id = ? AND state = 'queued'`).run(Date.now(), id)
        .changes > 0
    );
  }

  async delete(id: string, onlyIf?: MessageState): Promise<boolean> {
    if (onlyIf) return this.db.prepare('DELETE FROM messages WHERE id = ? AND state = ?').run(id, onlyIf).changes > 0;
    return this.db.prepare('DELETE FROM messages WHERE id = ?').run(id).changes > 0;
  }

  async purgeDone(before: string, limit: number): Promise<number> {
    return this.db
      .prepare(`DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE state = 'done' AND created_at < ? ORDER BY created_at LIMIT ?)`)
      .run(Date.parse(before), limit).changes;
  }

  async counts(): Promise<Record<MessageState, number>> {
    const out: Record<MessageState, number> = { queued: 0, held: 0, done: 0 };
    const rows = this.db.prepare('SELECT state, COUNT(*) AS n FROM messages GROUP BY state').all() as {
      state: MessageState;
      n: number;
    }[];
    for (const r of rows) out[r.state] = r.n;
    return out;
  }

  async markRecipient(id: string, index: number, status: RcptStatus, reply: string | null): Promise<boolean> {
    const at = Date.now();
    let changed = 0;
    await this.commits.run(() => {
      changed = this.db
        .prepare('UPDATE recipients SET status = ?, last_reply = ?, updated_at = ? WHERE message = ? AND idx = ?')
        .run(status, reply, at, id, index).changes;
    });
    return changed > 0;
  }

  async findByMessageId(messageId: string): Promise<QueuedMessage[]> {
    const rows = this.db.prepare('SELECT * FROM messages WHERE message_id = ? ORDER BY created_at LIMIT 100').all(messageId) as MessageRow[];
    return rows.map((r) => this.toMessage(r));
  }

  private toMessage(r: MessageRow): QueuedMessage {
    const rcpts = this.stmts.rcpts.all(r.id) as Record<string, unknown>[];
    return {
      id: r.id,
      account: r.account,
      mailFrom: r.mail_from,
      messageId: r.message_id,
      size: r.size,
      state: r.state,
      reason: r.reason,
      createdAt: iso(r.created_at)!,
      nextAttemptAt: iso(r.next_attempt_at)!,
      expiresAt: iso(r.expires_at)!,
      attempts: r.attempts,
      leaseOwner: r.lease_owner,
      leaseUntil: iso(r.lease_until),
      isDsn: r.is_dsn === 1,
      recipients: rcpts.map(
        (x): QueuedRecipient => ({
          index: x.idx as number,
          address: x.address as string,
          status: x.status as QueuedRecipient['status'],
          attempts: x.attempts as number,
          lastReply: (x.last_reply as string | null) ?? null,
          updatedAt: iso(x.updated_at as number)!,
        }),
      ),
    };
  }
}
