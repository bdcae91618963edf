import { afterEach, describe, expect, it } from 'vitest';
import { startNextHop, type NextHop } from '../../helpers/next-hop.js';
import { DeliveryWorker } from '../../../src/delivery/worker.js';
import { enqueue, harness, mapResolver, type Harness } from './fixture.js';

let hop: NextHop | undefined;
let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  await hop?.stop();
  h = undefined;
  hop = undefined;
});

const mxTo = (domain: string) =>
  mapResolver({ mx: { [domain]: [{ exchange: `mx.${domain}`, priority: 10 }] }, a: { [`mx.${domain}`]: ['127.0.0.1'] } });

describe('connections, leases and envelopes', () => {
  it('carries many messages to one destination over at most perDestination connections', async () => {
    hop = await startNextHop();
    h = harness({ mode: 'mx', mxPort: hop.port, perDestination: 2, idleCloseMs: 1000 }, { resolver: mxTo('customer.example') });
    for (let i = 0; i < 12; i++) await enqueue(h, { rcpts: [`u${i}@customer.example`] });

    expect(await h.worker.runOnce()).toBe(12);

    expect(hop.messages).toHaveLength(12);
    expect(h.worker.connectionsOpened).toBeLessThanOrEqual(2);
    expect(hop.connections()).toBeLessThanOrEqual(2);
    // The next batch reuses the idle connections (RSET) instead of opening new ones.
    for (let i = 0; i < 3; i++) await enqueue(h, { rcpts: [`v${i}@customer.example`] });
    await h.worker.runOnce();
    expect(hop.messages).toHaveLength(15);
    expect(hop.connections()).toBeLessThanOrEqual(2);
  });

  it('closes idle connections after idleCloseMs and opens a fresh one afterwards', async () => {
    hop = await startNextHop();
    h = harness({ mode: 'mx', mxPort: hop.port, idleCloseMs: 50 }, { resolver: mxTo('customer.example') });
    await enqueue(h, { rcpts: ['a@customer.example'] });
    await h.worker.runOnce();
    await new Promise((r) => setTimeout(r, 150));
    await enqueue(h, { rcpts: ['b@customer.example'] });
    await h.worker.runOnce();

    expect(hop.messages.map((m) => m.connection)).toEqual([0, 1]);
  });

  it('never lets two workers with different owners deliver the same message', async () => {
    hop = await startNextHop();
    h = harness({ mode: 'mx', mxPort: hop.port, batchSize: 5 }, { resolver: mxTo('customer.example') });
    const other = new DeliveryWorker({
      queue: h.store.queue,
      config: h.config,
      owner: 'node-b',
      resolver: mxTo('customer.example'),
      onEvent: () => undefined,
      now: () => h!.clock.now,
    });
    for (let i = 0; i < 20; i++) await enqueue(h, { rcpts: [`u${i}@customer.example`] });

    const claimed = await Promise.all([h.worker.runOnce(), other.runOnce(), h.worker.runOnce(), other.runOnce(), h.worker.runOnce(), other.runOnce()]);
    while ((await h.worker.runOnce()) + (await other.runOnce()) > 0);
    await other.stop();

    expect(claimed.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20);
    const rcpts = hop.messages.flatMap((m) => m.rcpts).sort();
    expect(rcpts).toHaveLength(20);
    expect(new Set(rcpts).size).toBe(20);
  });

  it('sends one transaction per return path on the same connection', async () => {
    hop = await startNextHop();
    const returnPath = (_m: unknown, i: number) => `bounce+${i % 2}@example.co.jp`;
    h = harness({ mode: 'mx', mxPort: hop.port }, { resolver: mxTo('customer.example'), returnPath });
    await enqueue(h, { rcpts: ['a@customer.example', 'b@customer.example', 'c@customer.example'] });

    await h.worker.runOnce();

    expect(hop.messages.map((m) => [m.mailFrom, m.rcpts, m.connection])).toEqual([
      ['bounce+0@example.co.jp', ['a@customer.example', 'c@customer.example'], 0],
      ['bounce+1@example.co.jp', ['b@customer.example'], 0],
    ]);
  });

  it('sends the signed bytes returned by the injected signer', async () => {
    hop = await startNextHop();
    const sign = async (raw: Buffer) => Buffer.concat([Buffer.from('DKIM-Signature: v=1; d=example.co.jp; s=test; b=x\r\n'), raw]);
    h = harness({ mode: 'mx', mxPort: hop.port }, { resolver: mxTo('customer.example'), sign });
    await enqueue(h, { rcpts: ['a@customer.example'] });

    await h.worker.runOnce();

    expect(hop.messages[0].raw.toString()).toMatch(/^DKIM-Signature: v=1; d=example\.co\.jp/);
  });

  it('sends a DSN with the null sender (MAIL FROM:<>)', async () => {
    hop = await startNextHop();
    h = harness({ mode: 'mx', mxPort: hop.port }, { resolver: mxTo('customer.example') });
    await enqueue(h, { from: '', rcpts: ['a@customer.example'], isDsn: true });

    await h.worker.runOnce();

    expect(hop.messages.map((m) => m.mailFrom)).toEqual(['']);
  });

  it('polls on its own after start() and stops gracefully, releasing nothing twice', async () => {
    hop = await startNextHop();
    h = harness({ mode: 'mx', mxPort: hop.port, pollMs: 20 }, { resolver: mxTo('customer.example') });
    h.worker.start();
    const id = await enqueue(h, { rcpts: ['a@customer.example'] });
    for (let i = 0; i < 100 && hop.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await h.worker.stop();

    expect(hop.messages).toHaveLength(1);
    const stored = await h.store.queue.get(id);
    expect(stored?.state).toBe('done');
    expect(stored?.leaseOwner).toBeNull();
  });

  it('on stop, finishes the attempt in flight and hands back claimed messages not yet started', async () => {
    hop = await startNextHop();
    let stopping: Promise<void> | undefined;
    const sign = async (raw: Buffer) => {
      stopping ??= h!.worker.stop();
      return raw;
    };
    h = harness({ mode: 'mx', mxPort: hop.port, concurrency: 1 }, { resolver: mxTo('customer.example'), sign });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await enqueue(h, { rcpts: [`u${i}@customer.example`] }));

    expect(await h.worker.runOnce()).toBe(3);
    await stopping;

    expect(hop.messages).toHaveLength(1);
    const stored = await Promise.all(ids.map((id) => h!.store.queue.get(id)));
    expect(stored.map((m) => m?.state)).toEqual(['done', 'queued', 'queued']);
    expect(stored.map((m) => m?.leaseOwner)).toEqual([null, null, null]);
    expect(stored.map((m) => m?.attempts)).toEqual([1, 0, 0]);
  });

  it('delivers over a fresh connection when the server closed the idle one', async () => {
    hop = await startNextHop({ idleTimeoutMs: 1000 });
    h = harness({ mode: 'mx', mxPort: hop.port, idleCloseMs: 10_000 }, { resolver: mxTo('customer.example') });
    await enqueue(h, { rcpts: ['a@customer.example'] });
    await h.worker.runOnce();
    await new Promise((r) => setTimeout(r, 1500));
    const id = await enqueue(h, { rcpts: ['b@customer.example'] });

    await h.worker.runOnce();

    expect(hop.messages.map((m) => m.connection)).toEqual([0, 1]);
    expect((await h.store.queue.get(id))?.recipients[0].status).toBe('delivered');
  });
});
