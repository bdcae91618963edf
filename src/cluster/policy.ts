import { toSubmitEvent } from '../app/pipeline.js';
import { GatewayError } from '../errors/catalogue.js';
import type { Location } from '../auth/logins.js';
import type { LivePolicy } from '../incidents/live-policy.js';
import type { Logger } from '../observability/logger.js';
import type { DetectionConfig } from '../policy/config.js';
import { resolveLimits } from '../policy/limits.js';
import type { Submission, SubmissionPorts } from '../smtp/types.js';
import type { Store } from '../storage/ports/index.js';
import type { RedisConfig } from './config.js';
import type { Admission, ClusterCounters } from './counters.js';
import { FallbackLimiter } from './fallback.js';
import type { RedisLink } from './link.js';
import type { RestrictionBus } from './restrictions.js';

/** A flag younger than this is a restriction still on its way to the store, never stale. */
const FLAG_SETTLE_MS = 5_000;

export interface ClusterPolicyDeps {
  link: RedisLink;
  counters: ClusterCounters;
  bus: RestrictionBus;
  config: RedisConfig;
  detection: DetectionConfig;
  store: Store;
  logger: Logger;
}

/**
 * The policy of a node in a cluster, in front of the pipeline (whose local engine decides
 * synchronously): first the cluster-wide word from Redis (the account's restriction flag and
 * its counters, one script, one round trip), then the local engine and the queue. A cluster
 * limit crossed defers the message (451 4.7.1) with the limit as its reason; a flag refuses it.
 *
 * Redis unreachable: `onUnavailable: local` admits accounts in good standing against this
 * node's own counters with tightened limits; `closed` defers everything with 451 4.3.0.
 */
export class ClusterPolicy {
  private readonly fallback: FallbackLimiter;

  constructor(private readonly deps: ClusterPolicyDeps) {
    this.fallback = new FallbackLimiter(deps.detection, deps.config.fallbackLimitDivisor);
  }

  /** `locate` gives the country and network of a client, as the pipeline adds them to its events. */
  wrap(inner: SubmissionPorts, policy: LivePolicy, locate?: (ip: string) => Location): SubmissionPorts {
    const ports: SubmissionPorts = {
      authenticate: (req) => inner.authenticate(req),
      currentAccount: (address) => inner.currentAccount(address),
      submit: (s) => this.submit(s, inner, policy, locate),
    };
    if (inner.checkRecipient) ports.checkRecipient = (address) => inner.checkRecipient!(address);
    if (inner.senderRefused) ports.senderRefused = (r) => inner.senderRefused!(r);
    return ports;
  }

  private async submit(s: Submission, inner: SubmissionPorts, policy: LivePolicy, locate?: (ip: string) => Location) {
    const admission = await this.askRedis(s);
    const judged = { policy, locate };
    if (admission === null) this.refuseWithoutRedis(s, policy, judged);
    else if (admission.kind === 'restricted') await this.refuseIfRestrictedClusterWide(s, admission.flag, policy, judged);
    else if (admission.kind === 'over') this.refuse(s, 'RATE_LIMITED', `cluster ${overReason(admission)}`, judged);
    const accepted = await inner.submit(s);
    this.fallback.record(s.account, s.rcpts);
    return accepted;
  }

  /** The admission, or null when Redis cannot answer now (down, or slower than commandTimeoutMs). */
  private async askRedis(s: Submission): Promise<Admission | null> {
    if (!this.deps.link.usable) return null;
    try {
      return await this.deps.counters.admit(s.account, s.rcpts, resolveLimits(this.deps.detection, s.account));
    } catch (err) {
      this.deps.link.failed(err);
      return null;
    }
  }

  /** Failure policy at Redis: closed defers all; local admits good standing under tighter limits. */
  private refuseWithoutRedis(s: Submission, policy: LivePolicy, judge: Judge): void {
    if (this.deps.config.onUnavailable === 'closed') {
      return this.refuse(s, 'STORE_UNAVAILABLE', 'cluster: Redis unreachable and redis.onUnavailable is "closed"');
    }
    // A restricted account is refused by the engine itself; one on watch waits for the cluster-wide view.
    if (policy.engine.stateOf(s.account) === 'watch') {
      return this.refuse(s, 'RATE_LIMITED', 'cluster: Redis unreachable; accounts on watch are deferred until it is back', judge);
    }
    const over = this.fallback.exceeded(s.account, s.rcpts);
    if (over) this.refuse(s, 'RATE_LIMITED', `local fallback ${over}`, judge);
  }

  /**
   * The flag says restricted. The usual case: another node restricted the account, so refuse.
   * A flag left behind by a release that Redis was not told of (the CLI releases through the
   * store) is recognised by the store's account state, the record of truth, and removed.
   */
  private async refuseIfRestrictedClusterWide(s: Submission, flag: string, policy: LivePolicy, judge: Judge): Promise<void> {
    const reason = `account restricted cluster-wide: ${flagReason(flag)}`;
    const stored = policy.engine.stateOf(s.account) === 'restricted' ? null : await this.deps.store.accounts.get(s.account);
    if (stored === null || stored?.state === 'restricted' || Date.now() - flagTime(flag) < FLAG_SETTLE_MS) {
      return this.refuse(s, 'ACCOUNT_RESTRICTED', reason);
    }
    await this.deps.bus.clearStaleFlag(s.account);
    this.deps.logger.warn({ account: s.account }, 'stale restriction flag removed: the account is active in the store');
    const retry = await this.askRedis(s);
    if (retry?.kind === 'over') this.refuse(s, 'RATE_LIMITED', `cluster ${overReason(retry)}`, judge);
  }

  /**
   * Records the refusal like the pipeline does (the console reads it), then throws. A message
   * refused over a limit is still an attempt: the local engine judges and counts it (pace, risk,
   * possibly a restriction) without learning from it, and the record carries its score and
   * reasons after the limit. Its type is not "submit", so that warming from the record counts it
   * again as a refused attempt (`LivePolicy.refused`), never as mail that was sent. In shadow mode
   * (detection.shadow) limits and flags are reported, never enforced, as on a single node (the
   * engine then sees the message in the pipeline); the closed failure mode is an operating choice
   * and holds in shadow too.
   */
  private refuse(s: Submission, code: 'RATE_LIMITED' | 'ACCOUNT_RESTRICTED' | 'STORE_UNAVAILABLE', reason: string, judge?: Judge): void {
    if (this.deps.detection.shadow && code !== 'STORE_UNAVAILABLE') {
      this.deps.logger.info({ account: s.account, reason }, 'shadow: the cluster policy would have refused this message');
      return;
    }
    const verdict = code === 'ACCOUNT_RESTRICTED' ? 'reject' : 'defer';
    const event = { ...toSubmitEvent(s), ...judge?.locate?.(s.ip) };
    const judged = code === 'RATE_LIMITED' && judge ? judge.policy.refused(event, reason) : { score: 0, reasons: [reason] };
    const data = { ...event, type: 'cluster-refused', verdict, score: judged.score, reasons: judged.reasons };
    this.deps.store.events.append({ ts: new Date().toISOString(), code: 'policy:refused', account: s.account, data }).catch((err: unknown) => {
      this.deps.logger.error({ err }, 'event could not be recorded');
    });
    this.deps.logger.info({ account: s.account, verdict, reason }, 'message refused by the cluster policy');
    throw new GatewayError(code);
  }
}

/** The local engine, and how the pipeline locates a client, for judging a refused attempt. */
interface Judge {
  policy: LivePolicy;
  locate?: (ip: string) => Location;
}

function overReason(a: Extract<Admission, { kind: 'over' }>): string {
  const what = a.what === 'domains' ? 'recipient domains' : a.what;
  return `over limit: ${a.total} ${what} in a ${a.per} across all nodes (limit ${a.limit})`;
}

function flagReason(flag: string): string {
  try {
    return String((JSON.parse(flag) as { reason?: string }).reason ?? 'restricted');
  } catch {
    return 'restricted';
  }
}

function flagTime(flag: string): number {
  try {
    return Number((JSON.parse(flag) as { ts?: number }).ts ?? 0);
  } catch {
    return 0;
  }
}
