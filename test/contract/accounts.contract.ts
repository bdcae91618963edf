import { describe, expect } from 'vitest';
import { account, type ContractContext } from './fixtures.js';

export function accountsContract(ctx: ContractContext): void {
  const { test } = ctx;

  describe('accounts', () => {
    test('a new account gets safe defaults and equal created and updated times', async () => {
      const a = await ctx.store.accounts.create(account('alice@example.com', { aliases: ['al@example.com'] }));
      expect(a).toMatchObject({
        address: 'alice@example.com',
        name: 'alice',
        passwordHash: '$argon2id$hash-of-alice@example.com',
        passwordHistory: [],
        aliases: ['al@example.com'],
        group: null,
        disabled: false,
        state: 'active',
        mustChangePassword: false,
        appPasswordsOnly: false,
        lang: null,
      });
      expect(new Date(a.createdAt).toISOString()).toBe(a.createdAt);
      expect(a.updatedAt).toBe(a.createdAt);
      expect(await ctx.store.accounts.get('alice@example.com')).toEqual(a);
    });

    test('creating an address that already exists is refused', async () => {
      await ctx.store.accounts.create(account('alice@example.com'));
      await expect(ctx.store.accounts.create(account('alice@example.com', { name: 'other' }))).rejects.toThrow();
      expect((await ctx.store.accounts.get('alice@example.com'))?.name).toBe('alice');
    });

    test('an unknown address reads as null and lists are ordered by address', async () => {
      expect(await ctx.store.accounts.get('nobody@example.com')).toBeNull();
      await ctx.store.accounts.create(account('carol@example.com'));
      await ctx.store.accounts.create(account('alice@example.com', { group: 'sales', lang: 'ja', appPasswordsOnly: true }));
      const list = await ctx.store.accounts.list();
      expect(list.map((a) => a.address)).toEqual(['alice@example.com', 'carol@example.com']);
      expect(list[0]).toMatchObject({ group: 'sales', lang: 'ja', appPasswordsOnly: true });
    });

    test('an update changes every given field, only those, and moves updatedAt', async () => {
      const before = await ctx.store.accounts.create(account('alice@example.com'));
      await new Promise((r) => setTimeout(r, 5));
      const patch = {
        name: 'Alice A.',
        passwordHash: 'new-hash',
        passwordHistory: ['old-hash-2', 'old-hash-1'],
        aliases: ['a@example.com', 'b@example.com'],
        group: 'ops',
        disabled: true,
        state: 'restricted' as const,
        mustChangePassword: true,
        appPasswordsOnly: true,
        lang: 'en' as const,
      };
      const after = await ctx.store.accounts.update('alice@example.com', patch);
      expect(after).toMatchObject({ ...patch, address: 'alice@example.com', createdAt: before.createdAt });
      expect(after!.updatedAt > before.updatedAt).toBe(true);
      const cleared = await ctx.store.accounts.update('alice@example.com', { group: null, lang: null, aliases: [] });
      expect(cleared).toMatchObject({ group: null, lang: null, aliases: [], name: 'Alice A.', disabled: true });
    });

    test('an empty update returns the account unchanged and an unknown address returns null', async () => {
      const before = await ctx.store.accounts.create(account('alice@example.com'));
      expect(await ctx.store.accounts.update('alice@example.com', {})).toEqual(before);
      expect(await ctx.store.accounts.update('nobody@example.com', { name: 'x' })).toBeNull();
    });

    test('deleting an account removes it and its app passwords, and a second delete reports false', async () => {
      await ctx.store.accounts.create(account('alice@example.com'));
      await ctx.store.accounts.addAppPassword(appPassword('ap1', 'alice@example.com'));
      expect(await ctx.store.accounts.delete('alice@example.com')).toBe(true);
      expect(await ctx.store.accounts.get('alice@example.com')).toBeNull();
      expect(await ctx.store.accounts.listAppPasswords('alice@example.com')).toEqual([]);
      expect(await ctx.store.accounts.delete('alice@example.com')).toBe(false);
    });

    test('createMany creates every account of the batch', async () => {
      await ctx.store.accounts.createMany([
        account('b@example.com', { aliases: ['bee@example.com'] }),
        account('a@example.com', { group: 'g1', lang: 'ja' }),
      ]);
      const list = await ctx.store.accounts.list();
      expect(list.map((a) => [a.address, a.aliases, a.group, a.lang])).toEqual([
        ['a@example.com', [], 'g1', 'ja'],
        ['b@example.com', ['bee@example.com'], null, null],
      ]);
      await ctx.store.accounts.createMany([]);
      expect(await ctx.store.accounts.list()).toHaveLength(2);
    });

    test('createMany with a duplicate address inside the batch creates none', async () => {
      const batch = [account('a@example.com'), account('b@example.com'), account('a@example.com')];
      await expect(ctx.store.accounts.createMany(batch)).rejects.toThrow();
      expect(await ctx.store.accounts.list()).toEqual([]);
    });

    test('createMany with an address that already exists creates none', async () => {
      await ctx.store.accounts.create(account('b@example.com'));
      await expect(ctx.store.accounts.createMany([account('a@example.com'), account('b@example.com')])).rejects.toThrow();
      expect((await ctx.store.accounts.list()).map((a) => a.address)).toEqual(['b@example.com']);
    });
  });

  describe('app passwords', () => {
    test('app passwords list in creation order with no use and no revocation yet', async () => {
      await ctx.store.accounts.create(account('alice@example.com'));
      await ctx.store.accounts.addAppPassword(appPassword('ap2', 'alice@example.com', '2030-01-02T00:00:00.000Z'));
      await ctx.store.accounts.addAppPassword(appPassword('ap1', 'alice@example.com', '2030-01-01T00:00:00.000Z'));
      expect(await ctx.store.accounts.listAppPasswords('alice@example.com')).toEqual([
        { ...appPassword('ap1', 'alice@example.com', '2030-01-01T00:00:00.000Z'), lastUsedAt: null, lastUsedIp: null, revokedAt: null },
        { ...appPassword('ap2', 'alice@example.com', '2030-01-02T00:00:00.000Z'), lastUsedAt: null, lastUsedIp: null, revokedAt: null },
      ]);
      expect(await ctx.store.accounts.listAppPasswords('nobody@example.com')).toEqual([]);
    });

    test('an app password for an unknown account is refused', async () => {
      await expect(ctx.store.accounts.addAppPassword(appPassword('ap1', 'nobody@example.com'))).rejects.toThrow();
    });

    test('touching an app password records when and from where it was last used', async () => {
      await ctx.store.accounts.create(account('alice@example.com'));
      await ctx.store.accounts.addAppPassword(appPassword('ap1', 'alice@example.com'));
      await ctx.store.accounts.touchAppPassword('ap1', '2030-02-03T04:05:06.789Z', '2001:db8::1');
      const [ap] = await ctx.store.accounts.listAppPasswords('alice@example.com');
      expect(ap).toMatchObject({ lastUsedAt: '2030-02-03T04:05:06.789Z', lastUsedIp: '2001:db8::1', revokedAt: null });
    });

    test('revoking one app password by id counts it once and leaves the others valid', async () => {
      await ctx.store.accounts.create(account('alice@example.com'));
      await ctx.store.accounts.create(account('bob@example.com'));
      for (const id of ['ap1', 'ap2']) await ctx.store.accounts.addAppPassword(appPassword(id, 'alice@example.com'));
      await ctx.store.accounts.addAppPassword(appPassword('bp1', 'bob@example.com'));
      expect(await ctx.store.accounts.revokeAppPasswords('alice@example.com', 'bp1')).toBe(0);
      expect(await ctx.store.accounts.revokeAppPasswords('alice@example.com', 'ap1', '2030-03-01T00:00:00.000Z')).toBe(1);
      expect(await ctx.store.accounts.revokeAppPasswords('alice@example.com', 'ap1')).toBe(0);
      const list = await ctx.store.accounts.listAppPasswords('alice@example.com');
      expect(list.map((p) => [p.id, p.revokedAt])).toEqual([
        ['ap1', '2030-03-01T00:00:00.000Z'],
        ['ap2', null],
      ]);
      expect((await ctx.store.accounts.listAppPasswords('bob@example.com'))[0].revokedAt).toBeNull();
    });

    test('revoking all app passwords counts only those not yet revoked', async () => {
      await ctx.store.accounts.create(account('alice@example.com'));
      for (const id of ['ap1', 'ap2', 'ap3']) await ctx.store.accounts.addAppPassword(appPassword(id, 'alice@example.com'));
      await ctx.store.accounts.revokeAppPasswords('alice@example.com', 'ap2', '2030-03-01T00:00:00.000Z');
      expect(await ctx.store.accounts.revokeAppPasswords('alice@example.com', undefined, '2030-04-01T00:00:00.000Z')).toBe(2);
      const list = await ctx.store.accounts.listAppPasswords('alice@example.com');
      expect(list.map((p) => p.revokedAt)).toEqual([
        '2030-04-01T00:00:00.000Z',
        '2030-03-01T00:00:00.000Z',
        '2030-04-01T00:00:00.000Z',
      ]);
      expect(await ctx.store.accounts.revokeAppPasswords('alice@example.com')).toBe(0);
    });
  });
}

function appPassword(id: string, accountAddress: string, createdAt = `2030-01-01T00:00:0${id.slice(-1)}.000Z`) {
  return { id, account: accountAddress, label: `device ${id}`, hash: `hmac-of-${id}`, createdAt };
}
