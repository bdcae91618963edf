import { describe, expect } from 'vitest';
import type { Suppression } from '../../src/storage/ports/index.js';
import type { ContractContext } from './fixtures.js';

const entry = (address: string, over: Partial<Suppression> = {}): Suppression => ({
  address,
  reason: 'userunknown',
  status: '5.1.1',
  sourceQueueId: 'Q1',
  createdBy: 'bounce',
  createdAt: new Date(Date.UTC(2030, 0, 1)).toISOString(),
  ...over,
});

export function suppressionContract(ctx: ContractContext): void {
  const { test } = ctx;

  describe('suppression', () => {
    test('an added address is suppressed, whatever the case it is looked up in', async () => {
      expect(await ctx.store.suppression.add(entry('Kijitora@Example.NET'))).toBe(true);
      expect(await ctx.store.suppression.has('kijitora@example.net')).toBe(true);
      expect(await ctx.store.suppression.has('KIJITORA@example.net')).toBe(true);
      expect(await ctx.store.suppression.get('kijitora@EXAMPLE.net')).toEqual(entry('kijitora@example.net'));
      expect(await ctx.store.suppression.has('someone@example.net')).toBe(false);
      expect(await ctx.store.suppression.get('someone@example.net')).toBeNull();
    });

    test('adding again refreshes the entry and says it was already there', async () => {
      await ctx.store.suppression.add(entry('a@example.net'));
      const later = entry('a@example.net', { reason: 'hostunknown', status: '5.1.2', sourceQueueId: 'Q2', createdAt: new Date(Date.UTC(2030, 0, 2)).toISOString() });
      expect(await ctx.store.suppression.add(later)).toBe(false);
      expect(await ctx.store.suppression.get('a@example.net')).toEqual(later);
    });

    test('remove lifts the suppression and reports whether there was one', async () => {
      await ctx.store.suppression.add(entry('a@example.net'));
      expect(await ctx.store.suppression.remove('A@example.net')).toBe(true);
      expect(await ctx.store.suppression.has('a@example.net')).toBe(false);
      expect(await ctx.store.suppression.remove('a@example.net')).toBe(false);
    });

    test('list is newest first and honours the limit; manual entries carry no queue id', async () => {
      const day = (d: number) => new Date(Date.UTC(2030, 0, d)).toISOString();
      await ctx.store.suppression.add(entry('old@example.net', { createdAt: day(1) }));
      await ctx.store.suppression.add(entry('new@example.net', { createdAt: day(3), reason: 'manual', status: '', sourceQueueId: null, createdBy: 'cli:root' }));
      await ctx.store.suppression.add(entry('mid@example.net', { createdAt: day(2) }));
      expect((await ctx.store.suppression.list()).map((e) => e.address)).toEqual(['new@example.net', 'mid@example.net', 'old@example.net']);
      expect((await ctx.store.suppression.list({ limit: 1 }))[0]).toEqual(entry('new@example.net', { createdAt: day(3), reason: 'manual', status: '', sourceQueueId: null, createdBy: 'cli:root' }));
    });
  });
}
