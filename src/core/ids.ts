import { randomBytes } from 'node:crypto';

/** Queue ids sort by time (useful when reading logs) and carry 48 random bits to stay unique across nodes. */
export function queueId(now = Date.now()): string {
  return `${now.toString(36).toUpperCase()}${randomBytes(6).toString('hex').toUpperCase()}`;
}

export function sessionId(): string {
  return randomBytes(8).toString('hex');
}
