import { GatewayError } from '../errors/catalogue.js';
import { allowedSender, type SenderField } from '../policy/identity.js';
import type { SessionUser, SubmissionPorts } from './types.js';

/**
 * Sender identity: an account may use only its own address or its aliases, in the envelope
 * and in the From and Sender headers. A stolen password then cannot send as the CEO. The
 * rule is the policy's (`src/policy/identity.ts`), applied here with the user store's aliases.
 */
export function allowedAddress(user: SessionUser, address: string): boolean {
  return allowedSender(address, user.address, user.aliases);
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

/**
 * Tells the policy that an account's session was refused for its sender (`SENDER_NOT_ALLOWED`):
 * recorded, and a run of such attempts restricts the account. A device has no account of its own
 * to restrict and is left to its own rules.
 */
export function reportRefusedSender(err: unknown, user: SessionUser, session: { remoteAddress: string; id: string }, ports: SubmissionPorts): void {
  if (!(err instanceof GatewayError) || err.code !== 'SENDER_NOT_ALLOWED' || user.device !== undefined) return;
  ports.senderRefused?.({
    account: user.address,
    ip: session.remoteAddress,
    field: String(err.params.field) as SenderField,
    address: String(err.params.address),
    sessionId: session.id,
  });
}
