import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { checkPassword, type PasswordProblem } from '../auth/password-policy/index.js';
import { hashPassword } from '../auth/password-hash.js';
import type { Admin, AdminRole, Store } from '../storage/ports/index.js';
import type { TotpSeal } from './totp-seal.js';

/**
 * Administrator lifecycle shared by the admin CLI and the API: creation with the project's
 * password policy, TOTP enrolment (RFC 6238, 30 s, 6 digits, SHA-1 for authenticator-app
 * compatibility) and one-time recovery codes.
 */
export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
export const RECOVERY_CODE_COUNT = 10;
/** 31 symbols without look-alikes (0/o, 1/l/i); 20 of them carry 99 bits. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export interface Enrolment {
  admin: Admin;
  otpauthUri: string;
  recoveryCodes: string[];
}

export type CreateResult = { ok: true; enrolment: Enrolment } | { ok: false; problems: PasswordProblem[] } | { ok: false; exists: true };

export function generateRecoveryCodes(n = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: n }, () =>
    Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('')).join('-'),
  );
}

/**
 * Recovery codes are random with 99 bits, so a fast hash is enough (as with app passwords):
 * a slow one would only slow down sign-in while protecting nothing a search could find.
 */
export function recoveryDigest(code: string): string {
  return createHash('sha256').update(code.normalize('NFKC').replace(/[\s-]/g, '').toLowerCase()).digest('hex');
}

/** The administrator's TOTP generator; the stored secret is opened with the installation's seal. */
export function totpOf(admin: Pick<Admin, 'username' | 'totpSecret'>, issuer: string, seal: TotpSeal): TOTP | null {
  if (!admin.totpSecret) return null;
  return totpFor(admin.username, seal.open(admin.totpSecret), issuer);
}

function totpFor(username: string, secret: string, issuer: string): TOTP {
  return new TOTP({ issuer, label: username, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

function newMfa(): { secret: string; codes: string[] } {
  return { secret: new Secret({ size: 20 }).base32, codes: generateRecoveryCodes() };
}

export async function createAdmin(store: Store, input: { username: string; role: AdminRole; password: string; issuer: string }, seal: TotpSeal): Promise<CreateResult> {
  if (await store.admins.get(input.username)) return { ok: false, exists: true };
  const verdict = await checkPassword(input.password, { account: input.username, name: input.username });
  if (!verdict.ok) return { ok: false, problems: verdict.problems };
  const mfa = newMfa();
  const admin = await store.admins.create({
    id: randomBytes(12).toString('base64url'),
    username: input.username,
    passwordHash: await hashPassword(input.password),
    totpSecret: seal.seal(mfa.secret),
    recoveryCodes: mfa.codes.map(recoveryDigest),
    role: input.role,
  });
  return { ok: true, enrolment: { admin, otpauthUri: totpFor(admin.username, mfa.secret, input.issuer).toString(), recoveryCodes: mfa.codes } };
}

/** A new TOTP secret and new recovery codes; the old ones stop working at once. */
export async function resetMfa(store: Store, username: string, issuer: string, seal: TotpSeal): Promise<Enrolment | null> {
  const mfa = newMfa();
  const admin = await store.admins.update(username, { totpSecret: seal.seal(mfa.secret), totpLastStep: null, recoveryCodes: mfa.codes.map(recoveryDigest) });
  if (!admin) return null;
  return { admin, otpauthUri: totpFor(admin.username, mfa.secret, issuer).toString(), recoveryCodes: mfa.codes };
}

/**
 * Checks a second factor: a 6-digit TOTP code (one step of clock drift either way, and never a
 * step already used) or a recovery code, which is then spent.
 */
export async function verifySecondFactor(store: Store, admin: Admin, code: string, seal: TotpSeal, now = Date.now()): Promise<'totp' | 'recovery' | null> {
  const trimmed = code.replace(/\s/g, '');
  if (/^\d{6}$/.test(trimmed)) {
    const totp = totpOf(admin, 'Mailwarden', seal);
    const delta = totp?.validate({ token: trimmed, timestamp: now, window: 1 });
    if (delta === null || delta === undefined || !totp) return null;
    const step = totp.counter({ timestamp: now }) + delta;
    if (!(await store.admins.acceptTotpStep(admin.username, step))) return null;
    // A secret stored in clear by an older version is sealed now that it is known to work.
    if (admin.totpSecret && !seal.isSealed(admin.totpSecret)) await store.admins.update(admin.username, { totpSecret: seal.seal(seal.open(admin.totpSecret)) });
    return 'totp';
  }
  const digest = recoveryDigest(trimmed);
  // Compare against every stored digest in constant time before asking the store to spend it.
  const known = admin.recoveryCodes.reduce((hit, d) => safeEqual(d, digest) || hit, false);
  if (!known) return null;
  return (await store.admins.consumeRecoveryCode(admin.username, digest)) ? 'recovery' : null;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What may leave the server about an administrator: never the hash, secret or codes. */
export function adminView(a: Admin) {
  return {
    id: a.id,
    username: a.username,
    role: a.role,
    createdAt: a.createdAt,
    lastLoginAt: a.lastLoginAt,
    lastLoginIp: a.lastLoginIp,
    failedLogins: a.failedLogins,
    lockedUntil: a.lockedUntil,
    mfaEnrolled: a.totpSecret !== null,
    recoveryCodesLeft: a.recoveryCodes.length,
  };
}
