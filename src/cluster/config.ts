import { z } from 'zod';

/**
 * Multi-node mode. Redis holds what the gateway nodes must agree on within a second: the
 * per-account rate counters, the brute-force bans, and the restriction flags with their pub/sub
 * channel. It is never the record of truth (accounts, queue and events stay in the store), so it
 * needs no persistence, and losing it costs precision, never mail.
 */
export const redisConfigSchema = z
  .object({
    url: z
      .string()
      .default('')
      .describe('Redis URL (redis://[user:password@]host:6379/0, rediss:// for TLS). Empty: single-node mode with in-memory counters. Secret: MAILWARDEN_REDIS_URL overrides it.'),
    keyPrefix: z
      .string()
      .default('mailwarden:')
      .describe('Prefix of every key and channel, so that several gateways (or tests) can share one Redis.'),
    onUnavailable: z
      .enum(['local', 'closed'])
      .default('local')
      .describe(
        'While Redis is unreachable: "local" keeps accepting mail from accounts in good standing (state active) with per-node counters and limits divided by fallbackLimitDivisor; "closed" defers every submission with 451 4.3.0 until Redis is back. Either way an event cluster:redis-down is recorded and an alert logged.',
      ),
    fallbackLimitDivisor: z
      .number()
      .int()
      .min(1)
      .default(2)
      .describe('In "local" fallback each limit is divided by this (at least 1 remains): each node then counts only its own traffic, so with N nodes an attacker could otherwise send N times the limit. Set it to the number of nodes.'),
    commandTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(250)
      .describe('A Redis call slower than this counts as Redis unavailable for that decision (the submission then follows onUnavailable).'),
    connectTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(2000)
      .describe('How long the gateway waits for Redis at start before it starts in fallback mode (it keeps reconnecting).'),
    probeIntervalMs: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('While Redis is unavailable, how often it is probed; the cluster-wide counters are used again as soon as it answers.'),
    restrictionFlagHours: z
      .number()
      .positive()
      .default(24)
      .describe('Lifetime of a restriction flag in Redis. The stored account state still refuses the account after the flag expires; the flag only makes every node refuse it at once.'),
  })
  .strict()
  .describe('Redis for several gateway nodes: shared rate counters, bans and restriction flags (docs/deploy.md).');

export type RedisConfig = z.infer<typeof redisConfigSchema>;
