import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger.js';
import type { PlaceFinding } from '../policy/org.js';
import type { Store } from '../storage/ports/index.js';
import type { IncidentFacts, PlaceFacts } from './notify/texts.js';

/** The events that report an incident of the organisation (in shadow mode, the second). */
export const PLACE_CODES = ['incident:shared-place', 'incident:shadow-shared-place'];
/** How long a place's incident stays open without a new finding: the engine's window for it. */
export const PLACE_INCIDENT_MS = 6 * 3_600_000;
/** Accounts at one place when the engine first counts them (`SHARED_PLACE_ACCOUNTS`): level 0. */
const FIRST = 4;
/** Restrictions of the incident's accounts are told in one update at most this often. */
export const RESTRICTED_UPDATE_MS = 10 * 60_000;
/** The engine's reasons of the signals (`scoreSharedPlace`, and one text: `scoreSameContent`): their place is the incident's `where`. */
const PLACE_REASON = /^\d+ accounts mailing people never mailed before from ((?:network|country) \S+), new to each of them, within 6 hours$/;
const TEXT_REASON = /^same body (\S+) from \d+ accounts within 6 hours, each from a network, country or IP not its own$/;

/** The incident's `where` a reason names, if it is one of the two signals'. */
function whereOf(reason: string): string | undefined {
  const place = PLACE_REASON.exec(reason);
  if (place) return place[1];
  const text = TEXT_REASON.exec(reason);
  return text ? `body ${text[1]}` : undefined;
}

interface OpenPlace {
  id: string;
  /** The engine's key of the place, and its name in reasons. */
  place: string;
  where: string;
  level: number;
  /** Time (ms) of the last finding. */
  last: number;
  accounts: string[];
  /** Accounts of the incident restricted so far, and how many of them the last report told. */
  restricted: string[];
  told: number;
  /** Whether `id` is the cluster's (`shareId`), not only this node's proposal. */
  shared: boolean;
  /** When restrictions were last told (ms, wall clock), and the update waiting for its turn. */
  toldAt: number;
  timer: NodeJS.Timeout | null;
  /** The highest level another node's report told this node of (-1: none). */
  heard: number;
}

export interface PlaceAlertsDeps {
  store: Store;
  logger: Logger;
  /** Mail and webhooks to the administrators (the notifier's `place`). */
  notify(f: PlaceFacts): Promise<void>;
  /** In a cluster: whether this node reports the place at this level (the first node to reach it does). */
  claim?: (subject: string, level: number, ms: number) => Promise<boolean>;
  /** In a cluster: the incident's id as the first node to report the place named it. */
  shareId?: (subject: string, proposed: string, ms: number) => Promise<string>;
  /** Shadow mode: the incident is recorded as `incident:shadow-shared-place`, nobody is alerted. */
  shadow: boolean;
  /** At most one update telling restrictions this often (`RESTRICTED_UPDATE_MS`; tests shorten it). */
  restrictedUpdateMs?: number;
  /** How long a level noted from another node's submission waits for that node's report (`NOTED_REPORT_MS`). */
  notedReportMs?: number;
}

/**
 * A level of an incident this node noted from another node's submission is reported from here if
 * no node's report of it has arrived within this time: the node that decided the submission may
 * have stopped between its decision and its report. Peers' reports arrive within a second.
 */
export const NOTED_REPORT_MS = 10_000;

/**
 * The administrators' alert for a list of stolen passwords: many accounts mailing only people they
 * never mailed, each from one place new to it (`PlaceFinding`). Each account alone looks like a
 * traveller, and is restricted only when its own evidence, or ten accounts at the place, says so;
 * the organisation's alert goes out from the fourth account, with the accounts named, so that
 * their passwords can be reset before they are used. One incident per place, one alert, and an
 * update each time the number of accounts doubles (4, 8, 16, ...); recorded as
 * `incident:shared-place` (account null).
 *
 * No flood: an account of an open incident that is restricted for it (its restriction's reasons
 * name the place) is folded into the incident (`fold`): its owner is told as ever, the
 * administrators in an update of the place's incident that names every account restricted so
 * far, at most one every `RESTRICTED_UPDATE_MS`, instead of one alert per account.
 */
export class PlaceAlerts {
  /** The open incidents by their place's name (`where`, one to one with the engine's key). */
  private readonly open = new Map<string, OpenPlace>();
  private pending: Promise<void> = Promise.resolve();
  /** Reports of noted levels waiting to see whether their node reports them (`noted`). */
  private readonly backstops = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: PlaceAlertsDeps) {}

  /**
   * A finding of the engine's, in decision order. The incident is opened or updated at once (a
   * restriction decided with the same submission folds into it); it is told in the background.
   */
  found(f: PlaceFinding): void {
    const report = this.record(f);
    if (!report) return;
    this.pending = this.pending.then(() => report()).catch((err: unknown) => this.deps.logger.error({ err, place: f.where }, 'alert for accounts at one new place failed'));
  }

  /**
   * A finding this node's engine made from another node's submission (`LivePolicy.learn`): the
   * incident is opened or updated here, so that a restriction decided here for the place folds
   * into it, but not reported from here at once: the node that decided the submission reports it
   * (without Redis every node would, since the level's claim then fails open). Only if no node's
   * report of that level has arrived after `NOTED_REPORT_MS` (that node stopped in between) does
   * this node report it, through the same claim, so that still only one node does.
   */
  noted(f: PlaceFinding): void {
    const report = this.record(f);
    if (!report) return;
    const level = levelOf(f.accounts.length);
    const timer = setTimeout(() => {
      this.backstops.delete(timer);
      const o = this.open.get(f.where);
      if (o !== undefined && o.heard >= level) return;
      this.pending = this.pending.then(() => report()).catch((err: unknown) => this.deps.logger.error({ err, place: f.where }, 'alert for accounts at one new place failed'));
    }, this.deps.notedReportMs ?? NOTED_REPORT_MS);
    timer.unref();
    this.backstops.add(timer);
  }

  /** Waits for the reports already started (tests, shutdown). */
  settled(): Promise<void> {
    return this.pending;
  }

  /**
   * Whether an account's restriction alert is folded into an open incident of its place (see the
   * class): true when its reasons name the place of an incident open on this node. The update
   * that tells it goes out in the background.
   */
  fold(f: IncidentFacts): boolean {
    if (f.state !== 'restricted' || this.deps.shadow) return false;
    const where = f.reasons.map(whereOf).find((w) => w !== undefined);
    const o = where === undefined ? undefined : this.open.get(where);
    if (!o) return false;
    if (!o.restricted.includes(f.account)) o.restricted.push(f.account);
    if (!o.accounts.includes(f.account)) o.accounts.push(f.account);
    if (o.timer) return true;
    const wait = Math.max(0, o.toldAt + (this.deps.restrictedUpdateMs ?? RESTRICTED_UPDATE_MS) - Date.now());
    o.timer = setTimeout(() => {
      o.timer = null;
      this.pending = this.pending.then(() => this.tellRestricted(o)).catch((err: unknown) => this.deps.logger.error({ err, place: o.where }, 'update of accounts at one new place failed'));
    }, wait);
    o.timer.unref();
    return true;
  }

  /**
   * Another node's report of an incident (its `incident:shared-place` event, see `PeerLearning`):
   * this node takes the incident's id, accounts, restrictions and level from it, so that a
   * restriction this node decides for the place is folded into the same incident, its updates
   * name every account restricted on any node, and it never reports a level already reported.
   */
  learnt(r: PlaceFacts): void {
    const now = Date.parse(r.ts);
    this.forgetClosed(now);
    const level = levelOf(r.accounts.length);
    let o = this.open.get(r.where);
    if (!o) {
      o = { id: r.incidentId, place: placeOf(r.where), where: r.where, level, last: now, accounts: [], restricted: [], told: 0, shared: true, toldAt: -Infinity, timer: null, heard: level };
      this.open.set(r.where, o);
    }
    o.heard = Math.max(o.heard, level);
    if (!o.shared) {
      o.id = r.incidentId;
      o.shared = true;
    }
    o.level = Math.max(o.level, level);
    o.last = Math.max(o.last, now);
    for (const a of r.accounts) if (!o.accounts.includes(a)) o.accounts.push(a);
    for (const a of r.restricted) if (!o.restricted.includes(a)) o.restricted.push(a);
    // What that report named is told; restrictions known here only still wait for their update.
    o.told = Math.max(o.told, r.restricted.length);
    if (r.restricted.length > 0) o.toldAt = Math.max(o.toldAt, Date.now());
  }

  /** Stops the updates waiting for their turn (shutdown): the record and the console keep the restrictions. */
  stop(): void {
    for (const o of this.open.values()) if (o.timer) clearTimeout(o.timer);
    for (const t of this.backstops) clearTimeout(t);
    this.backstops.clear();
  }

  /** Updates the open incidents with a finding; returns the report to make, if the finding reaches a new level. */
  private record(f: PlaceFinding): (() => Promise<void>) | null {
    const now = Date.parse(f.ts);
    this.forgetClosed(now);
    const level = levelOf(f.accounts.length);
    const known = this.open.get(f.where);
    if (known) {
      known.last = now;
      for (const a of f.accounts) if (!known.accounts.includes(a)) known.accounts.push(a);
    }
    if (known && level <= known.level) return null;
    const o: OpenPlace = known ?? { id: randomUUID(), place: f.place, where: f.where, level, last: now, accounts: [...f.accounts], restricted: [], told: 0, shared: false, toldAt: -Infinity, timer: null, heard: -1 };
    o.level = level;
    this.open.set(f.where, o);
    // The report names the accounts as the finding left them, whatever comes before it is told.
    const accounts = [...o.accounts];
    return async () => {
      if (this.deps.claim && !(await this.deps.claim(`place:${f.place}`, level, PLACE_INCIDENT_MS))) return;
      await this.tell(o, f.ts, known !== undefined, accounts);
    };
  }

  /** Incidents without a finding for `PLACE_INCIDENT_MS` are closed (unless an update still waits). */
  private forgetClosed(now: number): void {
    for (const [where, o] of this.open) if (now - o.last > PLACE_INCIDENT_MS && !o.timer) this.open.delete(where);
  }

  private async tellRestricted(o: OpenPlace): Promise<void> {
    if (o.restricted.length === o.told) return;
    await this.tell(o, new Date().toISOString(), true);
  }

  private async tell(o: OpenPlace, ts: string, update: boolean, accounts = [...o.accounts]): Promise<void> {
    if (this.deps.shareId && !o.shared) {
      o.id = await this.deps.shareId(`place:${o.place}`, o.id, PLACE_INCIDENT_MS);
      o.shared = true;
    }
    const facts: PlaceFacts = { incidentId: o.id, ts, where: o.where, accounts, restricted: [...o.restricted], update };
    o.told = o.restricted.length;
    if (o.restricted.length > 0) o.toldAt = Date.now();
    const code = this.deps.shadow ? 'incident:shadow-shared-place' : 'incident:shared-place';
    await this.deps.store.events.append({ ts, code, account: null, data: { ...facts } });
    this.deps.logger.warn({ place: o.where, accounts: o.accounts.length, restricted: o.restricted.length, incidentId: o.id }, 'accounts mailing strangers from one new place');
    if (!this.deps.shadow) await this.deps.notify(facts);
  }
}

/** The level of a report naming `accounts` accounts: 0 from four, then one more each time they double. */
function levelOf(accounts: number): number {
  return Math.max(0, Math.floor(Math.log2(accounts / FIRST)));
}

/** The engine's key of a place from its name in reasons: "network X" is X, "country C" is "country:C", "body T" is "body:T". */
function placeOf(where: string): string {
  if (where.startsWith('country ')) return `country:${where.slice('country '.length)}`;
  if (where.startsWith('body ')) return `body:${where.slice('body '.length)}`;
  return where.startsWith('network ') ? where.slice('network '.length) : where;
}
