import { describe, expect, it } from 'vitest';
import { EventCursor } from '../../../src/storage/event-cursor.js';
import type { EventQuery, StoredEvent } from '../../../src/storage/ports/index.js';

/** An event record whose rows become visible in the order given, not in id order (two nodes committing). */
function record() {
  const rows: StoredEvent[] = [];
  let now = Date.parse('2026-11-29T10:00:00Z');
  return {
    clock: () => now,
    tick: (ms: number) => (now += ms),
    commit: (id: number, code = 'account:restricted') => rows.push({ id, ts: new Date(now).toISOString(), code, account: `a${id}@example.jp`, data: {} }),
    query: async (q: EventQuery) =>
      rows
        .filter((r) => r.id > (q.afterId ?? 0) && (!q.codes || q.codes.includes(r.code)))
        .sort((a, b) => a.id - b.id)
        .slice(0, q.limit ?? Infinity),
  };
}

describe('event cursor', () => {
  it('hands on an event committed after a higher id was read, once, and every event only once', async () => {
    const r = record();
    const cursor = new EventCursor(0, 10_000, r.clock);
    const read = async () => (await cursor.next(r.query, { codes: ['account:restricted'] })).map((e) => e.id);
    r.commit(1);
    r.commit(3);
    expect(await read()).toEqual([1, 3]);
    r.tick(500);
    r.commit(2); // id 2 was taken before 3 but its transaction committed later
    r.commit(4, 'smtp:auth-ok');
    r.commit(5);
    expect(await read()).toEqual([2, 5]);
    expect(await read()).toEqual([]);
    r.tick(20_000);
    expect(await read()).toEqual([]);
    r.commit(6);
    expect(await read()).toEqual([6]);
  });

  it('pages through more than one page of new events', async () => {
    const r = record();
    const cursor = new EventCursor(0, 10_000, r.clock);
    for (let id = 1; id <= 25; id++) r.commit(id);
    const got = await cursor.next(r.query, {}, 10);
    expect(got.map((e) => e.id)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await cursor.next(r.query, {}, 10)).toEqual([]);
  });

  it('forgets what is older than the window, so that its memory stays small', async () => {
    const r = record();
    const cursor = new EventCursor(0, 1000, r.clock);
    for (let id = 1; id <= 100; id++) r.commit(id);
    await cursor.next(r.query, {});
    r.tick(5000);
    await cursor.next(r.query, {});
    expect((cursor as unknown as { seen: Map<number, number> }).seen.size).toBe(0);
    expect((cursor as unknown as { floor: number }).floor).toBe(100);
  });
});
