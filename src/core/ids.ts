import { randomBytes } from 'node:crypto';

let lastMs = -1;
let sequence = 0;

/**
 * Queue ids sort by time (useful when reading logs), then by a counter within the millisecond,
 * and carry 40 random bits to stay unique across nodes. The counter keeps ids of one process in
 * the order they were made, so that records stored within the same millisecond (the notices of
 * one mailbox poll) list in arrival order where the time ties and the id decides.
 */
export function queueId(now = Date.now()): string {
  if (now === lastMs) sequence++;
  else {
    lastMs = now;
    sequence = 0;
  }
  return `${now.toString(36).toUpperCase()}${sequence.toString(36).toUpperCase().padStart(3, '0')}${randomBytes(5).toString('hex').toUpperCase()}`;
}

export function sessionId(): string {
  return randomBytes(8).toString('hex');
}
