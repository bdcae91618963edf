import { GatewayError } from '../errors/catalogue.js';
import type { Logger } from '../observability/logger.js';
import type { Store, Suppression } from '../storage/ports/index.js';
import type { BounceRecipient } from './parse/index.js';

/**
 * Reasons that say the address itself is gone (Sisimai taxonomy): sending again can only
 * bounce again. Full mailboxes, filters, blocks and policy refusals are not here: they depend
 * on the message or pass with time, and suppressing them would stop legitimate mail.
 */
export const SUPPRESS_REASONS: ReadonlySet<string> = new Set(['userunknown', 'hostunknown', 'hasmoved', 'notaccept']);

/** RFC 3463 address statuses (bad mailbox, bad domain, syntax, moved, bad destination system). */
const ADDRESS_STATUS = /^5\.1\.(1|2|3|6|10)$/;

/** True when a bounce entry should put its address on the suppression list. */
export function suppresses(entry: Pick<BounceRecipient, 'status' | 'reason' | 'action'>): boolean {
  if (entry.action !== 'failed' || !/^5\./.test(entry.status)) return false;
  if (SUPPRESS_REASONS.has(entry.reason)) return true;
  return ADDRESS_STATUS.test(entry.status) && (entry.reason === '' || entry.reason === 'undefined');
}

/** Adds a hard-bounced address; returns true when it was not suppressed before. */
export function suppressAfterBounce(store: Store, address: string, entry: Pick<BounceRecipient, 'status' | 'reason'>, queueId: string, at: string): Promise<boolean> {
  return store.suppression.add({ address, reason: entry.reason || 'undefined', status: entry.status, sourceQueueId: queueId, createdBy: 'bounce', createdAt: at });
}

export function suppressedError(entry: Suppression): GatewayError {
  return new GatewayError('RCPT_SUPPRESSED', { address: entry.address, date: entry.createdAt.slice(0, 10), reason: entry.reason });
}

/**
 * The RCPT TO check of the submission pipeline: a suppressed address is refused with the date
 * and reason, so the sender learns why at once instead of through another bounce. Failure
 * policy: fail open. When the store cannot answer, the recipient is accepted (and the problem
 * logged): the message commit needs the same store and will refuse with a temporary error.
 */
export function suppressionCheck(store: Store, logger: Logger): (address: string) => Promise<GatewayError | null> {
  return async (address) => {
    try {
      const entry = await store.suppression.get(address);
      return entry ? suppressedError(entry) : null;
    } catch (err) {
      logger.error({ err }, 'suppression list unavailable; recipient accepted');
      return null;
    }
  };
}
