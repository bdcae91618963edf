import { describe, expect } from 'vitest';
import type { NewAdmin } from '../../src/storage/ports/index.js';
import type { ContractContext } from './fixtures.js';
import { newId } from './fixtures.js';

const admin = (username: string, over: Partial<NewAdmin> = {}): NewAdmin => ({
  id: newId(),
  username,
  passwordHash: `$argon2id$hash-of-${username}`,
  totpSecret: 'JBSWY3DPEHPK3PXP',
  recoveryCodes: ['a'.repeat(64), 'b'.repeat(64)],
  role: 'operator',
  ...over,
});

export function adminsContract(ctx: ContractContext): void {
  const { test } = ctx;

  describe('admins', () => {
    test('a created administrator reads back by name and by id with empty counters', async () => {
      const created = await ctx.store.admins.create(admin('sato'));
      expect(created).toMatchObject({ username: 'sato', role: 'operator', failedLogins: 0, lastLoginAt: null, lockedUntil: null, totpLastStep: null });
      expect(await ctx.store.admins.get('sato')).toEqual(created);
      expect(await ctx.store.admins.getById(created.id)).toEqual(created);
      expect(await ctx.store.admins.get('nobody')).toBeNull();
    });

    test('a second administrator with the same name is refused', async () => {
      await ctx.store.admins.create(admin('sato'));
      await expect(ctx.store.admins.create(admin('sato'))).rejects.toThrow();
    });

    test('list is ordered by name; update patches only the given fields; delete removes', async () => {
      await ctx.store.admins.create(admin('yamada'));
      await ctx.store.admins.create(admin('abe', { role: 'auditor' }));
      expect((await ctx.store.admins.list()).map((a) => a.username)).toEqual(['abe', 'yamada']);
      const until = new Date(Date.UTC(2030, 0, 1)).toISOString();
      const updated = await ctx.store.admins.update('abe', { role: 'admin', lockedUntil: until, recoveryCodes: ['c'.repeat(64)] });
      expect(updated).toMatchObject({ role: 'admin', lockedUntil: until, recoveryCodes: ['c'.repeat(64)], totpSecret: 'JBSWY3DPEHPK3PXP' });
      expect(await ctx.store.admins.update('nobody', { role: 'admin' })).toBeNull();
      expect(await ctx.store.admins.delete('abe')).toBe(true);
      expect(await ctx.store.admins.delete('abe')).toBe(false);
    });

    test('a recovery code is consumed once, even by parallel callers', async () => {
      await ctx.store.admins.create(admin('sato'));
      const results = await Promise.all([1, 2, 3].map(() => ctx.store.admins.consumeRecoveryCode('sato', 'a'.repeat(64))));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await ctx.store.admins.get('sato'))!.recoveryCodes).toEqual(['b'.repeat(64)]);
      expect(await ctx.store.admins.consumeRecoveryCode('sato', 'z'.repeat(64))).toBe(false);
    });

    test('a TOTP step is accepted only when newer than the last one accepted', async () => {
      await ctx.store.admins.create(admin('sato'));
      expect(await ctx.store.admins.acceptTotpStep('sato', 100)).toBe(true);
      expect(await ctx.store.admins.acceptTotpStep('sato', 100)).toBe(false);
      expect(await ctx.store.admins.acceptTotpStep('sato', 99)).toBe(false);
      expect(await ctx.store.admins.acceptTotpStep('sato', 101)).toBe(true);
      expect((await ctx.store.admins.get('sato'))!.totpLastStep).toBe(101);
    });

    test('failures count up and a success clears them and records the sign-in', async () => {
      await ctx.store.admins.create(admin('sato'));
      const at = new Date(Date.UTC(2030, 0, 1, 9)).toISOString();
      expect(await ctx.store.admins.noteFailure('sato', at)).toBe(1);
      expect(await ctx.store.admins.noteFailure('sato', at)).toBe(2);
      expect(await ctx.store.admins.noteFailure('nobody', at)).toBe(0);
      expect((await ctx.store.admins.get('sato'))!.lastFailedAt).toBe(at);
      await ctx.store.admins.update('sato', { lockedUntil: at });
      await ctx.store.admins.noteSuccess('sato', at, '127.0.0.1');
      expect(await ctx.store.admins.get('sato')).toMatchObject({ failedLogins: 0, lockedUntil: null, lastLoginAt: at, lastLoginIp: '127.0.0.1' });
    });

    test('console sessions are stored by token digest, touched forward only, and ended one, per administrator or when expired', async () => {
      const t0 = Date.UTC(2030, 0, 1, 9);
      const session = (digest: string, adminId: string, createdAt = t0) => ({ digest, adminId, username: adminId, role: 'admin' as const, csrf: `csrf-${digest}`, createdAt, lastSeenAt: createdAt, ip: '192.0.2.1' });
      await ctx.store.admins.createSession(session('d1', 'a1'));
      await ctx.store.admins.createSession(session('d2', 'a1'));
      await ctx.store.admins.createSession(session('d3', 'a2', t0 - 3_600_000));
      expect(await ctx.store.admins.getSession('d1')).toEqual(session('d1', 'a1'));
      expect(await ctx.store.admins.getSession('nope')).toBeNull();
      await ctx.store.admins.touchSession('d1', t0 + 5000);
      await ctx.store.admins.touchSession('d1', t0 + 1000);
      expect((await ctx.store.admins.getSession('d1'))!.lastSeenAt).toBe(t0 + 5000);
      await ctx.store.admins.deleteSession('d2');
      expect(await ctx.store.admins.getSession('d2')).toBeNull();
      expect(await ctx.store.admins.deleteExpiredSessions(t0 - 60_000, t0 - 7_200_000)).toBe(1);
      expect(await ctx.store.admins.getSession('d3')).toBeNull();
      await ctx.store.admins.createSession(session('d4', 'a1'));
      expect(await ctx.store.admins.deleteSessionsOf('a1')).toBe(2);
      expect(await ctx.store.admins.getSession('d1')).toBeNull();
    });
  });
}
