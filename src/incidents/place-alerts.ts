import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger.js';
import type { PlaceFinding } from '../policy/org.js';
import type { Store } from '../storage/ports/index.js';
import type { PlaceFacts } from './notify/texts.js';

/** How long a place's incident stays open without a new finding: the engine's window for it. */
export const PLACE_INCIDENT_MS = 6 * 3_600_000;
/** Accounts at one place when the engine first counts them (`SHARED_PLACE_ACCOUNTS`): level 0. */
const FIRST = 4;

export interface PlaceAlertsDeps {
  store: Store;
  logger: Logger;
  /** Mail and webhooks to the administrators (the notifier's `place`). */
  notify(f: PlaceFacts): Promise<void>;
  /** In a cluster: whether this node reports the place at this level (the first node to reach it does). */
  claim?: (subject: string, level: number, ms: number) => Promise<boolean>;
  /** Shadow mode: the incident is recorded as `incident:shadow-shared-place`, nobody is alerted. */
  shadow: boolean;
}

/**
 * The administrators' alert for a list of stolen passwords: many accounts mailing only people they
 * never mailed, each from one place new to it (`PlaceFinding`). Each account alone looks like a
 * traveller, and is restricted only when its own evidence, or ten accounts at the place, says so;
 * the organisation's alert goes out from the fourth account, with the accounts named, so that
 * their passwords can be reset before they are used. One incident per place, one alert, and an
 * update each time the number of accounts doubles (4, 8, 16, ...); recorded as
 * `incident:shared-place` (account null).
 */
export class PlaceAlerts {
  private readonly open = new Map<string, { id: string; level: number; last: number }>();
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly deps: PlaceAlertsDeps) {}

  /** A finding of the engine's, in decision order; reported in the background. */
  found(f: PlaceFinding): void {
    this.pending = this.pending.then(() => this.report(f)).catch((err: unknown) => this.deps.logger.error({ err, place: f.where }, 'alert for accounts at one new place failed'));
  }

  /** Waits for the reports already started (tests, shutdown). */
  settled(): Promise<void> {
    return this.pending;
  }

  private async report(f: PlaceFinding): Promise<void> {
    const now = Date.parse(f.ts);
    for (const [place, o] of this.open) if (now - o.last > PLACE_INCIDENT_MS) this.open.delete(place);
    const level = Math.max(0, Math.floor(Math.log2(f.accounts.length / FIRST)));
    const known = this.open.get(f.place);
    if (known) known.last = now;
    if (known && level <= known.level) return;
    const id = known?.id ?? randomUUID();
    this.open.set(f.place, { id, level, last: now });
    if (this.deps.claim && !(await this.deps.claim(`place:${f.place}`, level, PLACE_INCIDENT_MS))) return;
    const facts: PlaceFacts = { incidentId: id, ts: f.ts, where: f.where, accounts: f.accounts, update: known !== undefined };
    const code = this.deps.shadow ? 'incident:shadow-shared-place' : 'incident:shared-place';
    await this.deps.store.events.append({ ts: f.ts, code, account: null, data: { ...facts } });
    this.deps.logger.warn({ place: f.where, accounts: f.accounts.length, incidentId: id }, 'accounts mailing strangers from one new place');
    if (!this.deps.shadow) await this.deps.notify(facts);
  }
}
