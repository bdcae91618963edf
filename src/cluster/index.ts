import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { GuardPort } from '../app/pipeline.js';
import type { Location } from '../auth/logins.js';
import { parseGuardConfig, type GuardConfigInput, type GuardEvent } from '../auth/guard/index.js';
import type { StateChange } from '../events/replay.js';
import type { LivePolicy } from '../incidents/live-policy.js';
import type { Logger } from '../observability/logger.js';
import type { DetectionConfig } from '../policy/config.js';
import type { SubmissionPorts } from '../smtp/types.js';
import type { Store } from '../storage/ports/index.js';
import { SharedBans } from './bans.js';
import type { RedisConfig } from './config.js';
import { Claims } from './claims.js';
import { ClusterCounters } from './counters.js';
import { RedisLink, redactUrl, type LinkState } from './link.js';
import { ClusterPolicy } from './policy.js';
import { InputChannel } from './inputs.js';
import { PeerLearning, recordingAs, type PeerTargets } from './peer-learning.js';
import { RestrictionBus, type FollowTarget } from './restrictions.js';

export { redisConfigSchema, type RedisConfig } from './config.js';

/** What the composition root plugs in when `redis.url` is set. */
export interface Cluster {
  /** This node's name on the restriction channel. */
  readonly node: string;
  /** 'up' while cluster-wide counters are used; 'down' while the fallback policy applies; 'off' on a single node. */
  state(): LinkState | 'off';
  /** The submission ports with the cluster policy in front of the pipeline's (`locate` as the pipeline's). */
  wrapPorts(inner: SubmissionPorts, policy: LivePolicy, locate?: (ip: string) => Location): SubmissionPorts;
  /** The guard with the shared bans in front of it. */
  wrapGuard(inner: GuardPort): GuardPort;
  /** Feed every local guard event: bans are shared. */
  shareBan(e: GuardEvent): void;
  /** Feed every state change this node decides: restrictions and releases are announced. */
  announce(change: StateChange): void;
  /** Applies restrictions announced by other nodes to this node's engine and sessions. */
  follow(target: FollowTarget): Promise<void>;
  /**
   * The store as this node writes to it: in a cluster each event carries the node's name, so
   * that the other nodes learn its engine inputs (`learnFromPeers`).
   */
  recording(store: Store): Store;
  /** Whether this node acts on a change of state its engine decided: the first node to decide it does (see `Claims`). */
  claim: ((change: StateChange) => Promise<boolean>) | undefined;
  /** An administrator released the account (followed from the record): its next change is claimed afresh. */
  forgetClaim(account: string): Promise<void>;
  /** Whether this node reports an incident of the organisation at a level: the first node to reach the level does. */
  claimRise: ((subject: string, level: number, ms: number) => Promise<boolean>) | undefined;
  /** The id the first node gave an incident of the organisation (see `Claims.share`). */
  shareId: ((subject: string, proposed: string, ms: number) => Promise<string>) | undefined;
  /** Feeds the other nodes' engine inputs, from the event record, to this node's engine (and their logins to its login signals and guard). */
  learnFromPeers(policy: LivePolicy, targets?: PeerTargets): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  redis: RedisConfig;
  detection: DetectionConfig;
  guard: GuardConfigInput;
  store: Store;
  logger: Logger;
}

/** Single-node mode: every port passes through unchanged. */
const singleNode: Cluster = {
  node: 'single',
  state: () => 'off',
  wrapPorts: (inner) => inner,
  wrapGuard: (inner) => inner,
  shareBan: () => undefined,
  announce: () => undefined,
  follow: async () => undefined,
  recording: (store) => store,
  claim: undefined,
  forgetClaim: async () => undefined,
  claimRise: undefined,
  shareId: undefined,
  learnFromPeers: async () => undefined,
  stop: async () => undefined,
};

/**
 * Connects this node to the cluster's Redis, or passes everything through in single-node mode
 * (no URL).
 * Never throws for an unreachable Redis: the node starts in its fallback mode and recovers on
 * its own. Each change of Redis's availability is recorded as an event (cluster:redis-down,
 * cluster:redis-up) for the console, metrics and alerting.
 */
export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  if (!o.redis.url) return singleNode;
  const node = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const logger = o.logger.child({ node });
  const link = new RedisLink(o.redis, logger, (state, error) => record(state, error));
  const inputs = new InputChannel(link, o.redis, logger);
  const store = recordingAs(o.store, node, (e) => inputs.publish(e));
  const record = (state: LinkState, error: string) => {
    const data = { node, url: redactUrl(o.redis.url), mode: o.redis.onUnavailable, ...(state === 'down' ? { error } : {}) };
    store.events.append({ ts: new Date().toISOString(), code: `cluster:redis-${state}`, account: null, data }).catch((err: unknown) => {
      logger.error({ err }, 'event could not be recorded');
    });
  };
  const counters = new ClusterCounters(link.redis);
  const bus = new RestrictionBus(link, o.redis, node, logger);
  const bans = new SharedBans(link, parseGuardConfig(o.guard), logger);
  const policy = new ClusterPolicy({ link, counters, bus, config: o.redis, detection: o.detection, store, logger });
  const claims = new Claims(link);
  let peers: PeerLearning | null = null;
  await link.start();
  return {
    node,
    state: () => (link.usable ? 'up' : 'down'),
    wrapPorts: (inner, live, locate) => policy.wrap(inner, live, locate),
    wrapGuard: (inner) => bans.wrap(inner),
    shareBan: (e) => bans.share(e),
    announce: (change) => bus.announce(change),
    follow: (target) => bus.follow(target),
    recording: (store) => recordingAs(store, node, (e) => inputs.publish(e)),
    claim: (change) => claims.change(change),
    forgetClaim: (account) => claims.forget(account),
    claimRise: (subject, level, ms) => claims.rise(subject, level, ms),
    shareId: (subject, proposed, ms) => claims.share(subject, proposed, ms),
    async learnFromPeers(live, targets) {
      const learning = new PeerLearning(store, node, live, logger, targets);
      peers = learning;
      await learning.start();
      await inputs.subscribe((e) => learning.receive(e));
    },
    async stop() {
      peers?.stop();
      inputs.stop();
      await bus.stop();
      await link.stop();
    },
  };
}
