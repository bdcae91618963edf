import { GatewayError } from '../errors/catalogue.js';
import type { AuthEvent } from '../events/replay.js';
import { MALFORMED_AUTH } from '../smtp/auth.malformed.js';
import type { AuthOutcome } from '../smtp/types.js';
import type { Account, Store } from '../storage/ports/index.js';
import type { CredentialCache } from './credential-cache.js';
import { hashPassword, verifyPassword } from './password-hash.js';

/** Checks a username and password or app password; decides nothing about rates (the guard does). */
export interface CredentialCheck {
  username: string;
  password: string;
  ip: string;
  mechanism: string;
}

export interface AppPasswordVerifier {
  /** Returns the id of the app password of `account` that matches, if any. */
  match(account: Account, password: string): Promise<string | null>;
}

/** Longer than any passphrase a person types (64 allowed by the policy, with room for Unicode). */
export const MAX_PASSWORD_LENGTH = 1024;
/** RFC 5321 §4.5.3.1: an address has at most 64 + 1 + 255 octets. */
const MAX_USERNAME_LENGTH = 320;

/** A malformed AUTH (counted as a failure by the SMTP layer), or a name or password no real client sends. */
function wellFormed(req: CredentialCheck, address: string): boolean {
  if (req.mechanism === MALFORMED_AUTH || !address || address.length > MAX_USERNAME_LENGTH) return false;
  return req.password.length > 0 && req.password.length <= MAX_PASSWORD_LENGTH && !req.password.includes('\u0000');
}

let dummyHash: Promise<string> | undefined;

/**
 * An unknown user costs the same argon2 work as a known one, so response time does not tell
 * an attacker which addresses exist (no user enumeration).
 */
function burnEquivalentWork(password: string): Promise<boolean> {
  dummyHash ??= hashPassword('mailwarden-no-such-user-placeholder');
  return dummyHash.then((h) => verifyPassword(h, password));
}

export interface CredentialOptions {
  /** Recently verified primary passwords (src/auth/credential-cache.ts); argon2 every time when absent. */
  cache?: CredentialCache;
  /** Counts argon2 verifications (benchmarks and the brute-force test check how few there are). */
  onHash?: () => void;
  /** `auth.appPasswordsOnly`: the primary password is refused on SMTP for every account. */
  appPasswordsOnly?: boolean;
}

export async function checkCredentials(
  store: Store,
  req: CredentialCheck,
  appPasswords: AppPasswordVerifier,
  options: CredentialOptions = {},
): Promise<AuthOutcome & { event: AuthEvent }> {
  const address = req.username.trim().toLowerCase();
  const event: AuthEvent = { ts: new Date().toISOString(), type: 'auth', account: address, ip: req.ip, ok: false, mechanism: req.mechanism };
  // Refused before any look-up or hash, whoever the user: nothing here depends on the account.
  if (!wellFormed(req, address)) return { ok: false, error: new GatewayError('AUTH_FAILED'), event };
  const account = await store.accounts.get(address);
  if (!account || account.disabled) {
    options.onHash?.();
    await burnEquivalentWork(req.password);
    return { ok: false, error: new GatewayError('AUTH_FAILED'), event };
  }
  const appPasswordId = await appPasswords.match(account, req.password);
  if (appPasswordId) {
    return { ok: true, account, appPasswordId, event: { ...event, ok: true, appPassword: true } };
  }
  const appOnly = account.appPasswordsOnly || options.appPasswordsOnly === true;
  if (!appOnly && options.cache?.matches(account, req.password)) return { ok: true, account, appPasswordId: null, event: { ...event, ok: true } };
  options.onHash?.();
  const primaryOk = await verifyPassword(account.passwordHash, req.password);
  if (!primaryOk) return { ok: false, error: new GatewayError('AUTH_FAILED'), event };
  // Told only to someone who knows the primary password: no enumeration through this reply.
  if (appOnly) return { ok: false, error: new GatewayError('AUTH_APP_PASSWORD_REQUIRED'), event };
  // After a compromise the old password is burnt: it stays refused until someone sets a new one.
  if (account.mustChangePassword) return { ok: false, error: new GatewayError('PASSWORD_CHANGE_REQUIRED'), event };
  options.cache?.remember(account, req.password);
  return { ok: true, account, appPasswordId: null, event: { ...event, ok: true } };
}
