/**
 * App passwords: one random secret per device or mail client, so that a phone's leaked
 * credential can be revoked alone, and the account password is never stored on devices.
 *
 * Form: five groups of four lower-case letters, e.g. `hxkq-trwd-mzpa-fcye-ubns`. Letters only, with
 * i, l and o left out (confused with 1, I and 0), so it is easy to read aloud and type on a phone.
 * 23 letters ^ 20 positions = 90.4 bits of entropy (NIST SP 800-63B-4 asks 112 bits only for
 * secrets that may be attacked offline without a key; with the server key below, and the AUTH
 * guard online, 80 bits is the floor we hold ourselves to).
 *
 * Hashing: HMAC-SHA-256 keyed with a server secret, not argon2. A slow hash protects secrets that
 * people choose; a 90-bit random secret cannot be searched even at billions of guesses a second,
 * so slowness buys nothing, while mail clients authenticate on every connection and argon2's
 * ~19 MiB and tens of milliseconds per attempt would be paid all day. The key also means that a
 * stolen database alone does not let anyone test a guess. Stored form: `hmac-sha256$KEYID$DIGEST`,
 * so the key can be rotated while old hashes still verify.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { sayBoth, type Text } from '../core/i18n.js';

export const APP_PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz';
export const APP_PASSWORD_GROUPS = 5;
export const APP_PASSWORD_GROUP_LENGTH = 4;
const LENGTH = APP_PASSWORD_GROUPS * APP_PASSWORD_GROUP_LENGTH;
const SCHEME = 'hmac-sha256';
/** A key shorter than the digest would be the weakest link. */
const MIN_KEY_BYTES = 32;

export interface AppPasswordKey {
  /** Short identifier stored with each hash, so that rotated keys can coexist. */
  id: string;
  secret: Buffer;
}

/** log2(alphabet ^ length): the entropy of a generated app password, in bits. */
export function appPasswordEntropyBits(): number {
  return LENGTH * Math.log2(APP_PASSWORD_ALPHABET.length);
}

/** A fresh app password, grouped with dashes for display. Uniform: randomInt has no modulo bias. */
export function generateAppPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < APP_PASSWORD_GROUPS; g++) {
    let group = '';
    for (let i = 0; i < APP_PASSWORD_GROUP_LENGTH; i++) group += APP_PASSWORD_ALPHABET[randomInt(APP_PASSWORD_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/**
 * What a person typed, in canonical form: NFKC (full-width letters from a Japanese IME), then
 * spaces and dashes removed (including the IME's long-vowel mark "ー" and Unicode dashes that
 * phones substitute), then lower case.
 */
export function normalizeAppPassword(input: string): string {
  return input.normalize('NFKC').replace(/[\s\-\u2010-\u2015\u2212\u30fc]/gu, '').toLowerCase();
}

export function isWellFormedAppPassword(normalized: string): boolean {
  if (normalized.length !== LENGTH) return false;
  for (const ch of normalized) if (!APP_PASSWORD_ALPHABET.includes(ch)) return false;
  return true;
}

/** A new random server key for app-password hashing (to be stored as a secret in the config). */
export function newAppPasswordKey(id: string): AppPasswordKey {
  return { id, secret: randomBytes(MIN_KEY_BYTES) };
}

export function hashAppPassword(input: string, key: AppPasswordKey): string {
  checkKey(key);
  return `${SCHEME}$${key.id}$${digest(normalizeAppPassword(input), key.secret).toString('base64url')}`;
}

/**
 * True when `input` matches the stored hash under the key it names. An unknown key, a foreign
 * scheme or a malformed input is simply false: the AUTH phase treats all alike as a failure.
 */
export function verifyAppPassword(stored: string, input: string, keys: AppPasswordKey | readonly AppPasswordKey[]): boolean {
  const [scheme, keyId, encoded] = stored.split('$');
  if (scheme !== SCHEME || !keyId || !encoded) return false;
  const key = (Array.isArray(keys) ? keys : [keys]).find((k: AppPasswordKey) => k.id === keyId);
  if (!key) return false;
  const normalized = normalizeAppPassword(input);
  // the format of a guess is no secret, so refusing malformed input early leaks nothing
  if (!isWellFormedAppPassword(normalized)) return false;
  const expected = Buffer.from(encoded, 'base64url');
  const actual = digest(normalized, key.secret);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function digest(normalized: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(normalized, 'utf8').digest();
}

/** A misconfigured key is an operator error: refuse loudly rather than hash with a weak key. */
function checkKey(key: AppPasswordKey): void {
  if (key.secret.length < MIN_KEY_BYTES) {
    throw new RangeError(sayBoth(keyTooShort, { id: key.id, min: MIN_KEY_BYTES }));
  }
  if (!/^[\w-]+$/.test(key.id)) throw new RangeError(sayBoth(badKeyId));
}

const keyTooShort: Text = {
  en: 'The app-password key "{id}" must be at least {min} bytes long.',
  ja: 'アプリパスワード用の鍵「{id}」は {min} バイト以上必要です。',
};
const badKeyId: Text = {
  en: 'An app-password key id may contain only letters, digits, "_" and "-".',
  ja: 'アプリパスワード用の鍵 ID には英数字、「_」、「-」のみ使えます。',
};
