import { describe, expect, it } from 'vitest';
import { bounceDomainFor, makeReturnPath, verifyReturnPath } from '../../../src/bounces/return-path.js';

const now = new Date('2026-01-05T09:00:00Z');
const base = { secret: 's3cret-current', bounceDomain: 'bounces.example.co.jp', queueId: '01JGX4K7Q2W3E5R6T7Y8U9I0PA', rcptIndex: 3, now };
const opts = { secrets: ['s3cret-current'], bounceDomain: 'bounces.example.co.jp', maxAgeDays: 14, now };
const daysLater = (d: number) => new Date(now.getTime() + d * 86_400_000);

describe('signed return paths', () => {
  it('round-trips the queue id and recipient index', () => {
    const address = makeReturnPath(base);
    expect(address).toMatch(/^bounces\+01jgx4k7q2w3e5r6t7y8u9i0pa=3=[0-9a-z]+=[a-z2-7]{10}@bounces\.example\.co\.jp$/);
    expect(verifyReturnPath(address, opts)).toEqual({
      ok: true,
      queueId: '01jgx4k7q2w3e5r6t7y8u9i0pa',
      rcptIndex: 3,
      issuedAt: new Date('2026-01-05T00:00:00Z'),
    });
  });

  it('keeps the local part a valid, lower-case dot-atom of at most 64 octets even for a UUID', () => {
    const address = makeReturnPath({ ...base, queueId: '3f2b8c1e-7d4a-4e9b-a1c2-9f8e7d6c5b4a', rcptIndex: 999 });
    const local = address.split('@')[0];
    expect(local.length).toBeLessThanOrEqual(64);
    expect(local).toMatch(/^[a-z0-9+=-]+$/);
  });

  it('accepts the address after a remote MTA folded it to upper case', () => {
    const address = makeReturnPath(base).toUpperCase();
    expect(verifyReturnPath(`<${address}>`, opts)).toMatchObject({ ok: true, rcptIndex: 3 });
  });

  it('calls a changed recipient index or a wrong MAC forged', () => {
    const address = makeReturnPath(base);
    expect(verifyReturnPath(address.replace('=3=', '=4='), opts)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyReturnPath(address.replace(/=[a-z2-7]{10}@/, '=aaaaaaaaaa@'), opts)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyReturnPath(makeReturnPath({ ...base, secret: 'someone-else' }), opts)).toEqual({ ok: false, reason: 'forged' });
  });

  it('accepts tokens signed with a previous secret during rotation, and not after it is dropped', () => {
    const old = makeReturnPath({ ...base, secret: 's3cret-previous' });
    expect(verifyReturnPath(old, { ...opts, secrets: ['s3cret-current', 's3cret-previous'] }).ok).toBe(true);
    expect(verifyReturnPath(old, opts)).toEqual({ ok: false, reason: 'forged' });
  });

  it('expires tokens older than maxAgeDays', () => {
    const address = makeReturnPath(base);
    expect(verifyReturnPath(address, { ...opts, now: daysLater(14) }).ok).toBe(true);
    expect(verifyReturnPath(address, { ...opts, now: daysLater(15) })).toEqual({ ok: false, reason: 'expired' });
  });

  it('tells malformed tokens and foreign addresses apart', () => {
    expect(verifyReturnPath('bounces+abc@bounces.example.co.jp', opts)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyReturnPath('bounces+a=b=c=d!@bounces.example.co.jp', opts)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyReturnPath('tanaka@example.co.jp', opts)).toEqual({ ok: false, reason: 'not-bounce-address' });
    expect(verifyReturnPath(makeReturnPath(base).replace('bounces.example.co.jp', 'bounces.example.com'), opts)).toEqual({
      ok: false,
      reason: 'not-bounce-address',
    });
    expect(verifyReturnPath('no-at-sign', opts)).toEqual({ ok: false, reason: 'not-bounce-address' });
  });

  it('refuses queue ids that would not survive case folding or break the address', () => {
    expect(() => makeReturnPath({ ...base, queueId: 'a/b' })).toThrow(RangeError);
    expect(() => makeReturnPath({ ...base, queueId: 'x'.repeat(60) })).toThrow(RangeError);
    expect(() => makeReturnPath({ ...base, rcptIndex: -1 })).toThrow(RangeError);
  });

  it('puts bounces on a subdomain of the sender domain unless configured otherwise', () => {
    expect(bounceDomainFor('Example.co.jp')).toBe('bounces.example.co.jp');
    expect(bounceDomainFor('example.co.jp', { bounceDomain: 'rp.example.net' })).toBe('rp.example.net');
    expect(bounceDomainFor('example.co.jp', { perDomain: { 'example.co.jp': 'b.example.co.jp' }, bounceDomain: 'x.example' })).toBe('b.example.co.jp');
  });
});
