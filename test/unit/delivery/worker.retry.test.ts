import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { startNextHop, type NextHop } from '../../helpers/next-hop.js';
import { advance, enqueue, harness, mapResolver, type Harness } from './fixture.js';

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

/** A port that nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('retries, backoff and expiry', () => {
  it('defers on 4xx and delivers on the retry once the backoff has passed', async () => {
    let greylisted = true;
    hop = await startNextHop({ rcptReply: () => (greylisted ? '451 4.7.1 Greylisted, try again in 5 minutes' : undefined) });
    h = harness({ mode: 'mx', mxPort: hop.port, retry: { initialSeconds: 300, factor: 2, maxSeconds: 3600 } }, { resolver: mxTo('customer.example') });
    const id = await enqueue(h, { rcpts: ['a@customer.example'] });
    const t0 = h.clock.now.getTime();

    await h.worker.runOnce();
    let stored = await h.store.queue.get(id);
    expect(stored?.recipients[0]).toMatchObject({ status: 'deferred', lastReply: '451 4.7.1 Greylisted, try again in 5 minutes' });
    expect(Date.parse(stored!.nextAttemptAt) - t0).toBe(300_000);
    expect(h.events.at(-1)).toMatchObject({ code: 'delivery:deferred', data: { reason: 'blocked', nextAttemptAt: stored!.nextAttemptAt } });

    advance(h, 299);
    expect(await h.worker.runOnce()).toBe(0);

    greylisted = false;
    advance(h, 1);
    expect(await h.worker.runOnce()).toBe(1);
    stored = await h.store.queue.get(id);
    expect(stored?.state).toBe('done');
    expect(stored?.recipients[0].status).toBe('delivered');
    expect(hop.messages).toHaveLength(1);
  });

  it('grows the delay by the factor up to the cap', async () => {
    hop = await startNextHop({ rcptReply: () => '421 4.7.0 Too many connections' });
    h = harness({ mode: 'mx', mxPort: hop.port, retry: { initialSeconds: 60, factor: 3, maxSeconds: 500 } }, { resolver: mxTo('customer.example') });
    const id = await enqueue(h, { rcpts: ['a@customer.example'] });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = h.clock.now.getTime();
      await h.worker.runOnce();
      const next = Date.parse((await h.store.queue.get(id))!.nextAttemptAt);
      delays.push((next - before) / 1000);
      h.clock.now = new Date(next);
    }
    expect(delays).toEqual([60, 180, 500, 500]);
  });

  it('defers when the next hop does not answer, and keeps the message', async () => {
    const port = await closedPort();
    h = harness({ mode: 'mx', mxPort: port, timeouts: { connectionMs: 2000 } }, { resolver: mxTo('down.example') });
    const id = await enqueue(h, { rcpts: ['a@down.example'] });

    await h.worker.runOnce();

    const stored = await h.store.queue.get(id);
    expect(stored?.state).toBe('queued');
    expect(stored?.recipients[0].status).toBe('deferred');
    expect(stored?.recipients[0].lastReply).toMatch(/connection failed.*ECONNREFUSED/);
    expect(h.events[0]).toMatchObject({ code: 'delivery:deferred', data: { reason: 'networkerror', hop: null } });
  });

  it('defers on a DNS server failure instead of failing the recipient', async () => {
    h = harness({ mode: 'mx' }, { resolver: mapResolver({ mx: { 'flaky.example': 'SERVFAIL' } }) });
    const id = await enqueue(h, { rcpts: ['a@flaky.example'] });

    await h.worker.runOnce();

    expect((await h.store.queue.get(id))?.recipients[0]).toMatchObject({ status: 'deferred', lastReply: expect.stringContaining('ESERVFAIL') });
  });

  it('fails a recipient still undelivered at the end of the lifetime as expired, with a DSN', async () => {
    hop = await startNextHop({ rcptReply: () => '450 4.2.1 Mailbox busy' });
    h = harness({ mode: 'mx', mxPort: hop.port, retry: { initialSeconds: 3600, factor: 2, maxSeconds: 86_400 } }, { resolver: mxTo('customer.example') });
    const id = await enqueue(h, { rcpts: ['a@customer.example'], lifetimeHours: 2 });

    await h.worker.runOnce();
    const next = Date.parse((await h.store.queue.get(id))!.nextAttemptAt);
    advance(h, 3600);
    await h.worker.runOnce();
    // The second delay (2 h) would pass the expiry; the retry is due at the expiry instead.
    const expiresAt = Date.parse((await h.store.queue.get(id))!.expiresAt);
    expect(Date.parse((await h.store.queue.get(id))!.nextAttemptAt)).toBe(expiresAt);
    expect(next).toBeLessThan(expiresAt);
    h.clock.now = new Date(expiresAt);
    await h.worker.runOnce();

    const stored = await h.store.queue.get(id);
    expect(stored?.state).toBe('done');
    expect(stored?.recipients[0]).toMatchObject({ status: 'failed', lastReply: expect.stringContaining('expired') });
    expect(stored?.recipients[0].lastReply).toContain('450 4.2.1 Mailbox busy');
    expect(h.events.filter((e) => e.code === 'delivery:failed').map((e) => e.data.reason)).toEqual(['expired']);
    const dsn = (await h.store.queue.list({ limit: 10 })).find((m) => m.isDsn);
    expect((await h.store.queue.getRaw(dsn!.id))!.toString()).toContain('Status: 5.4.7');
    expect(hop.messages).toHaveLength(0);
  });

  it('turns an unexpected error into a deferral with a delivery:error event, never a lost message', async () => {
    hop = await startNextHop();
    const sign = async () => {
      throw new Error('signing key unavailable');
    };
    h = harness({ mode: 'mx', mxPort: hop.port }, { resolver: mxTo('customer.example'), sign });
    const id = await enqueue(h, { rcpts: ['a@customer.example'] });

    await h.worker.runOnce();

    const stored = await h.store.queue.get(id);
    expect(stored?.state).toBe('queued');
    expect(stored?.leaseOwner).toBeNull();
    expect(stored?.recipients[0]).toMatchObject({ status: 'deferred', lastReply: expect.stringContaining('signing key unavailable') });
    expect(h.events[0]).toMatchObject({ code: 'delivery:error', data: { queueId: id, error: 'signing key unavailable' } });
    expect(hop.messages).toHaveLength(0);
  });
});

describe('leases during a long attempt', () => {
  it('renews the lease while an attempt runs, so no other node can claim the message meanwhile', async () => {
    hop = await startNextHop();
    const leaseUntil = new Set<string | null>();
    let later = 0;
    // a slow step inside the attempt (here: signing) that outlasts a third of the 3-second lease;
    // the injected clock moves on meanwhile, so a renewed lease shows as a later expiry
    const sign = async (raw: Buffer) => {
      h!.clock.now = new Date(later);
      await new Promise((r) => setTimeout(r, 2500));
      return raw;
    };
    h = harness({ mode: 'mx', mxPort: hop.port, leaseSeconds: 3 }, { resolver: mxTo('customer.example'), sign });
    const claimedAt = h.clock.now.getTime();
    later = claimedAt + 1500;
    const id = await enqueue(h, { rcpts: ['a@customer.example'] });
    const watch = setInterval(() => void h!.store.queue.get(id).then((m) => leaseUntil.add(m?.leaseUntil ?? null)), 100);
    await h.worker.runOnce();
    clearInterval(watch);
    expect(hop.messages).toHaveLength(1);
    expect(leaseUntil).toContain(new Date(claimedAt + 3000).toISOString());
    expect(leaseUntil).toContain(new Date(later + 3000).toISOString());
    expect((await h.store.queue.get(id))?.state).toBe('done');
  });
});
