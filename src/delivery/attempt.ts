/**
 * One delivery attempt of one claimed message, from lease to recorded outcome. Reads as a
 * table of contents (CONVENTIONS rule 1); the recording, DSN and event steps are in outcome.ts.
 */
import type { QueueStore, QueuedMessage, QueuedRecipient, Suppression } from '../storage/ports/index.js';
import type { Classified } from './classify.js';
import type { DeliveryConfig } from './config.js';
import type { ConnectionPool } from './pool.js';
import { resolveRoute, type MxResolver, type Route } from './route.js';
import { deliverToDestination, type DestinationJob, type RecipientResult, type UnitRecipient } from './transaction.js';
import { activeRecipients, recordOutcome, recordUnexpectedError } from './outcome.js';
import type { DeliveryEventSink } from './events.js';

export type SignFn = (raw: Buffer, message: QueuedMessage) => Promise<Buffer>;
export type ReturnPathFn = (message: QueuedMessage, rcptIndex: number) => string;

export interface AttemptContext {
  queue: QueueStore;
  config: DeliveryConfig;
  pool: ConnectionPool;
  resolver: MxResolver;
  owner: string;
  now: () => Date;
  onEvent: DeliveryEventSink;
  sign?: SignFn;
  returnPath: ReturnPathFn;
  /** Routes resolved during this poll, shared by the messages of one batch. */
  routes: Map<string, Promise<Route>>;
  /** The suppression list entry of an address, if any; none checked when absent. */
  suppressed?: (address: string) => Promise<Suppression | null>;
}

/** Delivers a claimed message and records the result; never throws (CONVENTIONS rule 7). */
export async function attemptMessage(ctx: AttemptContext, message: QueuedMessage): Promise<void> {
  try {
    const active = activeRecipients(message);
    if (active.length === 0) return await finishWithoutRecipients(ctx, message);
    if (isExpired(ctx, message)) return await recordOutcome(ctx, message, expiredResults(ctx, message, active));
    const { send, suppressed } = await withoutSuppressed(ctx, active);
    const results = suppressed;
    if (send.length > 0) {
      const raw = await loadAndSign(ctx, message);
      const jobs = await destinationJobs(ctx, message, send, raw);
      results.push(...(await Promise.all(jobs.map((job) => deliverToDestination(job, ctx.config, ctx.pool)))).flat());
    }
    await recordOutcome(ctx, message, results);
  } catch (err) {
    await recordUnexpectedError(ctx, message, err);
  }
}

function finishWithoutRecipients(ctx: AttemptContext, message: QueuedMessage): Promise<void> {
  return ctx.queue.recordAttempt(message.id, ctx.owner, [], { nextAttemptAt: null, finished: true, reason: 'no recipient left to deliver' });
}

/** RFC 5321 §4.5.4.1: give up after the configured lifetime, with a DSN, instead of retrying forever. */
function isExpired(ctx: AttemptContext, message: QueuedMessage): boolean {
  return ctx.now().getTime() >= Date.parse(message.expiresAt);
}

function expiredResults(ctx: AttemptContext, message: QueuedMessage, active: QueuedRecipient[]): RecipientResult[] {
  const hours = Math.round((Date.parse(message.expiresAt) - Date.parse(message.createdAt)) / 3_600_000);
  return active.map((r) => ({
    index: r.index,
    address: r.address,
    disposition: 'failed',
    code: null,
    status: '5.4.7',
    reason: 'expired',
    reply: `delivery time expired: not delivered within ${hours} hours${r.lastReply ? `; last reply: ${r.lastReply}` : ''}`,
    hop: null,
    hopName: null,
    tls: null,
  }));
}

/**
 * Recipients put on the suppression list after the message was queued (another message to them
 * bounced for good meanwhile) are not tried: the attempt could only bounce again and cost the
 * domain reputation. They fail at once, with the list entry in the reply, and the sender gets
 * the DSN. Failure policy: fail open; a list that cannot answer leaves the recipient to be tried.
 */
async function withoutSuppressed(ctx: AttemptContext, active: QueuedRecipient[]): Promise<{ send: QueuedRecipient[]; suppressed: RecipientResult[] }> {
  const send: QueuedRecipient[] = [];
  const suppressed: RecipientResult[] = [];
  for (const r of active) {
    const entry = ctx.suppressed ? await ctx.suppressed(r.address).catch(() => null) : null;
    if (!entry) send.push(r);
    else suppressed.push(suppressedResult(r, entry));
  }
  return { send, suppressed };
}

function suppressedResult(r: QueuedRecipient, entry: Suppression): RecipientResult {
  return {
    index: r.index,
    address: r.address,
    disposition: 'failed',
    code: null,
    status: /^5\.\d+\.\d+$/.test(entry.status) ? entry.status : '5.1.1',
    reason: entry.reason === 'manual' ? 'suppressed' : entry.reason,
    reply: `not sent: ${r.address} is on the suppression list since ${entry.createdAt.slice(0, 10)} (${entry.reason}); remove it there if the address works again`,
    hop: null,
    hopName: null,
    tls: null,
  };
}

/** DKIM signing runs last, on the exact bytes that leave: any later header change would break it. */
async function loadAndSign(ctx: AttemptContext, message: QueuedMessage): Promise<Buffer> {
  const raw = await ctx.queue.getRaw(message.id);
  if (!raw) throw new Error(`the stored body of ${message.id} is missing`);
  return ctx.sign ? ctx.sign(raw, message) : raw;
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase().replace(/\.$/, '');
}

const badAddress = (address: string): Classified => ({
  disposition: 'failed',
  code: null,
  status: '5.1.3',
  reply: `bad recipient address syntax: ${address}`,
  reason: 'syntaxerror',
});

/** One job per destination: the relay in smarthost mode, the recipient domain in MX mode. */
async function destinationJobs(
  ctx: AttemptContext,
  message: QueuedMessage,
  active: QueuedRecipient[],
  raw: Buffer,
): Promise<DestinationJob[]> {
  const byKey = new Map<string, UnitRecipient[]>();
  for (const r of active) {
    const key = ctx.config.mode === 'smarthost' ? 'smarthost' : domainOf(r.address);
    const unit = { index: r.index, address: r.address, returnPath: ctx.returnPath(message, r.index) };
    const list = byKey.get(key);
    if (list) list.push(unit);
    else byKey.set(key, [unit]);
  }
  return Promise.all(
    [...byKey].map(async ([key, rcpts]): Promise<DestinationJob> => {
      const route: Route = key === '' ? { ok: false, result: badAddress(rcpts[0].address) } : await routeFor(ctx, key);
      return { key, route, raw, rcpts };
    }),
  );
}

function routeFor(ctx: AttemptContext, key: string): Promise<Route> {
  let route = ctx.routes.get(key);
  if (!route) {
    route = resolveRoute(key, ctx.config, ctx.resolver);
    ctx.routes.set(key, route);
  }
  return route;
}
