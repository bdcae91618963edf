import { describe, expect } from 'vitest';
import type { NewEvent } from '../../src/storage/ports/index.js';
import type { ContractContext } from './fixtures.js';

const at = (sec: number): string => new Date(Date.UTC(2030, 0, 1, 0, 0, sec)).toISOString();

/** Six events over six seconds, two accounts and three codes. */
const sample: NewEvent[] = [
  { ts: at(0), code: 'smtp:auth-ok', account: 'alice@example.com', data: { ip: '192.0.2.1' } },
  { ts: at(1), code: 'queue:accepted', account: 'alice@example.com', data: { id: 'm1', rcpts: ['b@example.net'] } },
  { ts: at(2), code: 'smtp:auth-failed', account: 'bob@example.com', data: { ip: '198.51.100.7', reason: 'bad password' } },
  { ts: at(3), code: 'queue:accepted', account: 'bob@example.com', data: { id: 'm2', nested: { n: 1, ok: true } } },
  { ts: at(4), code: 'smtp:auth-failed', account: null, data: {} },
  { ts: at(5), code: 'queue:accepted', account: 'alice@example.com', data: { id: 'm3', text: 'ユーザー "quoted"' } },
];

export function eventsContract(ctx: ContractContext): void {
  const { test } = ctx;
  const append = async () => {
    for (const e of sample) await ctx.store.events.append(e);
    return ctx.store.events.query({});
  };

  describe('events', () => {
    test('appended events read back oldest first with increasing ids and data intact', async () => {
      const all = await append();
      expect(all.map(({ id: _id, ...e }) => e)).toEqual(sample);
      for (let i = 1; i < all.length; i++) expect(all[i].id).toBeGreaterThan(all[i - 1].id);
      expect(Number.isInteger(all[0].id)).toBe(true);
    });

    test('concurrent appends keep the order in which they were made', async () => {
      await Promise.all(sample.map((e) => ctx.store.events.append(e)));
      expect((await ctx.store.events.query({})).map((e) => e.ts)).toEqual(sample.map((e) => e.ts));
    });

    test('afterId returns only later events', async () => {
      const all = await append();
      expect((await ctx.store.events.query({ afterId: all[3].id })).map((e) => e.ts)).toEqual([at(4), at(5)]);
      expect(await ctx.store.events.query({ afterId: all[5].id })).toEqual([]);
    });

    test('since returns events at or after the given time', async () => {
      await append();
      expect((await ctx.store.events.query({ since: at(4) })).map((e) => e.ts)).toEqual([at(4), at(5)]);
    });

    test('account and codes filter, alone and together', async () => {
      await append();
      const ts = async (q: Parameters<typeof ctx.store.events.query>[0]) =>
        (await ctx.store.events.query(q)).map((e) => e.ts);
      expect(await ts({ account: 'bob@example.com' })).toEqual([at(2), at(3)]);
      expect(await ts({ codes: ['smtp:auth-failed'] })).toEqual([at(2), at(4)]);
      expect(await ts({ codes: ['smtp:auth-ok', 'smtp:auth-failed'] })).toEqual([at(0), at(2), at(4)]);
      expect(await ts({ account: 'alice@example.com', codes: ['queue:accepted'], since: at(2) })).toEqual([at(5)]);
      expect(await ts({ codes: ['no:such-code'] })).toEqual([]);
    });

    test('newestFirst with a limit returns the latest events, newest first', async () => {
      await append();
      expect((await ctx.store.events.query({ newestFirst: true, limit: 2 })).map((e) => e.ts)).toEqual([at(5), at(4)]);
      expect((await ctx.store.events.query({ limit: 2 })).map((e) => e.ts)).toEqual([at(0), at(1)]);
      const all = await ctx.store.events.query({});
      const page = await ctx.store.events.query({ afterId: all[1].id, newestFirst: true, account: 'alice@example.com' });
      expect(page.map((e) => e.ts)).toEqual([at(5)]);
    });
  });

  describe('events: retention', () => {
    test('purge deletes the oldest events before the cutoff, at most the limit at a time, and nothing after it', async () => {
      await append();
      expect(await ctx.store.events.purge(at(3), 2)).toBe(2);
      expect((await ctx.store.events.query({})).map((e) => e.ts)).toEqual([at(2), at(3), at(4), at(5)]);
      expect(await ctx.store.events.purge(at(3), 100)).toBe(1);
      expect(await ctx.store.events.purge(at(3), 100)).toBe(0);
      expect((await ctx.store.events.query({})).map((e) => e.ts)).toEqual([at(3), at(4), at(5)]);
    });
  });
}
