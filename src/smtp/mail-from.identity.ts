import { GatewayError } from '../errors/catalogue.js';
import type { SessionUser } from './types.js';

/**
 * Sender identity: an account may use only its own address or its aliases, in the envelope
 * and in the From and Sender headers. A stolen password then cannot send as the CEO.
 */
export function allowedAddress(user: SessionUser, address: string): boolean {
  const a = address.trim().toLowerCase();
  return a === user.address || user.aliases.includes(a);
}

export function checkEnvelopeSender(user: SessionUser, mailFrom: string): void {
  if (!mailFrom) throw new GatewayError('NULL_SENDER');
  if (!allowedAddress(user, mailFrom)) {
    throw new GatewayError('SENDER_NOT_ALLOWED', { field: 'MAIL FROM', address: mailFrom, account: user.address });
  }
}

export function checkHeaderSenders(user: SessionUser, from: string[], sender: string | null): void {
  if (from.length === 0) {
    throw new GatewayError('BAD_MESSAGE', { problem: 'the message has no From header (RFC 5322 requires one)' });
  }
  for (const address of from) {
    if (!allowedAddress(user, address)) {
      throw new GatewayError('SENDER_NOT_ALLOWED', { field: 'From header', address, account: user.address });
    }
  }
  if (sender !== null && !allowedAddress(user, sender)) {
    throw new GatewayError('SENDER_NOT_ALLOWED', { field: 'Sender header', address: sender || '(empty)', account: user.address });
  }
}
