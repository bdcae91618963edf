import { describe, expect, it } from 'vitest';
import { AuthGuard, attemptKey, type GuardEvent } from '../../../src/auth/guard/index.js';

const MIN = 60_000;

/** One verified attempt: consult the guard, then (when let through) record the outcome. */
function attempt(guard: AuthGuard, ip: string, account: string, ok: boolean, now: number, password = `guess-${now}-${ip}`) {
  const key = attemptKey(password);
  const decision = guard.check({ ip, account, now, attemptKey: key });
  const result = decision.action === 'deny' ? { events: [] as GuardEvent[] } : guard.record({ ip, account, ok, now, attemptKey: key });
  return { decision, ...result };
}

const codes = (events: GuardEvent[]) => events.map((e) => e.code);

describe('brute-force guard: delays and bans', () => {
  it('lets the first few failures through, then delays progressively up to the cap', () => {
    const guard = new AuthGuard();
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) delays.push(attempt(guard, '198.51.100.7', 'sato@example.jp', false, i * 1000).decision.delayMs ?? 0);
    expect(delays).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 16000, 30000]);
  });

  it('bans the source for one account after 10 failures, and each later ban lasts twice as long', () => {
    const guard = new AuthGuard();
    let now = 0;
    const fail = () => attempt(guard, '198.51.100.7', 'sato@example.jp', false, (now += 1000));
    for (let i = 0; i < 9; i++) fail();
    expect(codes(fail().events)).toEqual(['auth:pair-banned']);
    const first = guard.check({ ip: '198.51.100.7', account: 'sato@example.jp', now });
    expect(first).toMatchObject({ action: 'deny', code: 'auth:pair-banned', error: 'AUTH_THROTTLED', retryAfterMs: 5 * MIN });
    // another account from the same source is not affected by the pair ban
    expect(guard.check({ ip: '198.51.100.7', account: 'kato@example.jp', now }).action).not.toBe('deny');

    now += 5 * MIN;
    expect(guard.check({ ip: '198.51.100.7', account: 'sato@example.jp', now }).action).not.toBe('deny');
    for (let i = 0; i < 9; i++) fail();
    const second = fail().events.find((e) => e.code === 'auth:pair-banned');
    expect(second!.until! - now).toBe(10 * MIN);
  });

  it('bans a source failing on a few accounts 20 times, for every account that is not known-good there', () => {
    const guard = new AuthGuard();
    const accounts = ['a@example.jp', 'b@example.jp', 'c@example.jp'];
    const events: GuardEvent[] = [];
    for (let i = 0; i < 20; i++) events.push(...attempt(guard, '203.0.113.9', accounts[i % 3], false, i * 100).events);
    expect(codes(events)).toContain('auth:source-banned');
    expect(guard.check({ ip: '203.0.113.9', account: 'd@example.jp', now: 3000 })).toMatchObject({ action: 'deny', code: 'auth:source-banned' });
  });

  it('forgets failures after the window', () => {
    const guard = new AuthGuard();
    for (let i = 0; i < 5; i++) attempt(guard, '198.51.100.7', 'sato@example.jp', false, i);
    expect(guard.check({ ip: '198.51.100.7', account: 'sato@example.jp', now: 10 }).action).toBe('delay');
    expect(guard.check({ ip: '198.51.100.7', account: 'sato@example.jp', now: 16 * MIN }).action).toBe('allow');
  });

  it('clears the failures of a source and account after a successful login', () => {
    const guard = new AuthGuard();
    for (let i = 0; i < 4; i++) attempt(guard, '198.51.100.7', 'sato@example.jp', false, i);
    attempt(guard, '198.51.100.7', 'sato@example.jp', true, 60_000);
    expect(guard.check({ ip: '198.51.100.7', account: 'sato@example.jp', now: 60_001 }).action).toBe('allow');
  });
});

describe('brute-force guard: spraying and stuffing', () => {
  it('reports password spraying from one source over many accounts, and bans the source', () => {
    const guard = new AuthGuard();
    const events: GuardEvent[] = [];
    for (let i = 0; i < 10; i++) events.push(...attempt(guard, '192.0.2.44', `user${i}@example.jp`, false, i * 1000).events);
    const spray = events.find((e) => e.code === 'auth:spray-detected');
    expect(spray).toMatchObject({ source: '192.0.2.44', count: 10 });
    expect(codes(events)).toContain('auth:source-banned');
    expect(guard.check({ ip: '192.0.2.44', account: 'user99@example.jp', now: 11_000 }).action).toBe('deny');
  });

  it('reports credential stuffing from many sources on one account, and slows only strangers', () => {
    const guard = new AuthGuard();
    attempt(guard, '203.0.113.5', 'tanaka@example.jp', true, 0);
    const events: GuardEvent[] = [];
    for (let i = 1; i <= 10; i++) events.push(...attempt(guard, `198.51.100.${i}`, 'tanaka@example.jp', false, i * 1000).events);
    expect(events.filter((e) => e.code === 'auth:stuffing-detected')).toEqual([
      expect.objectContaining({ account: 'tanaka@example.jp', count: 10 }),
    ]);
    expect(guard.check({ ip: '198.51.100.200', account: 'tanaka@example.jp', now: 20_000 })).toMatchObject({
      action: 'delay',
      code: 'auth:account-under-attack',
    });
    expect(guard.check({ ip: '203.0.113.5', account: 'tanaka@example.jp', now: 20_000 }).action).toBe('allow');
  });
});

describe('brute-force guard: the account owner is not locked out', () => {
  it('after 100 consecutive failures accepts only known-good sources, until an administrator resets', () => {
    const guard = new AuthGuard();
    const owner = '203.0.113.5';
    attempt(guard, owner, 'tanaka@example.jp', true, 0);
    const events: GuardEvent[] = [];
    // a botnet: each address tries a few times, staying under every per-source limit
    for (let i = 0; i < 100; i++) {
      const ip = `10.${Math.floor(i / 3)}.0.1`;
      events.push(...guard.record({ ip, account: 'tanaka@example.jp', ok: false, now: 1000 + i, attemptKey: attemptKey(`g${i}`) }).events);
    }
    expect(events.filter((e) => e.code === 'auth:account-locked')).toEqual([
      expect.objectContaining({ account: 'tanaka@example.jp', count: 100 }),
    ]);
    expect(events.filter((e) => e.code === 'auth:stuffing-detected')).toHaveLength(1);

    expect(guard.check({ ip: '10.201.0.1', account: 'tanaka@example.jp', now: 3000 })).toMatchObject({ action: 'deny', code: 'auth:account-locked' });
    expect(guard.check({ ip: owner, account: 'tanaka@example.jp', now: 3000 }).action).toBe('allow');
    // the owner's success does not lift the restriction: only an administrator does
    guard.record({ ip: owner, account: 'tanaka@example.jp', ok: true, now: 4000 });
    expect(guard.check({ ip: '10.201.0.1', account: 'tanaka@example.jp', now: 5000 }).action).toBe('deny');

    expect(codes(guard.resetAccount('Tanaka@Example.jp', 6000))).toEqual(['auth:account-reset']);
    expect(guard.check({ ip: '10.201.0.1', account: 'tanaka@example.jp', now: 7000 }).action).not.toBe('deny');
  });

  it('lets the owner in from a known-good source while that source is banned for spraying', () => {
    const guard = new AuthGuard();
    attempt(guard, '192.0.2.44', 'tanaka@example.jp', true, 0);
    for (let i = 0; i < 10; i++) attempt(guard, '192.0.2.44', `user${i}@example.jp`, false, 1000 + i);
    expect(guard.check({ ip: '192.0.2.44', account: 'user50@example.jp', now: 2000 }).action).toBe('deny');
    expect(guard.check({ ip: '192.0.2.44', account: 'tanaka@example.jp', now: 2000 }).action).toBe('allow');
  });
});

describe('brute-force guard: a device repeating an old password', () => {
  it('tells the stale password apart from guessing and does not ban the office address', () => {
    const guard = new AuthGuard();
    const office = '198.51.100.20';
    const first = attempt(guard, office, 'sato@example.jp', false, 0, 'old password');
    expect(first.decision.action).toBe('allow');
    const repeats = [];
    for (let i = 1; i <= 50; i++) repeats.push(attempt(guard, office, 'sato@example.jp', false, i * 5000, 'old password'));
    expect(repeats[0].decision).toMatchObject({ action: 'deny', code: 'auth:stale-password', error: 'AUTH_STALE_PASSWORD' });
    expect(repeats[0].decision.event).toMatchObject({ code: 'auth:stale-password', account: 'sato@example.jp' });
    expect(repeats[1].decision.event).toBeUndefined();
    expect(repeats[0].decision.reason?.ja).toContain('古いパスワード');
    // colleagues behind the same NAT are neither banned nor slowed
    expect(guard.check({ ip: office, account: 'kato@example.jp', now: 300_000 }).action).toBe('allow');
  });

  it('recognises the repeat in record() too, and does not count it', () => {
    const guard = new AuthGuard();
    const key = attemptKey('old password');
    guard.record({ ip: '198.51.100.20', account: 'sato@example.jp', ok: false, now: 0, attemptKey: key });
    for (let i = 1; i < 30; i++) {
      const r = guard.record({ ip: '198.51.100.20', account: 'sato@example.jp', ok: false, now: i, attemptKey: key });
      expect(r).toMatchObject({ stale: true, code: 'auth:stale-password' });
    }
    expect(guard.check({ ip: '198.51.100.20', account: 'sato@example.jp', now: 100 }).action).toBe('allow');
  });

  it('forgets failed attempts after a password change, and after a few minutes', () => {
    const guard = new AuthGuard();
    const key = attemptKey('next password');
    guard.record({ ip: '198.51.100.20', account: 'sato@example.jp', ok: false, now: 0, attemptKey: key });
    expect(guard.check({ ip: '198.51.100.20', account: 'sato@example.jp', now: 1, attemptKey: key }).code).toBe('auth:stale-password');
    expect(guard.check({ ip: '198.51.100.20', account: 'sato@example.jp', now: 11 * MIN, attemptKey: key }).action).toBe('allow');
    guard.record({ ip: '198.51.100.20', account: 'sato@example.jp', ok: false, now: 12 * MIN, attemptKey: key });
    guard.passwordChanged('sato@example.jp');
    expect(guard.check({ ip: '198.51.100.20', account: 'sato@example.jp', now: 12 * MIN + 1, attemptKey: key }).action).toBe('allow');
  });

  it('derives attempt keys without keeping the password', () => {
    expect(attemptKey('secret')).toBe(attemptKey('secret'));
    expect(attemptKey('ｓｅｃｒｅｔ')).toBe(attemptKey('secret'));
    expect(attemptKey('secret')).not.toBe(attemptKey('secret2'));
    expect(attemptKey('secret')).not.toContain('secret');
  });
});
