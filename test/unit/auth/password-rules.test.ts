/**
 * The rejection rules of the password policy on the passwords people really choose, as named in
 * the issue that introduced the policy, and the long passphrases it must accept.
 */
import { describe, expect, it } from 'vitest';
import { checkPassword } from '../../../src/auth/password-policy/index.js';

/** A bus company like the one in the incident that started this project. */
const shinki = { account: 'tanaka@shinkibus.co.jp', name: 'Tanaka Hiroshi', orgDomain: 'shinkibus.co.jp', orgName: 'Shinki Bus' };

/** [what, candidate, a problem code it must get] */
const refused: [string, string, string][] = [
  ['"Password1!" (too short, and on every breached list)', 'Password1!', 'password:too-short'],
  ['"Password1!" made long enough', 'Password1!2024', 'password:common'],
  ['"tanaka2024" (too short)', 'tanaka2024', 'password:too-short'],
  ['the user\'s name and a year, long enough', 'tanaka2024!!!', 'password:context'],
  ['"Sh1nk1bus!" with a year: the company name in look-alikes', 'Sh1nk1bus!2024', 'password:context'],
  ['the company name with the domain\'s spelling', 'ShinkiBus#0001', 'password:context'],
  ['the company domain', 'shinkibus.co.jp!', 'password:context'],
  ['"mail" with substitutions and a year', 'M@il2025!!!!', 'password:context'],
  ['the product name with a year', 'Mailwarden2025', 'password:context'],
  ['the user\'s given name and birth date', 'hiroshi19850412', 'password:context'],
  ['a keyboard walk', 'qwertyuiop[]', 'password:common'],
  ['a keyboard walk by columns', '1qaz2wsx3edc', 'password:common'],
  ['a Japanese word in romaji with digits', 'sakura12345678', 'password:weak'],
  ['a Japanese greeting in romaji with a year', 'arigatou2024!!', 'password:common'],
];

const accepted: [string, string][] = [
  ['four unrelated words', 'violet anchor drizzle compass'],
  ['a romaji passphrase of unrelated words', 'kumo-tokei-ringo-densha-umi'],
  ['a Japanese sentence', '毎朝バスで海沿いの道を走る'],
  ['a long sentence with punctuation', 'The 7:40 bus to Himeji was late again, twice!'],
];

describe('password rules on real examples', () => {
  it.each(refused)('refuses %s', async (_what, candidate, code) => {
    const verdict = await checkPassword(candidate, shinki);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.map((p) => p.code)).toContain(code);
    for (const p of verdict.problems) {
      expect(p.message.en.length).toBeGreaterThan(0);
      expect(p.message.ja.length).toBeGreaterThan(0);
    }
  });

  it.each(accepted)('accepts %s', async (_what, candidate) => {
    const verdict = await checkPassword(candidate, shinki);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
  });
});
