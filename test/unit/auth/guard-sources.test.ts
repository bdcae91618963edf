import { describe, expect, it } from 'vitest';
import { AllowList, AuthGuard, attemptKey, guardConfigSchema, parseCidr, sourceKey, type GuardEvent } from '../../../src/auth/guard/index.js';

describe('brute-force guard: sources', () => {
  it('counts IPv4 per address and IPv6 per /64', () => {
    expect(sourceKey('192.0.2.7')).toBe('192.0.2.7');
    expect(sourceKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:DB8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('[2001:db8::1]')).toBe('2001:db8::/64');
    expect(sourceKey('fe80::1%eth0')).toBe('fe80::/64');
    expect(sourceKey('2001:db8:1:2::1', 48)).toBe('2001:db8:1::/48');
  });

  it('bans a whole IPv6 /64 when its addresses rotate, and leaves the neighbouring /64 alone', () => {
    const guard = new AuthGuard();
    for (let i = 1; i <= 10; i++) {
      guard.record({ ip: `2001:db8:1:2::${i.toString(16)}`, account: 'sato@example.jp', ok: false, now: i, attemptKey: attemptKey(`g${i}`) });
    }
    expect(guard.check({ ip: '2001:db8:1:2:dead:beef::1', account: 'sato@example.jp', now: 100 })).toMatchObject({
      action: 'deny',
      code: 'auth:pair-banned',
    });
    expect(guard.check({ ip: '2001:db8:1:3::1', account: 'sato@example.jp', now: 100 }).action).not.toBe('deny');
  });

  it('never bans or slows an allow-listed office network, but still reports spraying from it', () => {
    const guard = new AuthGuard({ allowList: ['10.0.0.0/8', '2001:db8:ffff::/48'] });
    const events: GuardEvent[] = [];
    for (let i = 0; i < 60; i++) {
      events.push(...guard.record({ ip: '10.1.2.3', account: `user${i % 12}@example.jp`, ok: false, now: i, attemptKey: attemptKey(`g${i}`) }).events);
    }
    expect(events.filter((e) => e.code === 'auth:spray-detected')).toEqual([expect.objectContaining({ allowListed: true })]);
    expect(events.map((e) => e.code)).not.toContain('auth:source-banned');
    expect(events.map((e) => e.code)).not.toContain('auth:pair-banned');
    expect(guard.check({ ip: '10.1.2.3', account: 'user99@example.jp', now: 100 }).action).toBe('allow');
    // the pair delay still slows guessing one account from inside
    expect(guard.check({ ip: '10.1.2.3', account: 'user0@example.jp', now: 100 }).action).toBe('delay');
    expect(new AllowList(['2001:db8:ffff::/48']).has('2001:db8:ffff:1::9')).toBe(true);
    expect(new AllowList(['10.0.0.0/8']).has('::ffff:10.9.9.9')).toBe(true);
    expect(new AllowList(['10.0.0.0/8']).has('11.0.0.1')).toBe(false);
  });

  it('keeps memory bounded under a flood from many addresses', () => {
    const guard = new AuthGuard({ maxTrackedKeys: 1000 });
    for (let i = 0; i < 30_000; i++) {
      const ip = `${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.1`;
      guard.record({ ip, account: `u${i}@example.jp`, ok: false, now: i, attemptKey: attemptKey(`g${i}`) });
    }
    for (const [table, size] of Object.entries(guard.stats())) expect(size, table).toBeLessThanOrEqual(1000);
  });

  it('answers check() without touching memory of new keys', () => {
    const guard = new AuthGuard();
    for (let i = 0; i < 1000; i++) guard.check({ ip: `192.0.2.${i & 255}`, account: `u${i}`, now: i });
    expect(Object.values(guard.stats()).every((n) => n === 0)).toBe(true);
  });
});

describe('brute-force guard: configuration', () => {
  it('has a default and a description for every key', () => {
    const defaults = guardConfigSchema.parse({});
    expect(defaults).toMatchObject({ accountLockoutFailures: 100, ipv6PrefixLength: 64, allowList: [] });
    for (const [key, field] of Object.entries(guardConfigSchema.shape)) {
      expect(field.description, key).toBeTruthy();
      expect((defaults as Record<string, unknown>)[key], key).not.toBeUndefined();
    }
  });

  it('refuses a malformed allow-list entry', () => {
    expect(guardConfigSchema.safeParse({ allowList: ['10.0.0.0/33'] }).success).toBe(false);
    expect(guardConfigSchema.safeParse({ allowList: ['office'] }).success).toBe(false);
    expect(parseCidr('192.0.2.1')).toEqual({ net: '192.0.2.1', prefix: 32, type: 'ipv4' });
    expect(parseCidr('2001:db8::/32')).toEqual({ net: '2001:db8::', prefix: 32, type: 'ipv6' });
  });

  it('takes its time from an injected clock when none is passed', () => {
    let now = 0;
    const guard = new AuthGuard({}, () => now);
    for (let i = 0; i < 3; i++) guard.record({ ip: '192.0.2.1', account: 'a', ok: false, attemptKey: attemptKey(`g${i}`) });
    expect(guard.check({ ip: '192.0.2.1', account: 'a' }).action).toBe('delay');
    now = 16 * 60_000;
    expect(guard.check({ ip: '192.0.2.1', account: 'a' }).action).toBe('allow');
  });
});
