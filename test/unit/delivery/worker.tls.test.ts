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

const relay = (port: number, extra: Record<string, unknown> = {}) => ({
  mode: 'smarthost',
  smarthost: { host: '127.0.0.1', port, security: 'starttls', user: 'gw', password: 's3cret', rejectUnauthorized: false, ...extra },
});

const mxTo = (domain: string) =>
  mapResolver({ mx: { [domain]: [{ exchange: `mx.${domain}`, priority: 10 }] }, a: { [`mx.${domain}`]: ['127.0.0.1'] } });

describe('TLS policy and the smarthost', () => {
  it('relays through a smarthost with STARTTLS and AUTH', async () => {
    hop = await startNextHop({ starttls: true, auth: { user: 'gw', pass: 's3cret' } });
    h = harness(relay(hop.port));
    const id = await enqueue(h, { rcpts: ['a@customer.example', 'b@elsewhere.example'] });

    await h.worker.runOnce();

    expect(hop.messages).toHaveLength(1);
    expect(hop.messages[0]).toMatchObject({ secure: true, user: 'gw', rcpts: ['a@customer.example', 'b@elsewhere.example'] });
    expect((await h.store.queue.get(id))?.state).toBe('done');
    const ev = h.events.find((e) => e.code === 'delivery:delivered');
    expect(ev?.data.tls).toMatch(/^TLSv1\.[23]$/);
  });

  it('relays through a smarthost with implicit TLS', async () => {
    hop = await startNextHop({ secure: true, auth: { user: 'gw', pass: 's3cret' } });
    h = harness(relay(hop.port, { security: 'tls' }));
    await enqueue(h, { rcpts: ['a@customer.example'] });

    await h.worker.runOnce();

    expect(hop.messages.map((m) => m.secure)).toEqual([true]);
  });

  it('defers, and never bounces, when the relay refuses the credentials', async () => {
    hop = await startNextHop({ starttls: true, auth: { user: 'gw', pass: 'other' } });
    h = harness(relay(hop.port));
    const id = await enqueue(h, { rcpts: ['a@customer.example'] });

    await h.worker.runOnce();

    const stored = await h.store.queue.get(id);
    expect(stored?.state).toBe('queued');
    expect(stored?.recipients[0]).toMatchObject({ status: 'deferred', lastReply: expect.stringContaining('535') });
    expect(await h.store.queue.list({ limit: 10 })).toHaveLength(1);
  });

  it('defers a requireTls destination whose exchanger offers no STARTTLS, sending nothing in clear', async () => {
    hop = await startNextHop({ starttls: false });
    h = harness({ mode: 'mx', mxPort: hop.port, requireTls: ['bank.example'] }, { resolver: mxTo('bank.example') });
    const id = await enqueue(h, { rcpts: ['cfo@bank.example'] });

    await h.worker.runOnce();

    expect(hop.messages).toHaveLength(0);
    const stored = await h.store.queue.get(id);
    expect(stored?.state).toBe('queued');
    expect(stored?.recipients[0].status).toBe('deferred');
    const ev = h.events.find((e) => e.code === 'delivery:deferred');
    expect(ev?.data).toMatchObject({ rcpt: 'cfo@bank.example', status: '4.7.10', reason: 'securityerror' });
  });

  it('uses STARTTLS opportunistically with an unverifiable certificate, as MTAs do', async () => {
    hop = await startNextHop({ starttls: true });
    h = harness({ mode: 'mx', mxPort: hop.port }, { resolver: mxTo('customer.example') });
    await enqueue(h, { rcpts: ['a@customer.example'] });

    await h.worker.runOnce();

    expect(hop.messages.map((m) => m.secure)).toEqual([true]);
  });

  it('delivers in clear to an ordinary exchanger without STARTTLS', async () => {
    hop = await startNextHop({ starttls: false });
    h = harness({ mode: 'mx', mxPort: hop.port, requireTls: ['bank.example'] }, { resolver: mxTo('customer.example') });
    await enqueue(h, { rcpts: ['a@customer.example'] });

    await h.worker.runOnce();

    expect(hop.messages.map((m) => m.secure)).toEqual([false]);
    expect(h.events.find((e) => e.code === 'delivery:delivered')?.data.tls).toBeNull();
  });
});
