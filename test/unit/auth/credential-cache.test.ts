import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialCache } from '../../../src/auth/credential-cache.js';
import { checkCredentials, type AppPasswordVerifier } from '../../../src/auth/credentials.js';
import { hashPassword } from '../../../src/auth/password-hash.js';
import type { Store } from '../../../src/storage/ports/index.js';
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';

const A = 'tanaka@example.co.jp';
const PW = 'correct horse battery staple 猫';
const noAppPasswords: AppPasswordVerifier = { match: async () => null };
const req = (password: string, username = A) => ({ username, password, ip: '192.0.2.10', mechanism: 'PLAIN' });

describe('credential cache', () => {
  let store: Store;
  let now: number;
  let cache: CredentialCache;
  let hashes: number;
  const check = (password: string, username = A) =>
    checkCredentials(store, req(password, username), noAppPasswords, { cache, onHash: () => void hashes++ });

  beforeEach(async () => {
    store = openSqliteStore(':memory:');
    await store.accounts.create({ address: A, name: 'Tanaka', passwordHash: await hashPassword(PW) });
    now = Date.parse('2030-01-01T09:00:00Z');
    cache = new CredentialCache({ ttlMs: 5 * 60_000, maxEntries: 100, clock: () => now });
    hashes = 0;
  });
  afterEach(async () => {
    await store.close();
  });

  it('verifies a password with argon2 once, then answers from the cache for the next connections', async () => {
    for (let i = 0; i < 5; i++) expect((await check(PW)).ok).toBe(true);
    expect(hashes).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 4, size: 1 });
  });

  it('never caches a failure: each wrong password costs the full check', async () => {
    for (let i = 0; i < 3; i++) expect((await check('wrong password')).ok).toBe(false);
    expect(hashes).toBe(3);
    expect(cache.stats().size).toBe(0);
  });

  it('does not let a cached password in for another account or another password', async () => {
    await store.accounts.create({ address: 'sato@example.co.jp', name: '', passwordHash: await hashPassword('another long passphrase 22') });
    await check(PW);
    expect((await check(PW, 'sato@example.co.jp')).ok).toBe(false);
    expect((await check(`${PW} `)).ok).toBe(false);
  });

  it('forgets an entry after its lifetime', async () => {
    await check(PW);
    now += 5 * 60_000 + 1;
    await check(PW);
    expect(hashes).toBe(2);
  });

  it('is invalidated at once by a password change', async () => {
    await check(PW);
    await store.accounts.update(A, { passwordHash: await hashPassword('a brand new passphrase for 2030') });
    expect((await check(PW)).ok).toBe(false);
    expect(cache.stats().stale).toBe(1);
  });

  it('is invalidated by disabling, restriction, a forced change and "app passwords only"', async () => {
    for (const patch of [{ disabled: true }, { state: 'restricted' as const }, { mustChangePassword: true }, { appPasswordsOnly: true }]) {
      await store.accounts.update(A, { disabled: false, state: 'active', mustChangePassword: false, appPasswordsOnly: false });
      expect((await check(PW)).ok).toBe(true);
      await store.accounts.update(A, patch);
      const before = hashes;
      await check(PW);
      expect(hashes).toBe(before + 1);
    }
  });

  it('refuses the primary password, cached or not, when app passwords only are allowed for everyone', async () => {
    expect((await check(PW)).ok).toBe(true);
    const r = await checkCredentials(store, req(PW), noAppPasswords, { cache, appPasswordsOnly: true });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('AUTH_APP_PASSWORD_REQUIRED');
  });

  it('keeps no more entries than its cap', async () => {
    const small = new CredentialCache({ maxEntries: 10, clock: () => now });
    const account = (await store.accounts.get(A))!;
    for (let i = 0; i < 1_000; i++) small.remember({ ...account, address: `u${i}@example.co.jp` }, PW);
    expect(small.stats().size).toBeLessThanOrEqual(10);
  });

  it('holds keyed hashes only, never the password', async () => {
    const account = (await store.accounts.get(A))!;
    cache.remember(account, PW);
    const young = (cache as unknown as { entries: { young: Map<string, unknown> } }).entries.young;
    expect(young.size).toBe(1);
    expect(JSON.stringify([...young.entries()])).not.toContain('horse');
  });
});
