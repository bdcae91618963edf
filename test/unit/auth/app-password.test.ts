import { describe, expect, it } from 'vitest';
import {
  APP_PASSWORD_ALPHABET,
  appPasswordEntropyBits,
  generateAppPassword,
  hashAppPassword,
  isWellFormedAppPassword,
  newAppPasswordKey,
  normalizeAppPassword,
  verifyAppPassword,
} from '../../../src/auth/app-password.js';

describe('app passwords', () => {
  it('carry at least 80 bits of entropy', () => {
    expect(appPasswordEntropyBits()).toBeGreaterThanOrEqual(80);
  });

  it('leave out letters that are easily confused', () => {
    for (const ambiguous of 'ilo01') expect(APP_PASSWORD_ALPHABET).not.toContain(ambiguous);
  });

  it('are shown as five dash-separated groups of four lower-case letters', () => {
    for (let i = 0; i < 200; i++) {
      const pw = generateAppPassword();
      expect(pw).toMatch(/^[a-z]{4}(-[a-z]{4}){4}$/);
      expect(isWellFormedAppPassword(normalizeAppPassword(pw))).toBe(true);
    }
  });

  it('use every letter of the alphabet with roughly equal frequency', () => {
    const counts = new Map<string, number>();
    const n = 2000;
    for (let i = 0; i < n; i++) for (const ch of normalizeAppPassword(generateAppPassword())) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const expected = (n * 20) / APP_PASSWORD_ALPHABET.length;
    expect(counts.size).toBe(APP_PASSWORD_ALPHABET.length);
    for (const c of counts.values()) expect(Math.abs(c - expected) / expected).toBeLessThan(0.2);
  });

  it('are never repeated', () => {
    const seen = new Set(Array.from({ length: 1000 }, generateAppPassword));
    expect(seen.size).toBe(1000);
  });

  it('normalise spaces, dashes, capitals and full-width input', () => {
    expect(normalizeAppPassword('ABCD efgh-JKMN  pqrs－tuvw')).toBe('abcdefghjkmnpqrstuvw');
    expect(normalizeAppPassword('ａｂｃｄーｅｆｇｈ')).toBe('abcdefgh');
  });

  it('verify however the user typed them', () => {
    const key = newAppPasswordKey('k1');
    const pw = generateAppPassword();
    const stored = hashAppPassword(pw, key);
    expect(stored).toMatch(/^hmac-sha256\$k1\$[\w-]{43}$/);
    expect(verifyAppPassword(stored, pw, key)).toBe(true);
    expect(verifyAppPassword(stored, pw.toUpperCase().replaceAll('-', ' '), key)).toBe(true);
    expect(verifyAppPassword(stored, generateAppPassword(), key)).toBe(false);
  });

  it('need the server key that made the hash, and survive key rotation', () => {
    const old = newAppPasswordKey('k1');
    const current = newAppPasswordKey('k2');
    const pw = generateAppPassword();
    const stored = hashAppPassword(pw, old);
    expect(verifyAppPassword(stored, pw, [current])).toBe(false);
    expect(verifyAppPassword(stored, pw, [current, old])).toBe(true);
    expect(verifyAppPassword(stored, pw, { id: 'k1', secret: current.secret })).toBe(false);
  });

  it('refuse malformed stored values and inputs', () => {
    const key = newAppPasswordKey('k1');
    expect(verifyAppPassword('$argon2id$v=19$xyz', 'abcd', key)).toBe(false);
    expect(verifyAppPassword(hashAppPassword(generateAppPassword(), key), 'too short', key)).toBe(false);
  });

  it('refuse a short server key', () => {
    expect(() => hashAppPassword(generateAppPassword(), { id: 'k', secret: Buffer.alloc(8) })).toThrow(/32/);
  });
});
