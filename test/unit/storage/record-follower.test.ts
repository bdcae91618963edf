import { describe, expect, it } from 'vitest';
import { RecordFollower } from '../../../src/storage/event-cursor.js';
import type { EventQuery, StoredEvent } from '../../../src/storage/ports/index.js';

const row = (id: number, code: string): StoredEvent => ({ id, ts: new Date().toISOString(), code, account: null, data: {} });

describe('following the event record', () => {
  it('hands on each new event of its codes once, from the newest at start, and reports a failed read', async () => {
    const rows = [row(1, 'a'), row(2, 'b')];
    let broken = false;
    const query = async (q: EventQuery) => {
      if (broken) throw new Error('store away');
      const sorted = q.newestFirst ? [...rows].reverse() : rows;
      return sorted.filter((r) => r.id > (q.afterId ?? 0) && (!q.codes || q.codes.includes(r.code))).slice(0, q.limit ?? Infinity);
    };
    const seen: number[] = [];
    const failures: string[] = [];
    let release: () => void = () => undefined;
    let reached: () => void = () => undefined;
    const atFour = new Promise<void>((r) => (reached = r));
    const follower = new RecordFollower(query, ['a'], async (e) => {
      seen.push(e.id);
      if (e.id !== 4) return;
      reached();
      await new Promise<void>((r) => (release = r));
    }, (err) => failures.push((err as Error).message));
    await follower.start();
    follower.stop();
    rows.push(row(3, 'a'), row(4, 'a'), row(5, 'b'));
    // A poll while one is under way does nothing.
    const first = follower.poll();
    await atFour;
    expect(await follower.poll()).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(await follower.poll()).toBe(true);
    expect(seen).toEqual([3, 4]);
    broken = true;
    await follower.poll();
    expect(failures).toEqual(['store away']);
  });
});
