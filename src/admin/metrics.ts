import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventStore, NewEvent, Store } from '../storage/ports/index.js';

/** Event code -> how it is counted. Stages stay unaware of metrics: the event record is the source. */
const MESSAGE_RESULT: Record<string, string> = { 'queue:accepted': 'accepted', 'queue:held': 'held' };
const BAN_CODES = new Set(['auth:source-banned', 'auth:pair-banned', 'auth:account-locked']);

/**
 * Prometheus metrics derived from the events the gateway appends. One registry per gateway,
 * so several gateways in one process (tests) never share counters.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly messages: Counter<'result'>;
  private readonly relayed: Counter;
  private readonly deliveries: Counter<'result'>;
  private readonly authFailures: Counter;
  private readonly authSuccesses: Counter;
  private readonly bans: Counter<'kind'>;
  private readonly incidents: Counter<'state'>;
  private readonly bounces: Counter;
  private readonly replyLatency: Histogram;

  constructor(
    private readonly store?: Store,
    free?: () => Promise<number | null>,
  ) {
    const r = [this.registry];
    this.messages = new Counter({ name: 'mailwarden_messages_total', help: 'Submitted messages by result (accepted, held, rejected, deferred).', labelNames: ['result'], registers: r });
    this.relayed = new Counter({ name: 'mailwarden_messages_relayed_total', help: 'Recipients delivered to the next hop.', registers: r });
    this.deliveries = new Counter({ name: 'mailwarden_deliveries_total', help: 'Delivery attempts per recipient by result (delivered, deferred, failed, error, dsn-sent).', labelNames: ['result'], registers: r });
    this.authFailures = new Counter({ name: 'mailwarden_auth_failures_total', help: 'Failed SMTP AUTH attempts.', registers: r });
    this.authSuccesses = new Counter({ name: 'mailwarden_auth_successes_total', help: 'Successful SMTP AUTH attempts.', registers: r });
    this.bans = new Counter({ name: 'mailwarden_auth_bans_total', help: 'Bans and locks by the brute-force guard, by kind.', labelNames: ['kind'], registers: r });
    this.incidents = new Counter({ name: 'mailwarden_incidents_total', help: 'Account state changes by the detection engine, by new state.', labelNames: ['state'], registers: r });
    this.bounces = new Counter({ name: 'mailwarden_bounces_total', help: 'Bounces received and tied to an account.', registers: r });
    this.replyLatency = new Histogram({
      name: 'mailwarden_submission_reply_seconds',
      help: 'From the end of DATA to the durable commit that lets the gateway reply (accepted and held messages).',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: r,
    });
    if (store) this.queueGauge(store);
    if (free) this.freeGauge(free);
  }

  private freeGauge(free: () => Promise<number | null>): void {
    new Gauge({
      name: 'mailwarden_store_free_bytes',
      help: 'Free space on the file system of the embedded store (SQLite); a full disk makes the gateway refuse mail with 452 4.3.1.',
      registers: [this.registry],
      async collect() {
        const bytes = await free().catch(() => null);
        if (bytes !== null) this.set(bytes);
      },
    });
  }

  private queueGauge(store: Store): void {
    new Gauge({
      name: 'mailwarden_queue_depth',
      help: 'Messages in the queue by state (queued, held).',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        // A store that cannot answer leaves the last value; the scrape itself must not fail.
        const counts = await store.queue.counts().catch(() => null);
        if (!counts) return;
        this.set({ state: 'queued' }, counts.queued);
        this.set({ state: 'held' }, counts.held);
      },
    });
  }

  /** Counts one appended event. */
  observe(e: NewEvent, now = Date.now()): void {
    const result = MESSAGE_RESULT[e.code];
    if (result) {
      this.messages.inc({ result });
      const received = Date.parse(String(e.data.ts ?? e.ts));
      if (Number.isFinite(received)) this.replyLatency.observe(Math.max(0, now - received) / 1000);
    } else if (e.code === 'policy:refused') this.messages.inc({ result: String(e.data.verdict ?? 'rejected') === 'defer' ? 'deferred' : 'rejected' });
    else if (e.code === 'policy:sender-refused') this.messages.inc({ result: 'rejected' });
    else if (e.code.startsWith('delivery:')) {
      this.deliveries.inc({ result: e.code.slice('delivery:'.length) });
      if (e.code === 'delivery:delivered') this.relayed.inc();
    } else if (e.code === 'smtp:auth-failed') this.authFailures.inc();
    else if (e.code === 'smtp:auth-ok') this.authSuccesses.inc();
    else if (BAN_CODES.has(e.code)) this.bans.inc({ kind: e.code.slice('auth:'.length) });
    else if (e.code.startsWith('incident:') && e.code !== 'incident:note' && e.code !== 'incident:checklist') this.incidents.inc({ state: e.code.slice('incident:'.length) });
    else if (e.code.startsWith('bounce:')) this.bounces.inc();
  }

  /** Replaces the store's event writer with one that also counts; callers see no difference. */
  watch(store: Store): Store {
    const inner: EventStore = store.events;
    const wrapped: EventStore = Object.create(inner) as EventStore;
    wrapped.append = (e: NewEvent) => {
      const done = inner.append(e);
      done.then(() => this.observe(e), () => undefined);
      return done;
    };
    store.events = wrapped;
    return store;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** The composition root's one call: metrics for this gateway, fed by its event record. */
export function watchEvents(store: Store, free?: () => Promise<number | null>): GatewayMetrics {
  const metrics = new GatewayMetrics(store, free);
  metrics.watch(store);
  return metrics;
}
