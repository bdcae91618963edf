import type { StateChange } from '../events/replay.js';
import { accountKey } from './counters.js';
import type { RedisLink } from './link.js';

/**
 * A change of an account's state for the node that asks first: the key holds the last state
 * claimed, for `CLAIM_MS`. Every node's engine learns every node's traffic (see `PeerLearning`),
 * so the same change is decided on several nodes, a moment apart; only the first acts on it
 * (containment, alert). A key already holding another state (a release, then a new restriction)
 * is taken over at once.
 */
const CLAIM_CHANGE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/** A level that only rises: claimed when above the level the key holds (none: -1), for ARGV[2] ms. */
const CLAIM_RISE = `
local held = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) <= held then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/** The value the key holds, or ARGV[1] set for ARGV[2] ms when it holds none. */
const SHARE = `
local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]`;

/**
 * How long a claimed state keeps the same change by another node out: far longer than the
 * record takes to carry one node's events to the others (about a second), far shorter than an
 * administrator's release and a new restriction of the same account take.
 */
export const CLAIM_MS = 15_000;

type ClaimCommand = (key: string, value: string | number, ms: number) => Promise<number | string>;

/**
 * What one node of a cluster does on behalf of all: each claim goes to the node that asks first.
 * Fails open: without Redis every node acts (a duplicate alert is better than a restriction
 * nobody carries out, or an incident nobody hears of).
 */
export class Claims {
  constructor(private readonly link: RedisLink) {
    link.redis.defineCommand('mwClaimChange', { numberOfKeys: 1, lua: CLAIM_CHANGE });
    link.redis.defineCommand('mwClaimRise', { numberOfKeys: 1, lua: CLAIM_RISE });
    link.redis.defineCommand('mwShare', { numberOfKeys: 1, lua: SHARE });
  }

  /**
   * One name for one thing across the nodes: the value the first node proposed for `subject`
   * within `ms` (an incident of the organisation's id), or this node's proposal when it is the
   * first. Without Redis, this node's own.
   */
  async share(subject: string, proposed: string, ms: number): Promise<string> {
    if (!this.link.usable) return proposed;
    try {
      const run = (this.link.redis as unknown as Record<string, ClaimCommand>).mwShare.bind(this.link.redis);
      return String(await run(`share:{${subject}}`, proposed, ms));
    } catch (err) {
      this.link.failed(err);
      return proposed;
    }
  }

  /** Whether this node acts on a change its engine decided: false when another node claimed the same change within `CLAIM_MS`. */
  change(change: StateChange): Promise<boolean> {
    return this.run('mwClaimChange', accountKey(change.account, 'claim'), change.state, CLAIM_MS);
  }

  /**
   * Whether this node reports `subject` at `level`: false when a node already reported it at this
   * level or a higher one within `ms` (an organisation's incident and its updates).
   */
  rise(subject: string, level: number, ms: number): Promise<boolean> {
    return this.run('mwClaimRise', `claim:{${subject}}`, level, ms);
  }

  /**
   * Forgets the last change claimed for an account: after an administrator's release, made on any
   * node or with the CLI, the next restriction is a new change, whenever it comes. Each node does
   * it as it follows the release; a duplicate containment is possible in the second between two
   * nodes' follows, a restriction nobody acts on is not.
   */
  async forget(account: string): Promise<void> {
    if (!this.link.usable) return;
    await this.link.redis.del(accountKey(account, 'claim')).catch((err: unknown) => this.link.failed(err));
  }

  private async run(command: string, key: string, value: string | number, ms: number): Promise<boolean> {
    if (!this.link.usable) return true;
    try {
      const run = (this.link.redis as unknown as Record<string, ClaimCommand>)[command].bind(this.link.redis);
      return (await run(key, value, ms)) === 1;
    } catch (err) {
      this.link.failed(err);
      return true;
    }
  }
}
