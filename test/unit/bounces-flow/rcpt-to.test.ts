import { describe, expect, it } from 'vitest';
import { bouncesConfigSchema } from '../../../src/bounces/config.js';
import { makeReturnPath } from '../../../src/bounces/return-path.js';
import { checkBounceRecipient } from '../../../src/bounces/rcpt-to.js';
import { suppresses } from '../../../src/bounces/suppression.js';

const cfg = bouncesConfigSchema.parse({ secret: 'new', previousSecrets: ['old'], reportAddresses: ['DMARC@example.co.jp'], perDomain: { 'example.com': 'rp.example.com' } });
const rp = (o: Partial<Parameters<typeof makeReturnPath>[0]> = {}) => makeReturnPath({ secret: 'new', bounceDomain: 'bounces.example.co.jp', queueId: 'mx1abc', rcptIndex: 2, ...o });

describe('RCPT TO on the bounce listener', () => {
  it('accepts a signed return path and names its queue id and recipient index', () => {
    expect(checkBounceRecipient(rp(), cfg)).toEqual({ accept: true, kind: 'bounce', token: { queueId: 'mx1abc', rcptIndex: 2 } });
  });

  it('accepts a return path signed with a previous secret, and one under a per-domain bounce domain', () => {
    expect(checkBounceRecipient(rp({ secret: 'old' }), cfg).accept).toBe(true);
    expect(checkBounceRecipient(rp({ bounceDomain: 'rp.example.com' }), cfg).accept).toBe(true);
  });

  it('accepts the report addresses whatever their case', () => {
    expect(checkBounceRecipient('dmarc@EXAMPLE.co.jp', cfg)).toEqual({ accept: true, kind: 'report' });
  });

  it('refuses a forged token with 5.7.1 and asks for a forged-token event', () => {
    const d = checkBounceRecipient(rp({ secret: 'guess' }), cfg);
    expect(d.accept).toBe(false);
    if (d.accept) return;
    expect([d.error.responseCode, d.error.code, d.event?.code]).toEqual([550, 'BOUNCE_TOKEN_FORGED', 'bounce:forged-token']);
    expect(d.error.message).toMatch(/^5\.7\.1 /);
  });

  it('refuses an expired token with 5.7.1 and asks for an expired-token event', () => {
    const d = checkBounceRecipient(rp({ now: new Date(Date.now() - 20 * 86_400_000) }), cfg);
    expect(d.accept ? null : [d.error.code, d.event?.code]).toEqual(['BOUNCE_TOKEN_EXPIRED', 'bounce:expired-token']);
  });

  it.each(['someone@example.org', 'postmaster@bounces.example.co.jp', 'bounces+x=y@bounces.example.co.jp', rp().replace('bounces.example.co.jp', 'evil.example')])(
    'refuses %s with 5.1.1 and records nothing',
    (address) => {
      const d = checkBounceRecipient(address, cfg);
      expect(d.accept ? null : [d.error.responseCode, d.error.code, d.event]).toEqual([550, 'BOUNCE_NO_SUCH_ADDRESS', undefined]);
    },
  );

  it('accepts nothing signed when no secret is configured', () => {
    expect(checkBounceRecipient(rp(), bouncesConfigSchema.parse({})).accept).toBe(false);
  });
});

describe('which bounces suppress the address', () => {
  it.each([
    ['failed', '5.1.1', 'userunknown', true],
    ['failed', '5.1.2', 'hostunknown', true],
    ['failed', '5.1.1', 'undefined', true],
    ['failed', '5.2.2', 'mailboxfull', false],
    ['failed', '5.7.1', 'blocked', false],
    ['failed', '5.7.1', 'spamdetected', false],
    ['delayed', '4.4.1', 'expired', false],
    ['failed', '4.1.1', 'userunknown', false],
  ] as const)('%s %s %s -> %s', (action, status, reason, expected) => {
    expect(suppresses({ action, status, reason })).toBe(expected);
  });
});
