import type { PolicyPort } from '../app/pipeline.js';
import type { AuthEvent, BounceEvent, ReplayEvent, StateChange, SubmitEvent, Verdict } from '../events/replay.js';
import type { Logger } from '../observability/logger.js';
import type { DetectionConfig } from '../policy/config.js';
import { byAdministrator, DetectionEngine } from '../policy/engine.js';
import type { PlaceFinding } from '../policy/org.js';
import { senderReason } from '../policy/identity.js';
import type { Store, StoredEvent } from '../storage/ports/index.js';
import { CAMPAIGN_CODE, campaignUntil } from './campaign.js';

/**
 * Event codes of what the gateway's sessions, bounce receiver and delivery saw: the engine's
 * input that each node learns first-hand (in a cluster, the other nodes learn it from the record).
 */
export const SESSION_INPUT_CODES = ['delivery:failed', 'smtp:auth-ok', 'smtp:auth-failed', 'queue:accepted', 'queue:held', 'policy:refused', 'policy:sender-refused', 'bounce:received', 'bounce:complaint'];
/** Event codes that carry detection input, and how each becomes a replay event. */
const INPUT_CODES = [...SESSION_INPUT_CODES, 'account:password-changed', 'account:app-password-created', 'account:released', 'account:restricted', CAMPAIGN_CODE];

/**
 * Whether this node may act on a change of state its engine decided (see `LivePolicy`); in a
 * cluster, the first node to decide a change acts on it, and the others' same decision, a moment
 * later from the same events, is dropped. Without it every change is acted on.
 */
export type ClaimChange = (change: StateChange) => Promise<boolean>;

/** A recipient refused permanently during delivery (a synchronous bounce), as a replay bounce event. */
export function bounceFromDelivery(e: { ts: string; code: string; account: string | null; data: Record<string, unknown> }): BounceEvent | null {
  if (e.code !== 'delivery:failed' || !e.account || typeof e.data.rcpt !== 'string') return null;
  return {
    ts: e.ts,
    type: 'bounce',
    account: e.account,
    messageId: String(e.data.messageId ?? ''),
    rcpt: e.data.rcpt,
    status: String(e.data.status ?? '5.0.0'),
    ...(typeof e.data.reason === 'string' ? { reason: e.data.reason } : {}),
  };
}

/**
 * The detection engine in the live gateway: the same code as `mailwarden replay`, fed the same
 * events as they happen. At start it is warmed from the stored event record, so a restart does
 * not forget what each account usually does.
 */
export class LivePolicy implements PolicyPort {
  readonly engine: DetectionEngine;
  private applying: Promise<void> = Promise.resolve();

  private readonly shadow: boolean;

  constructor(
    config: DetectionConfig,
    private readonly onChange: (change: StateChange) => Promise<void>,
    private readonly logger: Logger,
    private readonly onShadow?: (change: StateChange) => void,
    private readonly claim?: ClaimChange,
    /**
     * Many accounts mailing strangers from one new place (see `PlaceAlerts`), found by one of this
     * node's decisions or (`learnt`) from another node's submission.
     */
    private readonly onPlace?: (finding: PlaceFinding, learnt: boolean) => void,
  ) {
    this.engine = new DetectionEngine(config);
    this.shadow = config.shadow;
  }

  async warm(store: Store, days: number): Promise<number> {
    const since = new Date(Date.now() - days * 86_400_000).toISOString();
    let afterId = 0;
    let fed = 0;
    for (;;) {
      const batch = await store.events.query({ since, afterId, codes: INPUT_CODES, limit: 5000 });
      if (batch.length === 0) break;
      for (const e of batch) fed += this.replayStored(e) === null ? 0 : 1;
      // What the record shows was reported when it happened.
      this.engine.takePlaceFinding();
      afterId = batch[batch.length - 1].id;
    }
    // The stored account state is the record of truth (an administrator may have acted), and an
    // account is as old as the store says, not as its first event in the window.
    for (const a of await store.accounts.list()) {
      this.engine.knownSince(a.address, Date.parse(a.createdAt));
      const now = new Date().toISOString();
      if (a.state === 'restricted') this.engine.restrict(a.address, now, 'restricted before restart');
      else if (this.engine.stateOf(a.address) === 'restricted') this.engine.release(a.address, now, 'released before restart');
    }
    return fed;
  }

  observeAuth(event: AuthEvent): void {
    this.dispatch(this.engine.process(event).changes);
  }

  observe(event: ReplayEvent): void {
    this.dispatch(this.engine.process(event).changes);
  }

  decide(event: SubmitEvent): { verdict: Verdict; score: number; reasons: string[] } {
    const out = this.engine.process(event);
    // The place first: a restriction decided with it is folded into its incident.
    const place = this.engine.takePlaceFinding();
    if (place) this.onPlace?.(place, false);
    this.dispatch(out.changes);
    const d = out.decision!;
    return { verdict: d.verdict, score: d.score, reasons: d.reasons };
  }

  /** A submission that the cluster policy refused before the engine: counted and scored, never learnt. */
  refused(event: SubmitEvent, reason: string): { verdict: Verdict; score: number; reasons: string[] } {
    const out = this.engine.refused(event, reason);
    const place = this.engine.takePlaceFinding();
    if (place) this.onPlace?.(place, false);
    this.dispatch(out.changes);
    const d = out.decision!;
    return { verdict: d.verdict, score: d.score, reasons: d.reasons };
  }

  /** A submission the SMTP session refused for its sender: its risk, and a restriction if they add up. */
  senderRefused(account: string, at: string, reason: string): void {
    this.dispatch(this.engine.senderRefused(account, at, reason));
  }

  release(account: string, reason: string): void {
    this.dispatch(this.engine.release(account, new Date().toISOString(), reason));
  }

  restrict(account: string, reason: string): void {
    this.dispatch(this.engine.restrict(account, new Date().toISOString(), reason));
  }

  /** A campaign allowance until `until` (ms since the epoch); one already past ends it. */
  allowCampaign(account: string, until: number): void {
    this.engine.allowCampaign(account, until);
  }

  /**
   * An engine input that another node of the cluster recorded (its sessions, bounces and
   * deliveries): learnt as if it had happened here, so that every node's engine knows each
   * account's whole traffic, not the share the load balancer gave it. A change of state it leads
   * to is acted on like one of this node's own (the claim keeps it to one node). Returns whether
   * the event was an engine input.
   */
  learn(e: StoredEvent): boolean {
    const changes = this.replayStored(e);
    // What this engine finds about a place from another node's input opens the place's incident
    // here too, before the changes it decides with it, so that a restriction decided here for
    // the place is folded into it; the report itself goes out from the node that decided the
    // submission.
    const place = this.engine.takePlaceFinding();
    if (place) this.onPlace?.(place, true);
    if (changes === null) return false;
    this.dispatch(changes);
    return true;
  }

  /** Waits for the containment actions already decided (tests, shutdown). */
  settled(): Promise<void> {
    return this.applying;
  }

  /**
   * Changes are applied in decision order, one after the other, never dropped on an error.
   * In shadow mode they are reported (as "incident:shadow-*" events) and nothing is enforced.
   */
  private dispatch(changes: StateChange[]): void {
    for (const change of changes) {
      if (this.shadow && !this.claim) {
        this.onShadow?.(change);
        continue;
      }
      this.applying = this.applying
        .then(() => this.act(change))
        .catch((err) => this.logger.error({ err, account: change.account }, 'containment action failed'));
    }
  }

  private async act(change: StateChange): Promise<void> {
    if (this.claim && !(await this.claim(change))) return;
    if (this.shadow) this.onShadow?.(change);
    else await this.onChange(change);
  }

  /** Feeds a stored event to the engine: the changes of state it led to, or null when it is no engine input. */
  private replayStored(e: StoredEvent): StateChange[] | null {
    const d = e.data as Record<string, unknown>;
    const bounce = bounceFromDelivery(e);
    if (bounce) return this.engine.process(bounce).changes;
    if (e.code === 'account:released') return this.engine.release(String(e.account), e.ts, byAdministrator('released', String(d.reason ?? '')));
    if (e.code === 'account:restricted') return this.engine.restrict(String(e.account), e.ts, byAdministrator('restricted', String(d.reason ?? '')));
    if (e.code === CAMPAIGN_CODE) return (this.engine.allowCampaign(String(e.account), campaignUntil(d)), []);
    // Refused by the cluster's limits: counted again as the attempt it was (its first reason is the limit).
    if (d.type === 'cluster-refused' && d.verdict === 'defer' && Array.isArray(d.reasons) && typeof d.reasons[0] === 'string') {
      return this.engine.refused({ ...(d as unknown as SubmitEvent), type: 'submit' }, d.reasons[0]).changes;
    }
    // Deferred or rejected by the engine where it was submitted (a limit, the probation budget, a
    // restriction): an attempt again, never mail that was sent, whatever this engine would say of it now.
    if (e.code === 'policy:refused' && d.type === 'submit' && Array.isArray(d.reasons) && typeof d.reasons[0] === 'string') {
      return this.engine.refused(d as unknown as SubmitEvent, d.reasons[0]).changes;
    }
    // Held for review where it was decided: an attempt again, never mail that was sent.
    if (e.code === 'queue:held' && d.type === 'submit') return this.engine.held(d as unknown as SubmitEvent).changes;
    if (d.type === 'sender-refused' && e.account) {
      return this.engine.senderRefused(e.account, e.ts, senderReason(String(d.address ?? ''), d.field === 'MAIL FROM' || d.field === 'Sender header' ? d.field : 'From header'));
    }
    if (d.type === 'auth' || d.type === 'submit' || d.type === 'bounce' || d.type === 'credential') return this.engine.process(d as unknown as ReplayEvent).changes;
    return null;
  }
}
