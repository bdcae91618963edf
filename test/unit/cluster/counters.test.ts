import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterCounters, domainsOf } from '../../../src/cluster/counters.js';
import { tightened, FallbackLimiter } from '../../../src/cluster/fallback.js';
import { defaultDetectionConfig, type Limits } from '../../../src/policy/config.js';
import { dropPrefix, freshPrefix, redisUrl, servicesMissing } from '../../e2e/cluster/services.js';

const missing = await servicesMissing({ redis: true });

const limits: Limits = { ...defaultDetectionConfig().limits, messagesPerMinute: 10, recipientsPerMinute: 25, domainsPerHour: 4 };

describe('fallback limits', () => {
  it('divides every rate limit and keeps at least one', () => {
    const t = tightened({ ...limits, messagesPerMinute: 1 }, 2);
    expect(t.messagesPerMinute).toBe(1);
    expect(t.recipientsPerMinute).toBe(12);
    expect(t.recipientsPerMessage).toBe(limits.recipientsPerMessage);
  });

  it('defers the sixth message of a minute when the limit of ten is halved', () => {
    const f = new FallbackLimiter(defaultDetectionConfig({ limits: { messagesPerMinute: 10 } }), 2);
    for (let i = 0; i < 5; i++) {
      expect(f.exceeded('a@example.jp', ['x@y.example'])).toBeNull();
      f.record('a@example.jp', ['x@y.example']);
    }
    expect(f.exceeded('a@example.jp', ['x@y.example'])).toMatch(/over limit: 6 messages in a minute \(limit 5\).*divided by 2/);
  });
});

describe.skipIf(missing !== null)('cluster counters in Redis', () => {
  const prefix = freshPrefix();
  let redis: Redis;
  let counters: ClusterCounters;
  beforeAll(() => {
    redis = new Redis(redisUrl, { keyPrefix: prefix });
    counters = new ClusterCounters(redis);
  });
  afterAll(async () => {
    redis.disconnect();
    await dropPrefix(prefix);
  });

  it('admits ten messages of a minute and defers the eleventh, even from two clients at once', async () => {
    const other = new ClusterCounters(new Redis(redisUrl, { keyPrefix: prefix }));
    const replies = await Promise.all(
      Array.from({ length: 11 }, (_, i) => (i % 2 ? other : counters).admit('burst@example.jp', ['r@dest.example'], limits)),
    );
    expect(replies.filter((r) => r.kind === 'ok')).toHaveLength(10);
    expect(replies.find((r) => r.kind !== 'ok')).toMatchObject({ kind: 'over', what: 'messages', per: 'minute', total: 11, limit: 10 });
  });

  it('counts recipients and distinct recipient domains', async () => {
    const many = Array.from({ length: 20 }, (_, i) => `r${i}@d${i % 3}.example`);
    expect(await counters.admit('rcpt@example.jp', many, limits)).toEqual({ kind: 'ok' });
    expect(await counters.admit('rcpt@example.jp', many.slice(0, 6), limits)).toMatchObject({ kind: 'over', what: 'recipients', total: 26, limit: 25 });
    expect(await counters.admit('rcpt@example.jp', ['a@new1.example', 'b@new2.example'], limits)).toMatchObject({ kind: 'over', what: 'domains', total: 5, limit: 4 });
    expect(await counters.admit('rcpt@example.jp', ['a@d1.example', 'b@new1.example'], limits)).toEqual({ kind: 'ok' });
  });

  it('refuses an account whose restriction flag is set', async () => {
    await redis.set('acct:{flagged@example.jp}:flag', JSON.stringify({ reason: 'spam', ts: Date.now() }), 'PX', 60_000);
    expect(await counters.admit('flagged@example.jp', ['r@dest.example'], limits)).toMatchObject({ kind: 'restricted' });
  });

  it('leaves no key without a time to live', async () => {
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) expect(await redis.pttl(key.slice(prefix.length))).toBeGreaterThan(0);
  });

  it('takes distinct lower-case domains', () => {
    expect(domainsOf(['a@X.example', 'b@x.example', 'c@y.example'])).toEqual(['x.example', 'y.example']);
  });
});
