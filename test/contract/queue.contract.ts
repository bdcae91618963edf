import { describe, expect } from 'vitest';
import { allBytes, message, minutesAgo, type ContractContext } from './fixtures.js';

export function queueContract(ctx: ContractContext): void {
  const { test } = ctx;

  describe('queue: enqueue and read', () => {
    test('an enqueued message reads back with every field, due at its creation time', async () => {
      const m = message({ raw: allBytes() });
      await ctx.store.queue.enqueue(m);
      expect(await ctx.store.queue.get(m.id)).toEqual({
        id: m.id,
        account: m.account,
        mailFrom: m.mailFrom,
        messageId: m.messageId,
        size: 512,
        state: 'queued',
        reason: null,
        createdAt: m.createdAt,
        nextAttemptAt: m.createdAt,
        expiresAt: m.expiresAt,
        attempts: 0,
        leaseOwner: null,
        leaseUntil: null,
        isDsn: false,
        recipients: [
          { index: 0, address: 'bob@example.net', status: 'pending', attempts: 0, lastReply: null, updatedAt: m.createdAt },
          { index: 1, address: 'carol@example.org', status: 'pending', attempts: 0, lastReply: null, updatedAt: m.createdAt },
        ],
      });
    });

    test('the raw body reads back byte for byte and unknown ids read as null', async () => {
      const m = message({ raw: allBytes() });
      await ctx.store.queue.enqueue(m);
      expect((await ctx.store.queue.getRaw(m.id))!.equals(allBytes())).toBe(true);
      expect(await ctx.store.queue.getRaw('no-such-id')).toBeNull();
      expect(await ctx.store.queue.get('no-such-id')).toBeNull();
    });

    test('a message enqueued held keeps its reason and its recipients wait as held', async () => {
      const m = message({ state: 'held', reason: 'account restricted', isDsn: true });
      await ctx.store.queue.enqueue(m);
      const got = await ctx.store.queue.get(m.id);
      expect(got).toMatchObject({ state: 'held', reason: 'account restricted', isDsn: true });
      expect(got!.recipients.map((r) => r.status)).toEqual(['held', 'held']);
    });

    test('concurrent enqueues are all committed once their promises resolve', async () => {
      const batch = Array.from({ length: 50 }, () => message());
      await Promise.all(batch.map((m) => ctx.store.queue.enqueue(m)));
      expect((await ctx.store.queue.counts()).queued).toBe(50);
      for (const m of batch) expect((await ctx.store.queue.getRaw(m.id))!.equals(m.raw)).toBe(true);
    });

    test('a duplicate id fails only its own enqueue, not the others committed with it', async () => {
      const first = message();
      await ctx.store.queue.enqueue(first);
      const others = [message(), message()];
      const results = await Promise.allSettled([
        ctx.store.queue.enqueue(others[0]),
        ctx.store.queue.enqueue({ ...message(), id: first.id }),
        ctx.store.queue.enqueue(others[1]),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await ctx.store.queue.get(first.id))!.messageId).toBe(first.messageId);
      expect((await ctx.store.queue.counts()).queued).toBe(3);
    });

    test('list filters by state and account, orders by creation and honours the limit', async () => {
      const a1 = message({ createdAt: minutesAgo(30) });
      const a2 = message({ createdAt: minutesAgo(20), state: 'held', reason: 'spam score' });
      const b1 = message({ createdAt: minutesAgo(25), account: 'bob@example.com' });
      const a3 = message({ createdAt: minutesAgo(10) });
      for (const m of [a3, b1, a2, a1]) await ctx.store.queue.enqueue(m);
      const ids = async (f?: Parameters<typeof ctx.store.queue.list>[0]) =>
        (await ctx.store.queue.list(f)).map((m) => m.id);
      expect(await ids()).toEqual([a1.id, b1.id, a2.id, a3.id]);
      expect(await ids({ state: 'queued' })).toEqual([a1.id, b1.id, a3.id]);
      expect(await ids({ account: 'alice@example.com' })).toEqual([a1.id, a2.id, a3.id]);
      expect(await ids({ account: 'alice@example.com', state: 'held' })).toEqual([a2.id]);
      expect(await ids({ limit: 2 })).toEqual([a1.id, b1.id]);
      expect(await ids({ state: 'done' })).toEqual([]);
    });
  });

  describe('queue: operator actions', () => {
    test('counts report every state, including those with no message', async () => {
      expect(await ctx.store.queue.counts()).toEqual({ queued: 0, held: 0, done: 0 });
      await ctx.store.queue.enqueue(message());
      await ctx.store.queue.enqueue(message());
      await ctx.store.queue.enqueue(message({ state: 'held', reason: 'r' }));
      const done = message();
      await ctx.store.queue.enqueue(done);
      await ctx.store.queue.recordAttempt(done.id, 'node-a', [], { nextAttemptAt: null, finished: true });
      expect(await ctx.store.queue.counts()).toEqual({ queued: 2, held: 1, done: 1 });
    });

    test('retryNow makes a queued message due now and refuses held or unknown messages', async () => {
      const later = new Date(Date.now() + 3_600_000).toISOString();
      const m = message({ createdAt: later });
      const held = message({ state: 'held', reason: 'r' });
      await ctx.store.queue.enqueue(m);
      await ctx.store.queue.enqueue(held);
      const before = Date.now();
      expect(await ctx.store.queue.retryNow(m.id)).toBe(true);
      const due = Date.parse((await ctx.store.queue.get(m.id))!.nextAttemptAt);
      expect(due).toBeGreaterThanOrEqual(before - 1);
      expect(due).toBeLessThanOrEqual(Date.now() + 1);
      expect(await ctx.store.queue.retryNow(held.id)).toBe(false);
      expect(await ctx.store.queue.retryNow('no-such-id')).toBe(false);
    });

    test('delete removes the message, its body and its recipients, once', async () => {
      const m = message();
      await ctx.store.queue.enqueue(m);
      expect(await ctx.store.queue.delete(m.id)).toBe(true);
      expect(await ctx.store.queue.get(m.id)).toBeNull();
      expect(await ctx.store.queue.getRaw(m.id)).toBeNull();
      expect(await ctx.store.queue.delete(m.id)).toBe(false);
      await ctx.store.queue.enqueue(message({ id: m.id }));
      expect((await ctx.store.queue.get(m.id))!.recipients).toHaveLength(2);
    });

    test('holdAccount quarantines only the queued messages of that account', async () => {
      const queued = message();
      const partly = message({ rcpts: ['a@example.net', 'b@example.net', 'c@example.net'] });
      const done = message();
      const already = message({ state: 'held', reason: 'earlier' });
      const other = message({ account: 'bob@example.com' });
      for (const m of [queued, partly, done, already, other]) await ctx.store.queue.enqueue(m);
      await ctx.store.queue.recordAttempt(done.id, 'node-a', [], { nextAttemptAt: null, finished: true });
      await ctx.store.queue.recordAttempt(partly.id, 'node-a', [
        { index: 0, status: 'delivered', reply: '250 ok' },
        { index: 1, status: 'deferred', reply: '451 try later' },
      ], { nextAttemptAt: minutesAgo(1), finished: false });

      const ids = await ctx.store.queue.holdAccount('alice@example.com', 'containment: burst');
      expect([...ids].sort()).toEqual([queued.id, partly.id].sort());
      expect(await ctx.store.queue.get(queued.id)).toMatchObject({ state: 'held', reason: 'containment: burst' });
      const p = await ctx.store.queue.get(partly.id);
      expect(p!.state).toBe('held');
      expect(p!.recipients.map((r) => r.status)).toEqual(['delivered', 'held', 'held']);
      expect(await ctx.store.queue.get(done.id)).toMatchObject({ state: 'done' });
      expect(await ctx.store.queue.get(already.id)).toMatchObject({ state: 'held', reason: 'earlier' });
      expect(await ctx.store.queue.get(other.id)).toMatchObject({ state: 'queued', reason: null });
      expect(await ctx.store.queue.holdAccount('alice@example.com', 'again')).toEqual([]);
    });

    test('release moves a held message back to the queue, due now, with its recipients pending', async () => {
      const m = message({ rcpts: ['a@example.net', 'b@example.net'], createdAt: minutesAgo(60) });
      await ctx.store.queue.enqueue(m);
      await ctx.store.queue.recordAttempt(m.id, 'node-a', [{ index: 0, status: 'delivered', reply: '250 ok' }], {
        nextAttemptAt: minutesAgo(-30),
        finished: false,
      });
      await ctx.store.queue.holdAccount('alice@example.com', 'review');
      const before = Date.now();
      expect(await ctx.store.queue.release(m.id)).toBe(true);
      const got = await ctx.store.queue.get(m.id);
      expect(got).toMatchObject({ state: 'queued', reason: null });
      expect(Date.parse(got!.nextAttemptAt)).toBeGreaterThanOrEqual(before - 1);
      expect(Date.parse(got!.nextAttemptAt)).toBeLessThanOrEqual(Date.now() + 1);
      expect(got!.recipients.map((r) => r.status)).toEqual(['delivered', 'pending']);
      expect(await ctx.store.queue.release(m.id)).toBe(false);
      expect(await ctx.store.queue.release('no-such-id')).toBe(false);
    });
  });
}
