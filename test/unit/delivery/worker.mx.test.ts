import { afterEach, describe, expect, it } from 'vitest';
import { startNextHop, type NextHop } from '../../helpers/next-hop.js';
import { enqueue, harness, mapResolver, type Harness } from './fixture.js';

let hop: NextHop | undefined;
let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  await hop?.stop();
  h = undefined;
  hop = undefined;
});

describe('delivery in MX mode', () => {
  it('delivers to the mail exchanger found through the injected resolver', async () => {
    hop = await startNextHop();
    const resolver = mapResolver({
      mx: { 'customer.example': [{ exchange: 'mx1.customer.example', priority: 10 }] },
      a: { 'mx1.customer.example': ['127.0.0.1'] },
    });
    h = harness({ mode: 'mx', mxPort: hop.port }, { resolver });
    const id = await enqueue(h, { rcpts: ['a@customer.example', 'b@customer.example'] });

    expect(await h.worker.runOnce()).toBe(1);

    expect(hop.messages).toHaveLength(1);
    expect(hop.messages[0].mailFrom).toBe('tanaka@example.co.jp');
    expect(hop.messages[0].rcpts).toEqual(['a@customer.example', 'b@customer.example']);
    expect(hop.messages[0].raw.toString()).toContain('Subject: Quarterly report');
    const stored = await h.store.queue.get(id);
    expect(stored?.state).toBe('done');
    expect(stored?.recipients.map((r) => r.status)).toEqual(['delivered', 'delivered']);
    const delivered = h.events.filter((e) => e.code === 'delivery:delivered');
    expect(delivered).toHaveLength(2);
    expect(delivered[0].data).toMatchObject({ queueId: id, rcpt: 'a@customer.example', hop: expect.stringContaining('mx1.customer.example') });
    expect(String(delivered[0].data.reply)).toMatch(/^250 /);
  });

  it('falls back to the address record of the domain when it has no MX (RFC 5321 §5.1)', async () => {
    hop = await startNextHop();
    const resolver = mapResolver({ a: { 'plain.example': ['127.0.0.1'] } });
    h = harness({ mode: 'mx', mxPort: hop.port }, { resolver });
    await enqueue(h, { rcpts: ['x@plain.example'] });

    await h.worker.runOnce();

    expect(hop.messages.map((m) => m.rcpts)).toEqual([['x@plain.example']]);
    expect(resolver.queries).toContain('MX plain.example');
    expect(resolver.queries).toContain('A plain.example');
  });

  it('tries the next MX by preference when the first one is unreachable', async () => {
    hop = await startNextHop();
    const resolver = mapResolver({
      mx: {
        'two.example': [
          { exchange: 'backup.two.example', priority: 20 },
          { exchange: 'dead.two.example', priority: 5 },
        ],
      },
      a: { 'backup.two.example': ['127.0.0.1'], 'dead.two.example': ['127.0.0.2'] },
    });
    h = harness({ mode: 'mx', mxPort: hop.port, timeouts: { connectionMs: 1000 } }, { resolver });
    const id = await enqueue(h, { rcpts: ['y@two.example'] });

    await h.worker.runOnce();

    expect(hop.messages).toHaveLength(1);
    expect((await h.store.queue.get(id))?.recipients[0].status).toBe('delivered');
  });

  it('splits a message by recipient domain and delivers each part to its own exchanger', async () => {
    hop = await startNextHop();
    const resolver = mapResolver({
      mx: {
        'one.example': [{ exchange: 'mx.one.example', priority: 10 }],
        'other.example': [{ exchange: 'mx.other.example', priority: 10 }],
      },
      a: { 'mx.one.example': ['127.0.0.1'], 'mx.other.example': ['127.0.0.1'] },
    });
    h = harness({ mode: 'mx', mxPort: hop.port }, { resolver });
    await enqueue(h, { rcpts: ['a@one.example', 'b@other.example', 'c@one.example'] });

    await h.worker.runOnce();

    const got = hop.messages.map((m) => m.rcpts.join(',')).sort();
    expect(got).toEqual(['a@one.example,c@one.example', 'b@other.example']);
  });
});
