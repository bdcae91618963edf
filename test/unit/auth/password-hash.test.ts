import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from '../../../src/auth/password-hash.js';

describe('password hashing', () => {
  it('produces an argon2id PHC string with the OWASP parameters', async () => {
    const hash = await hashPassword('violet anchor drizzle compass');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(needsRehash(hash)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('violet anchor drizzle compass');
    expect(await verifyPassword(hash, 'violet anchor drizzle compass')).toBe(true);
    expect(await verifyPassword(hash, 'violet anchor drizzle compas')).toBe(false);
  });

  it('normalises with NFKC, so full-width and half-width input are the same password', async () => {
    const hash = await hashPassword('ﾊﾟｽﾜｰﾄﾞ ｐａｓｓ');
    expect(await verifyPassword(hash, 'パスワード pass')).toBe(true);
  });

  it('answers false, not an error, for a malformed hash', async () => {
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    expect(needsRehash('not a hash')).toBe(true);
  });

  it('asks for a rehash of a hash made with weaker parameters', () => {
    const weak = '$argon2id$v=19$m=4096,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$ZmFrZWhhc2hmYWtlaGFzaGZha2VoYXNoZmFrZWg';
    expect(needsRehash(weak)).toBe(true);
  });
});
