/**
 * Tells "the same wrong password again" from "another guess" without keeping any password.
 *
 * The SMTP layer passes `attemptKey(password)` with each attempt. It is an HMAC under a key drawn
 * at process start and never stored, so the value cannot be reversed or compared across
 * restarts or nodes, and the guard keeps it only for minutes. A client that repeats one failed
 * password (an old phone after a password change, typically behind the office NAT) gains an
 * attacker nothing, because it is the same guess each time; it is told so instead of being
 * counted as guessing.
 */
import { createHmac, randomBytes } from 'node:crypto';

const processKey = randomBytes(32);

export function attemptKey(password: string): string {
  return createHmac('sha256', processKey).update(password.normalize('NFKC'), 'utf8').digest('base64url');
}
