import type pg from 'pg';
import type { MessageState, NewMessage, QueuedMessage, QueuedRecipient } from '../ports/index.js';

export interface MessageRow {
  id: string;
  account: string;
  mail_from: string;
  message_id: string;
  size: number;
  state: MessageState;
  reason: string | null;
  created_at: Date;
  next_attempt_at: Date;
  expires_at: Date;
  attempts: number;
  lease_owner: string | null;
  lease_until: Date | null;
  is_dsn: boolean;
  /** Aggregated in the same statement, so a message and its recipients are one snapshot. */
  rcpts: { idx: number; address: string; status: string; attempts: number; last_reply: string | null; updated_at: string }[];
}

/** Appended to a SELECT or RETURNING list over `messages m`. */
export const RCPTS_COLUMN = `COALESCE((
    SELECT json_agg(json_build_object('idx', r.idx, 'address', r.address, 'status', r.status,
             'attempts', r.attempts, 'last_reply', r.last_reply, 'updated_at', r.updated_at) ORDER BY r.idx)
    FROM recipients r WHERE r.message = m.id), '[]'::json) AS rcpts`;

export function toMessage(r: MessageRow): QueuedMessage {
  return {
    id: r.id,
    account: r.account,
    mailFrom: r.mail_from,
    messageId: r.message_id,
    size: r.size,
    state: r.state,
    reason: r.reason,
    createdAt: r.created_at.toISOString(),
    nextAttemptAt: r.next_attempt_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    attempts: r.attempts,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until ? r.lease_until.toISOString() : null,
    isDsn: r.is_dsn,
    recipients: r.rcpts.map(
      (x): QueuedRecipient => ({
        index: x.idx,
        address: x.address,
        status: x.status as QueuedRecipient['status'],
        attempts: x.attempts,
        lastReply: x.last_reply,
        // json_build_object renders timestamptz in the server's own format; normalise it.
        updatedAt: new Date(x.updated_at).toISOString(),
      }),
    ),
  };
}

/**
 * Writes a batch of new messages with three statements, whatever the batch size: arrays are
 * unnested server-side, which also keeps clear of the 65,535 bind-parameter limit.
 */
export async function insertMessages(client: pg.PoolClient, batch: NewMessage[]): Promise<void> {
  await client.query(
    `INSERT INTO messages (id, account, mail_from, message_id, size, state, reason, created_at,
                           next_attempt_at, expires_at, is_dsn)
     SELECT id, account, mail_from, message_id, size, state, reason, created_at, created_at, expires_at, is_dsn
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[],
                 $8::timestamptz[], $9::timestamptz[], $10::boolean[])
          AS x(id, account, mail_from, message_id, size, state, reason, created_at, expires_at, is_dsn)`,
    [
      batch.map((m) => m.id),
      batch.map((m) => m.account),
      batch.map((m) => m.mailFrom),
      batch.map((m) => m.messageId),
      batch.map((m) => m.raw.length),
      batch.map((m) => m.state),
      batch.map((m) => m.reason ?? null),
      batch.map((m) => m.createdAt),
      batch.map((m) => m.expiresAt),
      batch.map((m) => m.isDsn ?? false),
    ],
  );
  await client.query('INSERT INTO bodies (message, raw) SELECT * FROM unnest($1::text[], $2::bytea[])', [
    batch.map((m) => m.id),
    batch.map((m) => m.raw),
  ]);
  const rcpts = batch.flatMap((m) =>
    m.rcpts.map((address, idx) => ({ id: m.id, idx, address, status: m.state === 'held' ? 'held' : 'pending', at: m.createdAt })),
  );
  await client.query(
    `INSERT INTO recipients (message, idx, address, status, updated_at)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::timestamptz[])`,
    [rcpts.map((r) => r.id), rcpts.map((r) => r.idx), rcpts.map((r) => r.address), rcpts.map((r) => r.status), rcpts.map((r) => r.at)],
  );
}
