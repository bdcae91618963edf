import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bouncesConfigSchema } from '../../../src/bounces/config.js';
import { BounceRates } from '../../../src/bounces/rates.js';
import { createLogger } from '../../../src/observability/logger.js';
import type { Store } from '../../../src/storage/ports/index.js';
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';

const A = 'tanaka@example.co.jp';
const T0 = Date.parse('2030-01-01T09:00:00Z');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();

describe('per-account bounce and complaint rates', () => {
  let store: Store;
  const restrict = vi.fn();
  let rates: BounceRates;

  const sent = async (n: number, min = 0) => {
    for (let i = 0; i < n; i++) await store.events.append({ ts: at(min), code: 'queue:accepted', account: A, data: { rcpts: [`r${i}@example.net`] } });
  };
  const bounce = (status = '5.1.1', min = 1) => store.events.append({ ts: at(min), code: 'bounce:received', account: A, data: { type: 'bounce', status } });
  const complaint = (min = 1) => store.events.append({ ts: at(min), code: 'bounce:complaint', account: A, data: { type: 'bounce', status: '', reason: 'feedback' } });

  beforeEach(() => {
    store = openSqliteStore(':memory:');
    restrict.mockReset();
    rates = new BounceRates(bouncesConfigSchema.parse({}).rates, { events: store.events, restrict, logger: createLogger('silent') });
  });
  afterEach(async () => {
    await store.close();
  });

  it('puts the account under review at a 5 % hard-bounce rate and restricts it at 10 %, once each', async () => {
    await sent(100);
    for (let i = 0; i < 5; i++) await bounce();
    expect((await rates.check(A, at(2))).levels.bounce).toBe('review');
    expect(restrict).not.toHaveBeenCalled();
    for (let i = 0; i < 5; i++) await bounce();
    expect((await rates.check(A, at(3))).levels.bounce).toBe('restrict');
    await rates.check(A, at(4));
    expect(restrict).toHaveBeenCalledTimes(1);
    expect(restrict.mock.calls[0]).toEqual([A, 'hard-bounce rate 10.0% (10 of 100 recipients in 24 hours) reached 10.0%']);
    const codes = (await store.events.query({ codes: ['bounce:rate-review', 'bounce:rate-restrict'] })).map((e) => e.code);
    expect(codes).toEqual(['bounce:rate-review', 'bounce:rate-restrict']);
  });

  it('counts only hard (5.x.x) bounces, and refusals during delivery as well', async () => {
    await sent(50);
    for (let i = 0; i < 10; i++) await bounce('4.2.2');
    await store.events.append({ ts: at(1), code: 'delivery:failed', account: A, data: { rcpt: 'x@example.net', status: '5.1.1' } });
    expect(await rates.sample(A, at(2))).toEqual({ recipients: 50, hardBounces: 1, complaints: 0 });
  });

  it('trusts no rate below the minimum sample: three bounces of twenty recipients change nothing', async () => {
    await sent(20);
    for (let i = 0; i < 3; i++) await bounce();
    expect((await rates.check(A, at(2))).levels).toEqual({ bounce: 'ok', complaint: 'ok' });
  });

  it('forgets bounces and recipients older than the window', async () => {
    await sent(100, 0);
    for (let i = 0; i < 10; i++) await bounce('5.1.1', 1);
    expect((await rates.check(A, at(25 * 60))).levels.bounce).toBe('ok');
  });

  it('reviews at 0.1 % complaints and restricts at 0.5 % once enough mail was sent', async () => {
    await sent(1000);
    for (let i = 0; i < 2; i++) await complaint();
    expect((await rates.check(A, at(2))).levels.complaint).toBe('review');
    for (let i = 0; i < 3; i++) await complaint();
    expect((await rates.check(A, at(3))).levels.complaint).toBe('restrict');
    expect(restrict.mock.calls[0][1]).toMatch(/^complaint rate 0\.50% \(5 of 1000 recipients/);
  });
});
