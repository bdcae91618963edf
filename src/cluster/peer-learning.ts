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
  /** Events learnt from the fast path (`receive`) by their node's name and number, with when: the record's copy is skipped. */
  private readonly fast = new Map<string, number>();

  constructor(
    store: Store,
    private readonly node: string,
    private readonly policy: LivePolicy,
    private readonly logger: Logger,
    private readonly peers: PeerTargets = {},
    intervalMs = 500,
  ) {
    // Only learning waits: limits, restrictions and this node's own decisions do not depend on it.
    const failed = (err: unknown) => this.logger.error({ err }, 'could not read the other nodes\u2019 engine inputs from the event record');
    this.follower = new RecordFollower((q) => store.events.query(q), LEARNT_CODES, (e) => this.fromRecord(e), failed, intervalMs);
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
    // The record is read 10 s behind its newest events (`EventCursor`): a fast copy older than
    // a minute has been skipped there already.
    const old = Date.now() - 60_000;
    for (const [key, at] of this.fast) if (at < old) this.fast.delete(key);
    return this.learnt - before;
  }

  /**
   * An engine input another node published as it recorded it (`InputChannel`): learnt at once,
   * and skipped when the event record brings it again. Returns whether it was learnt.
   */
  receive(e: NewEvent): boolean {
    const key = keyOf(e.data);
    if (key === null || e.data.node === this.node || !LEARNT_CODES.includes(e.code) || this.fast.has(key)) return false;
    this.fast.set(key, Date.now());
    this.learn({ ...e, id: 0 });
    return true;
  }

  private fromRecord(e: StoredEvent): void {
    const key = keyOf(e.data);
    if (key !== null && this.fast.has(key)) return;
    this.learn(e);
  }

  /** One event, whichever way it came; one that cannot be learnt is logged and leaves the others alone. */
  private learn(e: StoredEvent): void {
    try {
      this.learnOne(e);
    } catch (err) {
      this.logger.error({ err, code: e.code, account: e.account }, 'another node\u2019s engine input could not be learnt');
    }
  }

  private learnOne(e: StoredEvent): void {
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

/** What a node learns from the others: their engine inputs and their reports of the organisation's incidents. */
export const LEARNT_CODES = [...SESSION_INPUT_CODES, ...PLACE_CODES];

/** The number of the last event this process recorded through any `recordingAs` (a node's wrappers share it). */
let recordedSeq = 0;

/** An event's name in the cluster: its node and its number there (`recordingAs`); null for an untagged one. */
function keyOf(data: Record<string, unknown>): string | null {
  return typeof data.node === 'string' && typeof data.seq === 'number' ? `${data.node}#${data.seq}` : null;
}

/**
 * The store as one node of a cluster writes to it: every event it records carries the node's
 * name (`data.node`), so that the other nodes tell its engine inputs from their own, and its
 * number on this node (`data.seq`), so that an event that reaches them twice (published, then
 * read from the record) is learnt once. Once recorded, an event the other nodes learn from is
 * handed to `recorded` (the fast path, `InputChannel`).
 */
export function recordingAs(store: Store, node: string, recorded?: (e: NewEvent) => void): Store {
  const events = store.events;
  return {
    ...store,
    events: {
      append: async (e: NewEvent) => {
        const tagged = { ...e, data: { ...e.data, node, seq: ++recordedSeq } };
        await events.append(tagged);
        if (recorded && LEARNT_CODES.includes(e.code)) recorded(tagged);
      },
      query: (q) => events.query(q),
      purge: (before, limit) => events.purge(before, limit),
    },
  };
}
