import { describe, expect } from 'vitest';
import { auditEntryHash, GENESIS_HASH, type NewAuditEntry } from '../../src/storage/ports/audit.js';
import type { ContractContext } from './fixtures.js';

const at = (min: number): string => new Date(Date.UTC(2030, 0, 1, 9, min)).toISOString();

const sample: NewAuditEntry[] = [
  { ts: at(0), actor: 'admin:sato', action: 'session.sign-in', target: 'sato', reason: '', data: { ip: '127.0.0.1' } },
  { ts: at(1), actor: 'system:containment', action: 'account.restrict', target: 'tanaka@example.co.jp', reason: 'volume spike', data: { held: ['q1', 'q2'], n: 2 } },
  { ts: at(2), actor: 'admin:sato', action: 'account.release', target: 'tanaka@example.co.jp', reason: '本人確認済み 100%_done', data: { z: 1, a: { y: true, b: null } } },
];

export function auditContract(ctx: ContractContext): void {
  const { test } = ctx;
  const append = async () => {
    for (const e of sample) await ctx.store.audit.append(e);
    return ctx.store.audit.query({});
  };

  describe('audit', () => {
    test('entries are numbered from 1 and each is chained to the one before', async () => {
      const all = await append();
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(all[0].prevHash).toBe(GENESIS_HASH);
      for (let i = 0; i < all.length; i++) {
        const { prevHash, hash, ...content } = all[i];
        if (i > 0) expect(prevHash).toBe(all[i - 1].hash);
        expect(hash).toBe(auditEntryHash(prevHash, content));
      }
      expect(all.map(({ seq: _s, prevHash: _p, hash: _h, ...e }) => e)).toEqual(sample);
    });

    test('parallel appends still form one unbroken chain', async () => {
      await Promise.all(Array.from({ length: 10 }, (_, i) => ctx.store.audit.append({ ...sample[0], target: `t${i}` })));
      const all = await ctx.store.audit.query({});
      expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      for (let i = 1; i < all.length; i++) expect(all[i].prevHash).toBe(all[i - 1].hash);
    });

    test('append returns the stored entry', async () => {
      const e = await ctx.store.audit.append(sample[1]);
      expect((await ctx.store.audit.query({}))[0]).toEqual(e);
    });

    test('filters by actor, action prefix, target, time and text; newest first with a limit', async () => {
      await append();
      const seqs = async (q: Parameters<typeof ctx.store.audit.query>[0]) => (await ctx.store.audit.query(q)).map((e) => e.seq);
      expect(await seqs({ actor: 'admin:sato' })).toEqual([1, 3]);
      expect(await seqs({ action: 'account.' })).toEqual([2, 3]);
      expect(await seqs({ action: 'account_' })).toEqual([]);
      expect(await seqs({ target: 'tanaka@example.co.jp', since: at(2) })).toEqual([3]);
      expect(await seqs({ until: at(1) })).toEqual([1]);
      expect(await seqs({ text: 'VOLUME' })).toEqual([2]);
      expect(await seqs({ text: '%_' })).toEqual([3]);
      expect(await seqs({ text: '本人確認' })).toEqual([3]);
      expect(await seqs({ newestFirst: true, limit: 2 })).toEqual([3, 2]);
      expect(await seqs({ afterSeq: 1 })).toEqual([2, 3]);
    });
  });
}
