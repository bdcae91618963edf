import type { AuthEvent } from '../events/replay.js';
import { SESSION_INPUT_CODES, type LivePolicy } from '../incidents/live-policy.js';
import type { PlaceFacts } from '../incidents/notify/texts.js';
import { PLACE_CODES } from '../incidents/place-alerts.js';
import type { Logger } from '../observability/logger.js';
import { RecordFollower } from '../storage/event-cursor.js';
import type { NewEvent, Store, StoredEvent } from '../storage/ports/index.js';

/**
 * Every node's engine learns every node's traffic. The load balancer gives each node a share of
 * an account's sessions; an engine that learnt only its own share knew a fraction of the
 * account's habits and of the organisation's (known recipients, places, one text from many
 * accounts), held more honest mail, and let an attack spread over the nodes go on longer (see
 * "Several nodes" in docs/detection.md, and `bench/split.ts`). So each node records its engine inputs (logins,
 * submissions, bounces, failed deliveries) with its name, and follows the other nodes' in the
 * event record, as it follows decisions: polled every `intervalMs`, so an engine is at most about
 * a second behind the cluster. What a peer's input leads this engine to decide is acted on as its
 * own decision is, once in the cluster (`LivePolicy`'s claim): evidence that no node had alone,
 * half of an attack on each, restricts the account. Logins also go to the login signals, whose
 * history tells a new country or an impossible journey, and to the brute-force guard, so that
 * guessing spread over the nodes is counted as a whole; the other nodes' reports of an incident
 * of the organisation go to this node's alerts of them (`PeerTargets`).
 */
export class PeerLearning {
  private readonly follower: RecordFollower;
  private learnt = 0;

  constructor(
    store: Store,
    private readonly node: string,
    private readonly policy: LivePolicy,
    logger: Logger,
    private readonly peers: PeerTargets = {},
    intervalMs = 500,
  ) {
    // Only learning waits: limits, restrictions and this node's own decisions do not depend on it.
    const failed = (err: unknown) => logger.error({ err }, 'could not read the other nodes\u2019 engine inputs from the event record');
    this.follower = new RecordFollower((q) => store.events.query(q), [...SESSION_INPUT_CODES, ...PLACE_CODES], (e) => this.learn(e), failed, intervalMs);
  }

  /** Follows from the newest event on: what came before, the engine learnt when it warmed up. */
  start(): Promise<void> {
    return this.follower.start();
  }

  stop(): void {
    this.follower.stop();
  }

  /** Feeds the other nodes' inputs recorded since the last poll; returns how many were learnt. */
  async poll(): Promise<number> {
    const before = this.learnt;
    await this.follower.poll();
    return this.learnt - before;
  }

  private learn(e: StoredEvent): void {
    const from = (e.data as { node?: unknown }).node;
    // Untagged: written by a single-node gateway or a tool, learnt when the engine warmed up.
    if (typeof from !== 'string' || from === this.node) return;
    if (PLACE_CODES.includes(e.code)) return this.learnPlace(e.data);
    if (this.policy.learn(e)) this.learnt++;
    if (e.code === 'smtp:auth-ok' || e.code === 'smtp:auth-failed') this.learnLogin(e.code === 'smtp:auth-ok', e.account, e.ts, e.data);
  }

  /** Another node's report of an incident of the organisation (see `PlaceAlerts.learnt`). */
  private learnPlace(data: Record<string, unknown>): void {
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    const { incidentId, ts, where } = data;
    if (typeof incidentId !== 'string' || typeof ts !== 'string' || typeof where !== 'string') return;
    this.peers.places?.learnt({ incidentId, ts, where, accounts: strings(data.accounts), restricted: strings(data.restricted), update: data.update === true });
  }

  private learnLogin(ok: boolean, account: string | null, ts: string, data: Record<string, unknown>): void {
    if (ok) this.peers.logins?.learn(data as unknown as AuthEvent);
    if (!account || typeof data.ip !== 'string' || data.stale === true) return;
    this.peers.guard?.learn({ ts: typeof data.ts === 'string' ? data.ts : ts, ip: data.ip, account, ok });
  }
}

/** Besides the engine, what learns the other nodes' logins. */
export interface PeerTargets {
  /** The login history behind the anomaly findings: successful logins. */
  logins?: { learn(event: AuthEvent): void };
  /** The brute-force guard: every login, to count failures across the nodes. */
  guard?: { learn(attempt: { ts: string; ip: string; account: string; ok: boolean }): void };
  /** The alerts of the organisation's incidents: the other nodes' reports of them. */
  places?: { learnt(report: PlaceFacts): void };
}

/**
 * The store as one node of a cluster writes to it: every event it records carries the node's
 * name (`data.node`), so that the other nodes tell its engine inputs from their own.
 */
export function recordingAs(store: Store, node: string): Store {
  const events = store.events;
  return {
    ...store,
    events: {
      append: (e: NewEvent) => events.append({ ...e, data: { ...e.data, node } }),
      query: (q) => events.query(q),
    },
  };
}
