import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GeoDb } from '../../../src/auth/geo.js';
import { LoginSignals } from '../../../src/auth/logins.js';
import type { AuthEvent } from '../../../src/events/replay.js';
import { createLogger } from '../../../src/observability/logger.js';
import type { NewEvent, Store } from '../../../src/storage/ports/index.js';
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';

const A = 'tanaka@example.co.jp';
const login = (minutesAgo: number, ip: string, country: string, asn: number): AuthEvent => ({
  ts: new Date(Date.now() - minutesAgo * 60_000).toISOString(), type: 'auth', account: A, ip, ok: true, mechanism: 'PLAIN', country, asn,
});

describe('login signals', () => {
  let store: Store;
  let recorded: NewEvent[];

  beforeEach(() => {
    store = openSqliteStore(':memory:');
    recorded = [];
  });
  afterEach(async () => {
    await store.close();
  });

  it('learns another node\'s logins into the history without recording their findings again', () => {
    const signals = new LoginSignals(null, {}, (e) => recorded.push(e), createLogger('silent'));
    for (let i = 0; i < 6; i++) signals.learn(login(600 - i * 60, '133.11.0.1', 'JP', 2501));
    signals.learn(login(30, '14.160.1.1', 'VN', 45899));
    signals.learn({ ...login(20, '203.0.113.9', 'US', 64501), ok: false });
    expect(recorded).toEqual([]);
    // The learnt logins are the history: Vietnam is known, a failed login from the US is not.
    signals.observe(login(0, '14.160.1.1', 'VN', 45899));
    expect(recorded).toEqual([]);
    signals.observe(login(0, '203.0.113.9', 'US', 64501));
    expect((recorded[0].data as { kinds: string[] }).kinds).toContain('new-country');
  });

  it('rebuilds the login history from the recorded logins, so a restart forgets no habit', async () => {
    for (let i = 0; i < 6; i++) {
      const e = login(600 - i * 60, '133.11.0.1', 'JP', 2501);
      await store.events.append({ ts: e.ts, code: 'smtp:auth-ok', account: A, data: { ...e } });
    }
    const signals = new LoginSignals(null, {}, (e) => recorded.push(e), createLogger('silent'));
    expect(await signals.warm(store, 30)).toBe(6);
    signals.observe(login(0, '133.11.0.1', 'JP', 2501));
    expect(recorded).toEqual([]);
    signals.observe(login(0, '14.160.1.1', 'VN', 45899));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ code: 'auth:anomaly', account: A });
    expect((recorded[0].data as { kinds: string[] }).kinds).toContain('new-country');
  });

  it('fails open when the location data cannot be read: no country, no error, logins go on', () => {
    const broken = new GeoDb({ asn: '/nonexistent', country: '/nonexistent' });
    const signals = new LoginSignals(broken, {}, (e) => recorded.push(e), createLogger('silent'));
    expect(signals.locate('8.8.8.8')).toEqual({});
    expect(signals.locate('8.8.4.4')).toEqual({});
  });
});
