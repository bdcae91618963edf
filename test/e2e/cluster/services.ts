/**
 * The outside services of the multi-node tests: PostgreSQL and Redis on this machine. When one
 * is unreachable the tests are skipped with the reason printed, except under CI (env CI set),
 * where a missing service is a failure: a green run must mean the cluster was tested.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, it } from 'vitest';
import { postgresUnavailable, postgresUrl, redacted } from '../../contract/postgres-schema.js';

export const redisUrl = process.env.MAILWARDEN_TEST_REDIS ?? 'redis://127.0.0.1:6379';
export { postgresUrl };

/** Why Redis cannot be used, or null when it answers PING. */
export async function redisUnavailable(url = redisUrl): Promise<string | null> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let cause = '';
  r.on('error', (err: Error) => (cause = err.message));
  try {
    await r.connect();
    await r.ping();
    return null;
  } catch (err) {
    return cause || (err instanceof Error ? err.message || err.name : String(err));
  } finally {
    r.disconnect();
  }
}

/** A key prefix of its own for each test, so runs never see each other's counters. */
export function freshPrefix(): string {
  return `mwtest:${randomBytes(5).toString('hex')}:`;
}

/** Deletes every key under a test prefix. */
export async function dropPrefix(prefix: string, url = redisUrl): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 0 });
  r.on('error', () => undefined);
  try {
    const keys = await r.keys(`${prefix}*`);
    if (keys.length > 0) await r.del(...keys);
  } finally {
    r.disconnect();
  }
}

/**
 * Returns the reason to skip (null when every service needed answers). Under CI a missing
 * service registers a failing test instead.
 */
export async function servicesMissing(needs: { postgres?: boolean; redis?: boolean }): Promise<string | null> {
  const problems: string[] = [];
  if (needs.redis) {
    const why = await redisUnavailable();
    if (why) problems.push(`Redis at ${redacted(redisUrl)} is unreachable (${why})`);
  }
  if (needs.postgres) {
    const why = await postgresUnavailable();
    if (why) problems.push(`PostgreSQL at ${redacted(postgresUrl)} is unreachable (${why})`);
  }
  if (problems.length === 0) return null;
  const reason = problems.join('; ');
  if (process.env.CI) {
    describe('multi-node services', () => {
      it('are reachable (required when CI is set)', () => {
        throw new Error(reason);
      });
    });
  } else {
    console.warn(`multi-node tests SKIPPED: ${reason}.`);
  }
  return reason;
}
