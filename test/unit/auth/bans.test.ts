import { describe, expect, it } from 'vitest';
import { activeBans } from '../../../src/auth/bans.js';
import type { StoredEvent } from '../../../src/storage/ports/index.js';

const NOW = Date.parse('2030-01-01T10:00:00Z');
let id = 0;
const ev = (code: string, data: Record<string, unknown>, account: string | null = null): StoredEvent => ({ id: ++id, ts: new Date(NOW - 60_000).toISOString(), code, account, data });
const sourceBan = (source: string, untilMs: number) => ev('auth:source-banned', { source, until: NOW + untilMs, count: 20 });
const pairBan = (source: string, account: string) => ev('auth:pair-banned', { source, account, until: NOW + 60_000, count: 10 }, account);

describe('running bans from the event record', () => {
  it('lists bans whose end is still ahead, one per source or pair, the latest ban winning', () => {
    const bans = activeBans([sourceBan('203.0.113.1', 60_000), sourceBan('203.0.113.1', 600_000), sourceBan('203.0.113.2', -1), pairBan('203.0.113.3', 'a@example.co.jp')], NOW);
    expect(bans.map((b) => [b.source, b.account])).toEqual([['203.0.113.1', null], ['203.0.113.3', 'a@example.co.jp']]);
    expect(bans[0].until).toBe(new Date(NOW + 600_000).toISOString());
  });

  it('drops a source ban lifted after it, but not the pair bans of that source', () => {
    const events = [sourceBan('203.0.113.1', 60_000), pairBan('203.0.113.1', 'a@example.co.jp'), ev('auth:ban-lifted', { source: '203.0.113.1', account: null })];
    expect(activeBans(events, NOW).map((b) => b.account)).toEqual(['a@example.co.jp']);
  });

  it('drops every ban on an account after an account-wide lift or reset, and only those', () => {
    const events = [pairBan('203.0.113.1', 'a@example.co.jp'), pairBan('203.0.113.2', 'a@example.co.jp'), pairBan('203.0.113.2', 'b@example.co.jp'), ev('auth:account-reset', {}, 'a@example.co.jp')];
    expect(activeBans(events, NOW).map((b) => b.account)).toEqual(['b@example.co.jp']);
  });

  it('keeps a ban decided after the lift', () => {
    const events = [ev('auth:ban-lifted', { source: '203.0.113.1', account: null }), sourceBan('203.0.113.1', 60_000)];
    expect(activeBans(events, NOW)).toHaveLength(1);
  });
});
