import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAdmin, resetMfa, totpOf, verifySecondFactor } from '../../../src/admin/admins.js';
import { totpSeal } from '../../../src/admin/totp-seal.js';
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';

const PASSWORD = 'violet anchor drizzle compass';

describe('TOTP secrets at rest', () => {
  it('are stored sealed, never in clear, and open only with the server key (or a previous one)', async () => {
    const store = openSqliteStore(':memory:');
    const oldKey = randomBytes(32);
    const seal = totpSeal([oldKey]);
    const r = await createAdmin(store, { username: 'sato', role: 'admin', password: PASSWORD, issuer: 'Mailwarden' }, seal);
    if (!r.ok) throw new Error('refused');
    const secret = new URL(r.enrolment.otpauthUri).searchParams.get('secret')!;
    const stored = (await store.admins.get('sato'))!.totpSecret!;
    expect(stored.startsWith('v1.')).toBe(true);
    expect(stored).not.toContain(secret);
    expect(seal.open(stored)).toBe(secret);
    // after a key rotation the previous key still opens it; an unrelated key does not
    expect(totpSeal([randomBytes(32), oldKey]).open(stored)).toBe(secret);
    expect(() => totpSeal([randomBytes(32)]).open(stored)).toThrow(/cannot be opened/);
    const reset = await resetMfa(store, 'sato', 'Mailwarden', seal);
    expect((await store.admins.get('sato'))!.totpSecret).not.toBe(stored);
    expect(reset!.otpauthUri).not.toContain(secret);
    await store.close();
  });

  it('accepts a code for a secret an older version stored in clear, and seals it then', async () => {
    const store = openSqliteStore(':memory:');
    const seal = totpSeal([randomBytes(32)]);
    await store.admins.create({ id: 'a1', username: 'kato', passwordHash: 'x', totpSecret: 'JBSWY3DPEHPK3PXP', recoveryCodes: [], role: 'admin' });
    const admin = (await store.admins.get('kato'))!;
    const code = totpOf(admin, 'Mailwarden', seal)!.generate();
    expect(await verifySecondFactor(store, admin, code, seal)).toBe('totp');
    const after = (await store.admins.get('kato'))!.totpSecret!;
    expect(seal.isSealed(after)).toBe(true);
    expect(seal.open(after)).toBe('JBSWY3DPEHPK3PXP');
    await store.close();
  });
});
