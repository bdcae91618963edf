import type { BounceEvent, ReplayEvent } from '../events/replay.js';
import type { Logger } from '../observability/logger.js';
import type { InboundOutcome, QueuedMessage, QueuedRecipient, QueueStore, Store } from '../storage/ports/index.js';
import type { BounceRecipient, BounceResult } from './parse/index.js';
import type { BounceRates } from './rates.js';
import type { BounceToken } from './rcpt-to.js';
import { recordSpoofing } from './spoofing.js';
import { suppressAfterBounce, suppresses } from './suppression.js';

export interface CorrelateDeps {
  store: Store;
  policy: { observe(event: ReplayEvent): void };
  rates: BounceRates;
  logger: Logger;
}

export interface CorrelateInput {
  inboundId: string;
  raw: Buffer;
  result: BounceResult;
  /** Verified return-path token; null when the notice came without one (mailbox, report address). */
  token: BounceToken | null;
  envelopeFrom: string;
  receivedAt: string;
}

interface Pair {
  rcpt: QueuedRecipient;
  entry: BounceRecipient;
}

/**
 * Ties a bounce or complaint to the message and recipient it answers, then: the recipient's
 * status, the event the detection engine reads (live now, and at warm-up after a restart),
 * the suppression list, and the account's rates. A bounce for nothing this gateway sent is
 * evidence that the domain is spoofed.
 */
export async function correlate(input: CorrelateInput, deps: CorrelateDeps): Promise<InboundOutcome> {
  const message = await findMessage(input, deps.store.queue);
  if (!message && input.token) return unmatched(input);
  if (!message) return recordSpoofing(input, deps);
  const results = [];
  for (const pair of pairRecipients(message, input)) results.push(await applyOne(message, pair, input, deps));
  const applied = results.filter((r) => r.status !== 'ignored');
  const rates = applied.length ? await deps.rates.check(message.account, input.receivedAt) : null;
  return {
    state: 'handled',
    kind: input.result.kind === 'complaint' ? 'complaint' : 'bounce',
    account: message.account,
    queueId: message.id,
    summary: { messageId: message.messageId, format: input.result.format ?? null, recipients: results, rates, token: input.token !== null },
    error: null,
  };
}

/** The token names the message exactly; without one, the original Message-ID is all there is. */
async function findMessage(input: CorrelateInput, queue: QueueStore): Promise<QueuedMessage | null> {
  if (input.token) {
    // queue ids are issued in upper case; return paths carry them folded to lower case
    return (await queue.get(input.token.queueId.toUpperCase())) ?? (await queue.get(input.token.queueId));
  }
  const mid = input.result.originalMessageId;
  if (!mid) return null;
  const found = [...(await queue.findByMessageId(mid)), ...(await queue.findByMessageId(mid.replace(/^<|>$/g, '')))];
  return found.find((m) => !m.isDsn) ?? null;
}

/** A signed bounce whose message has left the queue: ours, but nothing left to update. */
function unmatched(input: CorrelateInput): InboundOutcome {
  const summary = { token: input.token, messageId: input.result.originalMessageId, recipients: input.result.recipients.map((r) => r.address) };
  return { state: 'handled', kind: 'unmatched', account: null, queueId: input.token?.queueId ?? null, summary, error: null };
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function pairRecipients(message: QueuedMessage, input: CorrelateInput): Pair[] {
  const entries = input.result.recipients;
  const fallback = (rcpt: QueuedRecipient): BounceRecipient =>
    entries.find((e) => same(e.address, rcpt.address)) ??
    entries.find((e) => e.action === 'failed') ??
    entries[0] ?? { address: rcpt.address, action: 'failed', status: '', reason: input.result.kind === 'complaint' ? 'feedback' : 'undefined', diagnostic: '', remoteMta: null };
  if (input.token) {
    // each return path is issued for one recipient: the token says which, whatever the notice lists
    const rcpt = message.recipients.find((r) => r.index === input.token!.rcptIndex);
    return rcpt ? [{ rcpt, entry: fallback(rcpt) }] : [];
  }
  const pairs = message.recipients.flatMap((rcpt) => {
    const entry = entries.find((e) => same(e.address, rcpt.address));
    return entry ? [{ rcpt, entry }] : [];
  });
  if (pairs.length === 0 && message.recipients.length === 1) return [{ rcpt: message.recipients[0], entry: fallback(message.recipients[0]) }];
  return pairs;
}

async function applyOne(message: QueuedMessage, { rcpt, entry }: Pair, input: CorrelateInput, deps: CorrelateDeps) {
  const complaint = input.result.kind === 'complaint';
  // a delay notice changes nothing: delivery is still being tried by the remote side
  if (!complaint && entry.action !== 'failed') return { address: rcpt.address, status: 'ignored', action: entry.action };
  // the same notice again (a mailbox copy read twice, a remote MTA retrying): counted once
  if (rcpt.status === (complaint ? 'complaint' : 'bounced')) return { address: rcpt.address, status: 'ignored', action: 'duplicate' };
  const event: BounceEvent = {
    ts: input.receivedAt,
    type: 'bounce',
    account: message.account,
    messageId: message.messageId,
    rcpt: rcpt.address,
    status: entry.status,
    reason: complaint ? 'feedback' : entry.reason,
  };
  const reply = entry.diagnostic || `${entry.status} ${event.reason}`.trim();
  await deps.store.queue.markRecipient(message.id, rcpt.index, complaint ? 'complaint' : 'bounced', reply);
  await deps.store.events.append({ ts: event.ts, code: complaint ? 'bounce:complaint' : 'bounce:received', account: message.account, data: { ...event } });
  deps.policy.observe(event);
  let suppressed = false;
  if (!complaint && suppresses(entry)) {
    const added = await suppressAfterBounce(deps.store, rcpt.address, entry, message.id, input.receivedAt);
    if (added) await deps.store.events.append({ ts: event.ts, code: 'suppression:added', account: message.account, data: { address: rcpt.address.toLowerCase(), reason: entry.reason, status: entry.status, queueId: message.id } });
    suppressed = true;
  }
  deps.logger.info({ queueId: message.id, account: message.account, rcpt: rcpt.address, status: entry.status, reason: event.reason, suppressed }, complaint ? 'complaint received' : 'bounce received');
  return { address: rcpt.address, status: entry.status, reason: event.reason, diagnostic: entry.diagnostic, suppressed };
}
