import { describe, expect } from 'vitest';
import { message, minutesAgo, type ContractContext } from './fixtures.js';

const LEASE_MS = 60_000;

export function leasesContract(ctx: ContractContext): void {
  const { test } = ctx;
  const ids = (list: { id: string }[]) => list.map((m) => m.id).sort();

  describe('queue: claims and leases', () => {
    test('claimDue leases only queued messages that are due, with owner and expiry', async () => {
      const now = new Date();
      const due = message({ createdAt: minutesAgo(5, now.getTime()) });
      const future = message({ createdAt: minutesAgo(-5, now.getTime()) });
      const held = message({ state: 'held', reason: 'r', createdAt: minutesAgo(5, now.getTime()) });
      for (const m of [due, future, held]) await ctx.store.queue.enqueue(m);
      const claimed = await ctx.store.queue.claimDue('node-a', now, 10, LEASE_MS);
      expect(ids(claimed)).toEqual([due.id]);
      expect(claimed[0]).toMatchObject({ leaseOwner: 'node-a', leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString() });
      expect(claimed[0].recipients.map((r) => r.address)).toEqual(['bob@example.net', 'carol@example.org']);
      expect(await ctx.store.queue.get(due.id)).toMatchObject({ leaseOwner: 'node-a' });
    });

    test('claimDue takes the most overdue messages first when limited', async () => {
      const now = Date.now();
      const ms = [3, 30, 10, 20].map((n) => message({ createdAt: minutesAgo(n, now) }));
      for (const m of ms) await ctx.store.queue.enqueue(m);
      const claimed = await ctx.store.queue.claimDue('node-a', new Date(now), 2, LEASE_MS);
      expect(ids(claimed)).toEqual(ids([ms[1], ms[3]]));
    });

    test('a message under a live lease is not claimed by a second owner', async () => {
      const now = new Date();
      const m = message();
      await ctx.store.queue.enqueue(m);
      expect(await ctx.store.queue.claimDue('node-a', now, 10, LEASE_MS)).toHaveLength(1);
      expect(await ctx.store.queue.claimDue('node-b', new Date(now.getTime() + LEASE_MS - 1), 10, LEASE_MS)).toEqual([]);
      expect(await ctx.store.queue.claimDue('node-a', now, 10, LEASE_MS)).toEqual([]);
    });

    test('an expired lease is claimed by another owner', async () => {
      const now = new Date();
      const m = message();
      await ctx.store.queue.enqueue(m);
      await ctx.store.queue.claimDue('node-a', now, 10, LEASE_MS);
      const later = new Date(now.getTime() + LEASE_MS + 1);
      const claimed = await ctx.store.queue.claimDue('node-b', later, 10, LEASE_MS);
      expect(claimed.map((c) => [c.id, c.leaseOwner])).toEqual([[m.id, 'node-b']]);
      expect((await ctx.store.queue.get(m.id))!.leaseUntil).toBe(new Date(later.getTime() + LEASE_MS).toISOString());
    });

    test('renewLease extends the lease of its owner only, so no other owner claims the message meanwhile', async () => {
      const now = new Date();
      const m = message();
      await ctx.store.queue.enqueue(m);
      await ctx.store.queue.claimDue('node-a', now, 10, LEASE_MS);
      const until = new Date(now.getTime() + 3 * LEASE_MS);
      expect(await ctx.store.queue.renewLease(m.id, 'node-b', until)).toBe(false);
      expect(await ctx.store.queue.renewLease(m.id, 'node-a', until)).toBe(true);
      expect((await ctx.store.queue.get(m.id))!.leaseUntil).toBe(until.toISOString());
      expect(await ctx.store.queue.claimDue('node-b', new Date(now.getTime() + 2 * LEASE_MS), 10, LEASE_MS)).toEqual([]);
      await ctx.store.queue.releaseLease(m.id, 'node-a');
      expect(await ctx.store.queue.renewLease(m.id, 'node-a', until)).toBe(false);
    });

    test('releaseLease frees the message for its owner only', async () => {
      const now = new Date();
      const m = message();
      await ctx.store.queue.enqueue(m);
      await ctx.store.queue.claimDue('node-a', now, 10, LEASE_MS);
      await ctx.store.queue.releaseLease(m.id, 'node-b');
      expect(await ctx.store.queue.get(m.id)).toMatchObject({ leaseOwner: 'node-a' });
      await ctx.store.queue.releaseLease(m.id, 'node-a');
      expect(await ctx.store.queue.get(m.id)).toMatchObject({ leaseOwner: null, leaseUntil: null });
      expect(ids(await ctx.store.queue.claimDue('node-b', now, 10, LEASE_MS))).toEqual([m.id]);
    });
  });

  describe('queue: recording attempts', () => {
    test('recordAttempt updates each recipient, counts the attempt, reschedules and drops the lease', async () => {
      const now = new Date();
      const m = message({ rcpts: ['a@example.net', 'b@example.net', 'c@example.net'] });
      await ctx.store.queue.enqueue(m);
      await ctx.store.queue.claimDue('node-a', now, 10, LEASE_MS);
      const next = new Date(now.getTime() + 600_000).toISOString();
      await ctx.store.queue.recordAttempt(m.id, 'node-a', [
        { index: 0, status: 'delivered', reply: '250 2.0.0 ok' },
        { index: 2, status: 'deferred', reply: '451 4.7.1 greylisted' },
      ], { nextAttemptAt: next, finished: false });
      const got = (await ctx.store.queue.get(m.id))!;
      expect(got).toMatchObject({ state: 'queued', attempts: 1, nextAttemptAt: next, leaseOwner: null, leaseUntil: null });
      expect(got.recipients.map((r) => [r.status, r.attempts, r.lastReply])).toEqual([
        ['delivered', 1, '250 2.0.0 ok'],
        ['pending', 0, null],
        ['deferred', 1, '451 4.7.1 greylisted'],
      ]);
      expect(Date.parse(got.recipients[0].updatedAt)).toBeGreaterThanOrEqual(now.getTime() - 1);
      expect(await ctx.store.queue.claimDue('node-b', now, 10, LEASE_MS)).toEqual([]);
      expect(ids(await ctx.store.queue.claimDue('node-b', new Date(Date.parse(next)), 10, LEASE_MS))).toEqual([m.id]);
    });

    test('a finished message is done, keeps its reason and is never claimed again', async () => {
      const now = new Date();
      const m = message();
      await ctx.store.queue.enqueue(m);
      await ctx.store.queue.claimDue('node-a', now, 10, LEASE_MS);
      await ctx.store.queue.recordAttempt(m.id, 'node-a', [
        { index: 0, status: 'delivered', reply: '250 ok' },
        { index: 1, status: 'failed', reply: '550 5.1.1 no such user' },
      ], { nextAttemptAt: null, finished: true, reason: 'all recipients final' });
      expect(await ctx.store.queue.get(m.id)).toMatchObject({ state: 'done', reason: 'all recipients final', attempts: 1 });
      const farFuture = new Date(now.getTime() + 365 * 86_400_000);
      expect(await ctx.store.queue.claimDue('node-b', farFuture, 10, LEASE_MS)).toEqual([]);
      expect(await ctx.store.queue.retryNow(m.id)).toBe(false);
    });

    test('a message held during its attempt stays held, with its delivered recipients recorded', async () => {
      const now = new Date();
      const m = message();
      await ctx.store.queue.enqueue(m);
      await ctx.store.queue.claimDue('node-a', now, 10, LEASE_MS);
      expect(await ctx.store.queue.holdAccount('alice@example.com', 'containment')).toEqual([m.id]);
      await ctx.store.queue.recordAttempt(m.id, 'node-a', [{ index: 0, status: 'delivered', reply: '250 ok' }], {
        nextAttemptAt: null,
        finished: true,
      });
      const got = (await ctx.store.queue.get(m.id))!;
      expect(got).toMatchObject({ state: 'held', reason: 'containment', leaseOwner: null });
      expect(got.recipients.map((r) => r.status)).toEqual(['delivered', 'held']);
      expect(await ctx.store.queue.claimDue('node-b', new Date(now.getTime() + 86_400_000), 10, LEASE_MS)).toEqual([]);
    });

    test('recipients deferred during an attempt on a message held meanwhile stay in quarantine', async () => {
      const now = new Date();
      const m = message();
      await ctx.store.queue.enqueue(m);
      await ctx.store.queue.claimDue('node-a', now, 10, LEASE_MS);
      await ctx.store.queue.holdAccount('alice@example.com', 'containment');
      await ctx.store.queue.recordAttempt(m.id, 'node-a', [
        { index: 0, status: 'delivered', reply: '250 ok' },
        { index: 1, status: 'deferred', reply: '451 later' },
      ], { nextAttemptAt: minutesAgo(-5), finished: false });
      const got = (await ctx.store.queue.get(m.id))!;
      expect(got.state).toBe('held');
      expect(got.recipients.map((r) => r.status)).toEqual(['delivered', 'held']);
    });

    test('an owner whose lease was taken over cannot record over the new owner', async () => {
      const now = new Date();
      const m = message();
      await ctx.store.queue.enqueue(m);
      await ctx.store.queue.claimDue('node-a', now, 10, LEASE_MS);
      await ctx.store.queue.claimDue('node-b', new Date(now.getTime() + LEASE_MS + 1), 10, LEASE_MS);
      await ctx.store.queue.recordAttempt(m.id, 'node-a', [{ index: 0, status: 'failed', reply: '550 stale' }], {
        nextAttemptAt: null,
        finished: true,
      });
      const got = (await ctx.store.queue.get(m.id))!;
      expect(got).toMatchObject({ state: 'queued', attempts: 0, leaseOwner: 'node-b' });
      expect(got.recipients.map((r) => [r.status, r.attempts, r.lastReply])).toEqual([
        ['pending', 0, null],
        ['pending', 0, null],
      ]);
    });
  });

  describe('queue: retention', () => {
    /** A message created `daysAgo` days ago, finished (delivered) when `done`. */
    const stored = async (daysAgo: number, state: 'done' | 'queued' | 'held') => {
      const m = message({ createdAt: new Date(Date.now() - daysAgo * 86_400_000).toISOString(), state: state === 'held' ? 'held' : 'queued' });
      await ctx.store.queue.enqueue(m);
      if (state === 'done') {
        await ctx.store.queue.claimDue('node-a', new Date(), 100, LEASE_MS);
        await ctx.store.queue.recordAttempt(m.id, 'node-a', [{ index: 0, status: 'delivered', reply: '250 ok' }, { index: 1, status: 'delivered', reply: '250 ok' }], { nextAttemptAt: null, finished: true });
      }
      return m.id;
    };

    test('delete with a state deletes a message only while it is in that state', async () => {
      const queued = await stored(31, 'queued');
      const held = await stored(31, 'held');
      expect(await ctx.store.queue.delete(queued, 'held')).toBe(false);
      expect(await ctx.store.queue.get(queued)).not.toBeNull();
      expect(await ctx.store.queue.delete(held, 'held')).toBe(true);
      expect(await ctx.store.queue.get(held)).toBeNull();
      expect(await ctx.store.queue.getRaw(held)).toBeNull();
    });

    test('purgeDone deletes finished messages older than the cutoff with their bodies, oldest first, and never a queued or held one', async () => {
      const oldDone = [await stored(30, 'done'), await stored(20, 'done'), await stored(16, 'done')];
      const youngDone = await stored(2, 'done');
      const oldQueued = await stored(30, 'queued');
      const oldHeld = await stored(30, 'held');
      const cutoff = new Date(Date.now() - 14 * 86_400_000).toISOString();
      expect(await ctx.store.queue.purgeDone(cutoff, 2)).toBe(2);
      expect(await ctx.store.queue.get(oldDone[0])).toBeNull();
      expect(await ctx.store.queue.get(oldDone[1])).toBeNull();
      expect(await ctx.store.queue.getRaw(oldDone[0])).toBeNull();
      expect(await ctx.store.queue.get(oldDone[2])).not.toBeNull();
      expect(await ctx.store.queue.purgeDone(cutoff, 100)).toBe(1);
      expect(await ctx.store.queue.purgeDone(cutoff, 100)).toBe(0);
      for (const id of [youngDone, oldQueued, oldHeld]) expect((await ctx.store.queue.get(id))?.recipients).toHaveLength(2);
      expect((await ctx.store.queue.getRaw(oldHeld))!.length).toBeGreaterThan(0);
    });
  });
}
