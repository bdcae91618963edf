import { describe, expect, it } from 'vitest';
import { checkPassword, effectiveMinLength, MAX_LENGTH } from '../../../src/auth/password-policy/index.js';
import { hashPassword } from '../../../src/auth/password-hash.js';

const tanaka = {
  account: 't.tanaka@example.co.jp',
  name: 'Taro Tanaka',
  orgDomain: 'example.co.jp',
  orgName: 'Example Bus',
};

/** [what, candidate, expected problem code or null when accepted] */
const table: [string, string, string | null][] = [
  ['a short password is refused', 'Tr0ub4dor&3', 'password:too-short'],
  ['the empty password is refused', '', 'password:too-short'],
  ['a common password is refused', 'iloveyou1234', 'password:common'],
  ['a breached password with look-alikes and digits is refused', 'P@ssw0rd12345', 'password:common'],
  ['a breached password typed full-width is refused', 'ｐａｓｓｗｏｒｄ１２３４', 'password:common'],
  ['a breached password with a year appended is refused', 'qwertyuiop2024!', 'password:common'],
  ['the user name with a year is refused', 'Tanaka2024!!!!', 'password:context'],
  ['the user name in look-alikes is refused', 't4n4k4_t4r0_2024', 'password:context'],
  ['the service name with substitutions is refused', 'M@ilw4rd3n2025', 'password:context'],
  ['the company domain with digits is refused', 'example.co.jp123', 'password:context'],
  ['the company name with digits is refused', 'ExampleBus-0123', 'password:context'],
  ['a keyboard walk is refused as weak', 'asdfghjklzxcv', 'password:weak'],
  ['a repeated character is refused as repetitive', 'bbbbbbbbbbbbbbbb', 'password:repetitive'],
  ['a repeated pattern is refused as repetitive', 'xyzxyzxyzxyzxyz', 'password:repetitive'],
  ['one word twice around a year is refused', 'M@il-2025-M@il', 'password:repetitive'],
  ['a word and year typed twice is refused', 'Summer2025!!Summer2025!!', 'password:repetitive'],
  ['doubled words are refused', 'blue-blue-sky-sky-2025', 'password:repetitive'],
  ['a doubled Japanese word with a year is refused', 'さくらさくら2025年', 'password:repetitive'],
  ['a control character is refused', 'horse\tbattery staple', 'password:control-characters'],
  ['a Japanese passphrase is accepted', '今日は良い天気ですね散歩に行こう', null],
  ['a hiragana passphrase is accepted', 'きょうはとてもいいてんきですね', null],
  ['a passphrase of unrelated words is accepted', 'sakura-mizu-tokei-hana', null],
  ['a passphrase with spaces is accepted', 'violet anchor drizzle compass', null],
  ['a 64-character passphrase is accepted', 'orbit lantern meadow '.repeat(3) + 'quietly!', null],
  ['a 200-character password is accepted', 'Kx7#mQ2v!pL9 '.repeat(15) + 'ok', null],
];

describe('checkPassword', () => {
  it.each(table)('%s', async (_what, candidate, code) => {
    const verdict = await checkPassword(candidate, tanaka);
    if (code === null) {
      expect(verdict.problems).toEqual([]);
      expect(verdict.ok).toBe(true);
      expect(verdict.score).toBeGreaterThanOrEqual(3);
    } else {
      expect(verdict.ok).toBe(false);
      expect(verdict.problems.map((p) => p.code)).toContain(code);
    }
  });

  it('explains every problem in English and Japanese, with a fix', async () => {
    const verdict = await checkPassword('P@ssw0rd', tanaka);
    expect(verdict.problems.length).toBeGreaterThan(0);
    for (const p of verdict.problems) {
      for (const text of [p.message, p.fix]) {
        expect(text.en).toMatch(/[a-z]/);
        expect(text.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/u);
        expect(`${text.en}${text.ja}`).not.toMatch(/\{\w+\}/);
      }
    }
  });

  it('counts length in code points after NFKC', async () => {
    // 11 kanji and kana: one character each, although 33 bytes in UTF-8
    const verdict = await checkPassword('春夏秋冬東西南北上下左', {});
    expect(verdict.problems[0].code).toBe('password:too-short');
    expect(verdict.problems[0].message.en).toContain('11 characters');
  });

  it('refuses passwords longer than the cap without analysing them', async () => {
    const verdict = await checkPassword('x'.repeat(MAX_LENGTH + 1));
    expect(verdict.problems.map((p) => p.code)).toEqual(['password:too-long']);
  });

  it('honours a configured minimum length, but never below 8 nor above 64', async () => {
    expect((await checkPassword('violet anchor drizzle', { minLength: 24 })).problems[0].code).toBe('password:too-short');
    expect(effectiveMinLength(4)).toBe(8);
    expect(effectiveMinLength(100)).toBe(64);
    expect(effectiveMinLength(undefined)).toBe(12);
  });

  it('refuses one of the last five passwords and accepts an older one', async () => {
    const candidate = 'violet anchor drizzle compass';
    const recent = [await hashPassword('another one entirely'), await hashPassword(candidate)];
    const reused = await checkPassword(candidate, { previousHashes: recent });
    expect(reused.problems.map((p) => p.code)).toEqual(['password:reused']);

    const filler = await hashPassword('filler passphrase number');
    const older = [filler, filler, filler, filler, filler, await hashPassword(candidate)];
    expect((await checkPassword(candidate, { previousHashes: older })).ok).toBe(true);
  });

  it('recognises the history through NFKC: full-width input matches an ASCII hash', async () => {
    const history = [await hashPassword('violet anchor drizzle compass')];
    const fullWidth = 'ｖｉｏｌｅｔ ａｎｃｈｏｒ ｄｒｉｚｚｌｅ ｃｏｍｐａｓｓ';
    expect((await checkPassword(fullWidth, { previousHashes: history })).problems[0]?.code).toBe('password:reused');
  });

  it('does not take an unrelated passphrase for a context word', async () => {
    expect((await checkPassword('mailbox sunrise garden ferry', tanaka)).ok).toBe(true);
  });
});
