/**
 * Recording an attempt: per-recipient updates and the next attempt in one store call, a DSN
 * for recipients that failed for good, and one event per recipient.
 *
 * Order matters for "never a lost message": the DSN is enqueued before the attempt is recorded.
 * If the node dies in between, the message is attempted again and the DSN id, derived from the
 * message id and attempt count, collides with the one already queued instead of doubling it.
 */
import { hostname } from 'node:os';
import type { QueuedMessage, QueuedRecipient, RecipientUpdate } from '../storage/ports/index.js';
import type { AttemptContext } from './attempt.js';
import { backoffSeconds } from './classify.js';
import { buildDsn, type DsnRecipient } from './dsn.js';
import { DELIVERY_EVENT, emitSafely, type DeliveryEventCode } from './events.js';
import type { RecipientResult } from './transaction.js';

/** Recipients still to be delivered; held, suppressed and finished ones are left alone. */
export function activeRecipients(message: QueuedMessage): QueuedRecipient[] {
  return message.recipients.filter((r) => r.status === 'pending' || r.status === 'deferred');
}

function nextAttemptAt(ctx: AttemptContext, message: QueuedMessage): string {
  const now = ctx.now().getTime();
  const delay = backoffSeconds(message.attempts, ctx.config.retry) * 1000;
  // The last retry lands on the expiry time, so the expiry DSN goes out on time.
  const at = Math.min(now + delay, Math.max(now, Date.parse(message.expiresAt)));
  return new Date(at).toISOString();
}

function finishReason(results: RecipientResult[], message: QueuedMessage): string {
  const n = (d: string) => results.filter((r) => r.disposition === d).length;
  const earlier = message.recipients.filter((r) => r.status === 'delivered').length;
  return `delivered ${n('delivered') + earlier}, failed ${n('failed')}`;
}

export async function recordOutcome(ctx: AttemptContext, message: QueuedMessage, results: RecipientResult[]): Promise<void> {
  const updates: RecipientUpdate[] = results.map((r) => ({ index: r.index, status: r.disposition, reply: r.reply }));
  const open = results.some((r) => r.disposition === 'deferred');
  const next = open ? nextAttemptAt(ctx, message) : null;
  const failed = results.filter((r) => r.disposition === 'failed');
  const dsnId = failed.length ? await enqueueDsn(ctx, message, failed) : null;
  await ctx.queue.recordAttempt(message.id, ctx.owner, updates, {
    nextAttemptAt: next,
    finished: !open,
    reason: open ? null : finishReason(results, message),
  });
  for (const r of results) await emitRecipient(ctx, message, r, next);
  if (dsnId) {
    await emit(ctx, DELIVERY_EVENT.dsnSent, message, { dsnId, to: message.mailFrom, rcpts: failed.map((r) => r.address) });
  }
}

/** Any unexpected error: defer every open recipient with backoff and leave a visible record. */
export async function recordUnexpectedError(ctx: AttemptContext, message: QueuedMessage, err: unknown): Promise<void> {
  const error = err instanceof Error ? err.message : String(err);
  const next = nextAttemptAt(ctx, message);
  await emit(ctx, DELIVERY_EVENT.error, message, { error, nextAttemptAt: next });
  const updates = activeRecipients(message).map((r) => ({
    index: r.index,
    status: 'deferred' as const,
    reply: `451 4.3.0 local error, will retry: ${error}`,
  }));
  try {
    await ctx.queue.recordAttempt(message.id, ctx.owner, updates, { nextAttemptAt: next, finished: false });
  } catch (storeErr) {
    // The lease stays: it expires and the message is claimed again, so it is not lost.
    await emit(ctx, DELIVERY_EVENT.error, message, { error: `recording the attempt failed: ${(storeErr as Error).message}` });
  }
}

/** RFC 3464 §2: never a DSN for a DSN or for the null sender (loops, backscatter). */
async function enqueueDsn(ctx: AttemptContext, message: QueuedMessage, failed: RecipientResult[]): Promise<string | null> {
  if (message.isDsn || message.mailFrom === '') return null;
  const now = ctx.now();
  const reportingMta = ctx.config.reportingMta || ctx.config.heloName || hostname();
  const original = (await ctx.queue.getRaw(message.id)) ?? Buffer.alloc(0);
  const recipients: DsnRecipient[] = failed.map((r) => ({
    address: r.address,
    // RFC 3464 §2.3.4: Action "failed" goes with a class 5 status.
    status: r.status.replace(/^4\./, '5.'),
    diagnostic: r.reply,
    smtpReply: r.code !== null,
    remoteMta: r.hopName,
    lastAttempt: now,
  }));
  const dsn = buildDsn({
    reportingMta,
    to: message.mailFrom,
    arrivalDate: new Date(message.createdAt),
    now,
    originalMessageId: message.messageId,
    originalRaw: original,
    recipients,
  });
  const id = `${message.id}.dsn${message.attempts}`;
  try {
    await ctx.queue.enqueue({
      id,
      account: message.account,
      mailFrom: '',
      messageId: dsn.messageId,
      rcpts: [message.mailFrom],
      raw: dsn.raw,
      state: 'queued',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ctx.config.lifetimeHours * 3_600_000).toISOString(),
      isDsn: true,
    });
  } catch (err) {
    if (!(await ctx.queue.get(id))) throw err;
  }
  return id;
}

const CODES: Record<RecipientResult['disposition'], DeliveryEventCode> = {
  delivered: DELIVERY_EVENT.delivered,
  deferred: DELIVERY_EVENT.deferred,
  failed: DELIVERY_EVENT.failed,
};

function emitRecipient(ctx: AttemptContext, message: QueuedMessage, r: RecipientResult, next: string | null) {
  return emit(ctx, CODES[r.disposition], message, {
    rcpt: r.address,
    reply: r.reply,
    status: r.status,
    reason: r.reason || null,
    hop: r.hop,
    tls: r.tls,
    attempt: message.attempts + 1,
    ...(r.disposition === 'deferred' ? { nextAttemptAt: next } : {}),
  });
}

function emit(ctx: AttemptContext, code: DeliveryEventCode, message: QueuedMessage, data: Record<string, unknown>) {
  return emitSafely(ctx.onEvent, {
    ts: ctx.now().toISOString(),
    code,
    account: message.account,
    data: { queueId: message.id, messageId: message.messageId, ...data },
  });
}
