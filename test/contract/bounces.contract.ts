import { describe, expect } from 'vitest';
import type { NewInbound } from '../../src/storage/ports/index.js';
import { allBytes, message, newId, type ContractContext } from './fixtures.js';

const at = (sec: number): string => new Date(Date.UTC(2030, 0, 1, 0, 0, sec)).toISOString();

function inbound(over: Partial<NewInbound> = {}): NewInbound {
  return {
    id: newId(),
    receivedAt: at(0),
    source: 'smtp',
    remote: '192.0.2.25',
    mailFrom: '',
    rcpts: ['bounces+abc=0=k=mac@bounces.example.com'],
    raw: allBytes(),
    ...over,
  };
}

/** The bounce store (received raw bounces) and the queue methods that correlation relies on. */
export function bouncesContract(ctx: ContractContext): void {
  const { test } = ctx;

  describe('bounces', () => {
    test('a received message reads back pending, with its raw bytes intact', async () => {
      const m = inbound();
      await ctx.store.bounces.receive(m);
      const got = await ctx.store.bounces.get(m.id);
      expect(got).toMatchObject({ id: m.id, receivedAt: m.receivedAt, source: 'smtp', mailFrom: '', rcpts: m.rcpts, size: 512 });
      expect(got).toMatchObject({ state: 'pending', kind: null, account: null, queueId: null, summary: {}, error: null, handledAt: null });
      expect((await ctx.store.bounces.getRaw(m.id))?.equals(m.raw)).toBe(true);
      expect(await ctx.store.bounces.get('no-such-id')).toBeNull();
    });

    test('finish records the outcome and list filters by account, kind and state', async () => {
      const a = inbound({ receivedAt: at(1) });
      const b = inbound({ receivedAt: at(2), source: 'imap', remote: 'INBOX:7' });
      const c = inbound({ receivedAt: at(3) });
      for (const m of [a, b, c]) await ctx.store.bounces.receive(m);
      const summary = { recipients: [{ address: 'x@example.net', status: '5.1.1', reason: 'userunknown' }], text: 'ユーザー' };
      await ctx.store.bounces.finish(a.id, { state: 'handled', kind: 'bounce', account: 'alice@example.com', queueId: 'Q1', summary, error: null }, at(9));
      await ctx.store.bounces.finish(b.id, { state: 'failed', kind: null, account: null, queueId: null, summary: {}, error: 'boom' }, at(9));
      expect(await ctx.store.bounces.get(a.id)).toMatchObject({ state: 'handled', kind: 'bounce', account: 'alice@example.com', queueId: 'Q1', summary, handledAt: at(9) });
      expect((await ctx.store.bounces.list({ account: 'alice@example.com' })).map((m) => m.id)).toEqual([a.id]);
      expect((await ctx.store.bounces.list({ kind: 'bounce' })).map((m) => m.id)).toEqual([a.id]);
      expect((await ctx.store.bounces.list({ state: 'pending' })).map((m) => m.id)).toEqual([c.id]);
      expect((await ctx.store.bounces.list({ state: 'failed' }))[0]).toMatchObject({ id: b.id, error: 'boom', source: 'imap' });
      expect((await ctx.store.bounces.list({ since: at(2) })).map((m) => m.id)).toEqual([b.id, c.id]);
      expect((await ctx.store.bounces.list({ newestFirst: true, limit: 2 })).map((m) => m.id)).toEqual([c.id, b.id]);
    });

    test('markRecipient sets one recipient status and reply; an unknown one reports false', async () => {
      const m = message();
      await ctx.store.queue.enqueue(m);
      expect(await ctx.store.queue.markRecipient(m.id, 1, 'bounced', '550 5.1.1 User unknown')).toBe(true);
      const got = await ctx.store.queue.get(m.id);
      expect(got?.recipients.map((r) => r.status)).toEqual(['pending', 'bounced']);
      expect(got?.recipients[1].lastReply).toBe('550 5.1.1 User unknown');
      expect(await ctx.store.queue.markRecipient(m.id, 5, 'complaint', null)).toBe(false);
      expect(await ctx.store.queue.markRecipient('no-such-id', 0, 'complaint', null)).toBe(false);
    });

    test('findByMessageId returns every message with that Message-ID, oldest first', async () => {
      const older = message({ messageId: '<same@example.com>', createdAt: new Date(Date.now() - 3_600_000).toISOString() });
      const newer = message({ messageId: '<same@example.com>' });
      await ctx.store.queue.enqueue(newer);
      await ctx.store.queue.enqueue(older);
      await ctx.store.queue.enqueue(message());
      expect((await ctx.store.queue.findByMessageId('<same@example.com>')).map((m) => m.id)).toEqual([older.id, newer.id]);
      expect(await ctx.store.queue.findByMessageId('<none@example.com>')).toEqual([]);
    });
  });
}
