import type { Redis } from 'ioredis';
import type { Limits } from '../policy/config.js';

/**
 * The cluster-wide admission of one message, in one round trip: one Lua script (sent once,
 * then run by EVALSHA) reads the account's restriction flag and its sliding windows, and either
 * refuses with the first limit crossed or counts the message, all atomically, so two nodes can
 * never both admit the tenth message of a minute. Time is Redis's clock, so the nodes' clocks
 * do not matter. Windows are bucketed like the engine's (12 × 5 s, 30 × 2 min, 48 × 30 min) and
 * every key written gets a TTL of its window.
 *
 * KEYS: flag, minute hash, hour hash, day hash, domain set (sorted by last use).
 * ARGV: recipients, then limits (messages per minute/hour/day, recipients per
 *       minute/hour/day, domains per hour), then the distinct recipient domains.
 */
const ADMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local flag = redis.call('GET', KEYS[1])
if flag then return {'restricted', flag} end
local rcpts = tonumber(ARGV[1])
local spans = {{60000, 12, 'minute'}, {3600000, 30, 'hour'}, {86400000, 48, 'day'}}
local sums = {}
for i = 1, 3 do
  local slotMs = spans[i][1] / spans[i][2]
  local cur = math.floor(now / slotMs)
  local vals = redis.call('HGETALL', KEYS[i + 1])
  local m, r, stale = 0, 0, {}
  for j = 1, #vals, 2 do
    local f = vals[j]
    if tonumber(string.sub(f, 3)) <= cur - spans[i][2] then stale[#stale + 1] = f
    elseif string.sub(f, 1, 1) == 'm' then m = m + tonumber(vals[j + 1])
    else r = r + tonumber(vals[j + 1]) end
  end
  if #stale > 0 then redis.call('HDEL', KEYS[i + 1], unpack(stale)) end
  sums[i] = {m, r, cur}
end
for i = 1, 3 do
  if sums[i][1] + 1 > tonumber(ARGV[1 + i]) then return {'over', 'messages', spans[i][3], sums[i][1] + 1, ARGV[1 + i]} end
end
for i = 1, 3 do
  if sums[i][2] + rcpts > tonumber(ARGV[4 + i]) then return {'over', 'recipients', spans[i][3], sums[i][2] + rcpts, ARGV[4 + i]} end
end
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - 3600000)
local domains = redis.call('ZCARD', KEYS[5])
for i = 9, #ARGV do
  if not redis.call('ZSCORE', KEYS[5], ARGV[i]) then domains = domains + 1 end
end
if domains > tonumber(ARGV[8]) then return {'over', 'domains', 'hour', domains, ARGV[8]} end
for i = 1, 3 do
  redis.call('HINCRBY', KEYS[i + 1], 'm:' .. sums[i][3], 1)
  if rcpts > 0 then redis.call('HINCRBY', KEYS[i + 1], 'r:' .. sums[i][3], rcpts) end
  redis.call('PEXPIRE', KEYS[i + 1], spans[i][1] + spans[i][1] / spans[i][2])
end
for i = 9, #ARGV do redis.call('ZADD', KEYS[5], now, ARGV[i]) end
if #ARGV >= 9 then redis.call('PEXPIRE', KEYS[5], 3600000) end
return {'ok'}
`;

export type Admission =
  | { kind: 'ok' }
  | { kind: 'restricted'; flag: string }
  | { kind: 'over'; what: 'messages' | 'recipients' | 'domains'; per: 'minute' | 'hour' | 'day'; total: number; limit: number };

type AdmitCommand = (...args: (string | number)[]) => Promise<(string | number)[]>;

/**
 * Keys of one account share a hash tag, so the script's keys sit in one slot of a Redis
 * Cluster as well. The account is in the key as given (already lower-case from AUTH).
 */
export function accountKey(account: string, what: string): string {
  return `acct:{${account}}:${what}`;
}

export class ClusterCounters {
  constructor(private readonly redis: Redis) {
    redis.defineCommand('mwAdmit', { numberOfKeys: 5, lua: ADMIT });
  }

  /** Checks and counts one message; rejects when Redis cannot answer (the caller applies the failure policy). */
  async admit(account: string, rcpts: readonly string[], limits: Limits): Promise<Admission> {
    const keys = ['flag', 'w:minute', 'w:hour', 'w:day', 'domains'].map((k) => accountKey(account, k));
    const args = [
      rcpts.length,
      limits.messagesPerMinute,
      limits.messagesPerHour,
      limits.messagesPerDay,
      limits.recipientsPerMinute,
      limits.recipientsPerHour,
      limits.recipientsPerDay,
      limits.domainsPerHour,
      ...domainsOf(rcpts),
    ];
    const command = (this.redis as unknown as { mwAdmit: AdmitCommand }).mwAdmit.bind(this.redis);
    const reply = await command(...keys, ...args);
    if (reply[0] === 'ok') return { kind: 'ok' };
    if (reply[0] === 'restricted') return { kind: 'restricted', flag: String(reply[1]) };
    return {
      kind: 'over',
      what: reply[1] as 'messages' | 'recipients' | 'domains',
      per: reply[2] as 'minute' | 'hour' | 'day',
      total: Number(reply[3]),
      limit: Number(reply[4]),
    };
  }
}

/** Distinct recipient domains, lower-case: the same set the engine counts. */
export function domainsOf(rcpts: readonly string[]): string[] {
  return [...new Set(rcpts.map((r) => r.slice(r.lastIndexOf('@') + 1).toLowerCase()))];
}
