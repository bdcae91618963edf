import type { DetectionConfig } from './config.js';
import { DistinctSet, FRACTIONAL_ZERO, halve } from './window.js';

/** Metrics learned per hour: messages, recipients, never-mailed-before recipients, distinct domains. */
export const M_MESSAGES = 0;
export const M_RECIPIENTS = 1;
export const M_NOVEL = 2;
export const M_DOMAINS = 3;
const METRICS = 4;
/** Days of learnt hours after which the organisation's hours of the day stand for a young account's. */
const ORG_HABIT_DAYS = 2;
/**
 * How much wider than the configured floors an account's expectations stand until the
 * organisation has learnt hours of `ORG_HABIT_DAYS` days (see `OrgProfile.floorScale`).
 */
const YOUNG_ORG_FLOOR_SCALE = 2;
/** Hours a closed hour waits before it is learned (see `roll`). */
const PENDING_HOURS = 24;
const PENDING_WIDTH = 1 + METRICS;
const HOUR = 3_600_000;
const WEEK_HOURS = 168;

export function hourOfWeek(ts: number): number {
  // 1970-01-01 was a Thursday; the offset makes bucket 0 Monday 00:00 UTC.
  return (Math.floor(ts / HOUR) + 72) % WEEK_HOURS;
}

type Profiled = DetectionConfig['profile'];

/**
 * The organisation-wide prior: the typical active account-hour at each hour of the week, so that
 * an account with little history is compared with its colleagues rather than with nothing.
 */
export class OrgProfile {
  readonly mean = new Float64Array(WEEK_HOURS * METRICS);
  /** Days with an hour learnt, and the last of them (`at` of `learn`, as a day number). */
  days = 0;
  private lastDay = -1;

  learn(bucket: number, hour: Float64Array, at: number): void {
    const base = bucket * METRICS;
    for (let m = 0; m < METRICS; m++) this.mean[base + m] += (hour[m] - this.mean[base + m]) * 0.05;
    const day = Math.floor(at / (24 * HOUR));
    if (day > this.lastDay) {
      this.lastDay = day;
      this.days++;
    }
  }

  /**
   * Whether anyone in the organisation has sent at this hour of the day (or the hour either side)
   * on any day of the week, once it has learnt hours of `ORG_HABIT_DAYS` days; before that, every
   * hour counts as one it sends at.
   */
  sentAroundHourOfDay(bucket: number): boolean {
    if (this.days < ORG_HABIT_DAYS) return true;
    for (let day = 0; day < 7; day++)
      for (let d = -1; d <= 1; d++) if (this.mean[((bucket + day * 24 + d + WEEK_HOURS) % WEEK_HOURS) * METRICS + M_MESSAGES] > 0) return true;
    return false;
  }

  /**
   * The factor on the configured floors (`profile.floor*`). A closed hour is learnt a day after it
   * closes, so in its first days the engine knows next to nothing of the organisation: every
   * recipient is new to everyone and every account's expectation is the bare floor. One person
   * answering the weekend's mail on the first morning (25 replies in 20 minutes, most to people
   * the engine had not seen yet) looked like a stolen password and was restricted. Until hours of
   * `ORG_HABIT_DAYS` days are learnt the floors stand twice as wide. A blast is still far beyond
   * them (ten new recipients within a second against ten an hour), and the limits, the pace, the
   * repeated text and the bounces do not depend on history at all.
   */
  floorScale(): number {
    return this.days < ORG_HABIT_DAYS ? YOUNG_ORG_FLOOR_SCALE : 1;
  }

  prior(bucket: number, metric: number): number {
    let best = 0;
    for (let d = -1; d <= 1; d++) {
      const b = (bucket + d + WEEK_HOURS) % WEEK_HOURS;
      best = Math.max(best, this.mean[b * METRICS + metric]);
    }
    return best;
  }
}

/**
 * One account's hour-of-week profile. Each bucket keeps its peak, which fades with a half-life of
 * half the rolling window, so the profile follows the account's habits without storing history.
 */
export class AccountProfile {
  private readonly peak = new Float32Array(WEEK_HOURS * METRICS);
  private readonly peakTs = new Float64Array(WEEK_HOURS);
  private readonly overall = new Float64Array(METRICS);
  private overallTs = FRACTIONAL_ZERO;
  private readonly current = new Float64Array(METRICS);
  private currentHour = -1;
  private readonly currentDomains = new DistinctSet();
  /** The highest score of the current hour's accepted mail (see `roll`). */
  private currentScore = FRACTIONAL_ZERO;
  activeDays = 0;
  private lastDay = -1;

  constructor(
    private readonly cfg: Profiled,
    private readonly org: OrgProfile,
    /** An hour with accepted mail that scored this much is not learned (the risk floor). */
    private readonly suspectScore: number,
  ) {}

  /** Records an accepted message (attack traffic that was stopped must not teach the profile). */
  learn(ts: number, recipients: number, novel: number, domains: readonly number[], score: number): void {
    this.roll(ts);
    if (score > this.currentScore) this.currentScore = score;
    this.current[M_MESSAGES] += 1;
    this.current[M_RECIPIENTS] += recipients;
    this.current[M_NOVEL] += novel;
    for (const d of domains) this.currentDomains.add(d);
    this.current[M_DOMAINS] = this.currentDomains.size;
    const day = Math.floor(ts / (24 * HOUR));
    if (day !== this.lastDay) {
      this.lastDay = day;
      this.activeDays++;
    }
  }

  private cacheHour = -1;
  /**
   * The hour's answers of `expected`, NaN until asked. Fields of this object rather than a typed
   * array: an account's profile is usually out of the CPU caches when its next message comes, and
   * an array would be two more objects to fetch from memory before the answer.
   */
  private cachedMessages = NaN;
  private cachedRecipients = NaN;
  private cachedNovel = NaN;
  private cachedDomains = NaN;

  /**
   * What this account is expected to do at most in one hour at this time of week. Peaks change
   * only when an hour closes, so the answer is kept for the rest of the hour (hot path).
   */
  expected(ts: number, metric: number, floor: number): number {
    this.roll(ts);
    const hour = Math.floor(ts / HOUR);
    if (hour !== this.cacheHour) {
      this.cacheHour = hour;
      this.cachedMessages = this.cachedRecipients = this.cachedNovel = this.cachedDomains = NaN;
    }
    let v = metric === M_MESSAGES ? this.cachedMessages : metric === M_RECIPIENTS ? this.cachedRecipients : metric === M_NOVEL ? this.cachedNovel : this.cachedDomains;
    if (Number.isNaN(v)) {
      v = this.compute(ts, metric);
      if (metric === M_MESSAGES) this.cachedMessages = v;
      else if (metric === M_RECIPIENTS) this.cachedRecipients = v;
      else if (metric === M_NOVEL) this.cachedNovel = v;
      else this.cachedDomains = v;
    }
    return Math.max(floor * this.org.floorScale(), v);
  }

  private compute(ts: number, metric: number): number {
    const bucket = hourOfWeek(ts);
    if (ts !== this.fadesTs) {
      this.fadesTs = ts;
      this.fades.fill(NaN);
    }
    let own = 0;
    for (let d = -1; d <= 1; d++) own = Math.max(own, this.peakAt((bucket + d + WEEK_HOURS) % WEEK_HOURS, metric, ts, d + 1));
    for (let day = 1; day < 7; day++) own = Math.max(own, 0.6 * this.peakAt((bucket + day * 24) % WEEK_HOURS, metric, ts, day + 2));
    if (Number.isNaN(this.fades[9])) this.fades[9] = this.fade(ts - this.overallTs);
    own = Math.max(own, 0.35 * this.overall[metric] * this.fades[9]);
    const confidence = Math.min(1, this.activeDays / Math.max(1, this.cfg.learnDays));
    const prior = this.cfg.orgPriorFactor * this.org.prior(bucket, metric);
    return confidence * own + (1 - confidence) * prior;
  }

  private dayHour = -1;
  /** The hour's answers of `expectedDay` by metric, NaN until asked. */
  private readonly dayAnswers = new Float64Array(METRICS);

  /**
   * What this account is expected to do at most within 24 hours: a day made of the busiest
   * version of each hour of the day on any day of the week (a generous envelope: no real day of
   * the account's has every hour at its peak), blended with the organisation's prior like
   * `expected`. Kept for the rest of the hour.
   */
  expectedDay(ts: number, metric: number, floor: number): number {
    this.roll(ts);
    const hour = Math.floor(ts / HOUR);
    if (hour !== this.dayHour) {
      this.dayHour = hour;
      this.dayAnswers.fill(NaN);
    }
    let v = this.dayAnswers[metric];
    if (Number.isNaN(v)) v = this.dayAnswers[metric] = this.computeDay(ts, metric);
    return Math.max(floor * this.org.floorScale(), v);
  }

  private computeDay(ts: number, metric: number): number {
    const first = hourOfWeek(ts) % 24;
    let own = 0;
    let prior = 0;
    for (let h = 0; h < 24; h++) {
      let busiest = 0;
      for (let day = 0; day < 7; day++) {
        const bucket = (first + h + day * 24) % WEEK_HOURS;
        // A fade is never above 1: a peak no higher than the busiest so far cannot beat it.
        const v = this.peak[bucket * METRICS + metric];
        if (v > busiest) busiest = Math.max(busiest, v * this.fade(ts - this.peakTs[bucket]));
      }
      own += busiest;
      prior += this.org.prior((first + h) % WEEK_HOURS, metric);
    }
    const confidence = this.confidence;
    return confidence * own + (1 - confidence) * this.cfg.orgPriorFactor * prior;
  }

  private unusualHour = -1;
  private unusualAnswer = false;

  /**
   * Whether this account, once it knows its own habits, has never sent at this hour of the day
   * (nor the hour either side) on any day of the week within its memory. An account still learning
   * its habits borrows the organisation's: an hour nobody in the organisation sends at, which the
   * account has not sent at either, is unusual for it too (a mailbox opened last week, taken over
   * and used at 3 a.m.). Kept for the rest of the hour, like `expected`: peaks change only when an
   * hour closes.
   */
  unusualHourAt(ts: number): boolean {
    this.roll(ts);
    const hour = Math.floor(ts / HOUR);
    if (hour === this.unusualHour) return this.unusualAnswer;
    this.unusualHour = hour;
    const bucket = hourOfWeek(ts);
    this.unusualAnswer = this.confidence >= 1 ? !this.sentAroundHourOfDay(bucket) : !this.org.sentAroundHourOfDay(bucket) && !this.sentAroundHourOfDay(bucket);
    return this.unusualAnswer;
  }

  private sentAroundHourOfDay(bucket: number): boolean {
    for (let day = 0; day < 7; day++)
      for (let d = -1; d <= 1; d++) if (this.peak[((bucket + day * 24 + d + WEEK_HOURS) % WEEK_HOURS) * METRICS + M_MESSAGES] > 0) return true;
    return false;
  }

  private habitsHour = -1;
  private habitsAnswer = 0;

  /**
   * How many hours of the day this account sends at on any day of the week within its memory
   * (an hour with a learned peak on at least one day). Kept for the rest of the hour.
   */
  activeHoursOfDay(ts: number): number {
    this.roll(ts);
    const hour = Math.floor(ts / HOUR);
    if (hour === this.habitsHour) return this.habitsAnswer;
    this.habitsHour = hour;
    let n = 0;
    for (let h = 0; h < 24; h++)
      for (let day = 0; day < 7; day++)
        if (this.peak[(h + day * 24) * METRICS + M_MESSAGES] > 0) {
          n++;
          break;
        }
    this.habitsAnswer = n;
    return n;
  }

  get confidence(): number {
    return Math.min(1, this.activeDays / Math.max(1, this.cfg.learnDays));
  }

  /**
   * The metrics of an hour are usually asked for at the same moment, and each needs the same ten
   * fades (an exponential each): they are kept for that moment, by position around the hour of week
   * (0-2 the neighbouring hours, 3-8 the same hour on other days, 9 the overall peak).
   */
  private fadesTs = NaN;
  private readonly fades = new Float64Array(10);

  private peakAt(bucket: number, metric: number, ts: number, slot: number): number {
    const v = this.peak[bucket * METRICS + metric];
    if (v === 0) return 0;
    if (Number.isNaN(this.fades[slot])) this.fades[slot] = this.fade(ts - this.peakTs[bucket]);
    return v * this.fades[slot];
  }

  private fade(ageMs: number): number {
    const halfLife = (this.cfg.windowDays / 2) * 24 * HOUR;
    return halve(Math.max(0, ageMs) / halfLife);
  }

  /**
   * Closes the current hour when time has moved past it. A closed hour is learned a day later
   * (`PENDING_HOURS`), if the account has not been put on watch or restricted in between
   * (`forgetPending`): mail that gets through while an attack is under way, paced under the limits,
   * must not become the account's "usual" before the bounces and the day's totals have had a
   * chance to show it for what it is; otherwise each next hour of the attack is measured against
   * the last. An hour in which accepted mail scored at the risk floor or above is never learned.
   */
  private roll(ts: number): void {
    const hour = Math.floor(ts / HOUR);
    if (hour === this.currentHour) return;
    if (this.currentHour >= 0 && this.current[M_MESSAGES] > 0 && this.currentScore < this.suspectScore) this.hold(this.currentHour);
    this.currentHour = hour;
    this.current.fill(0);
    this.currentScore = FRACTIONAL_ZERO;
    this.currentDomains.clear();
    while (this.pendingCount > 0 && this.pending[this.pendingHead * PENDING_WIDTH] <= hour - PENDING_HOURS) this.commitOldest();
  }

  /** Hours closed but not yet learned: the hour's number, then its metrics, oldest first. */
  private readonly pending = new Float64Array((PENDING_HOURS + 1) * PENDING_WIDTH);
  private pendingHead = 0;
  private pendingCount = 0;
  /** The metrics of the hour being learned (a view into `pending` would be an object per hour). */
  private readonly closed = new Float64Array(METRICS);

  private hold(hour: number): void {
    if (this.pendingCount === PENDING_HOURS + 1) this.commitOldest();
    const at = ((this.pendingHead + this.pendingCount) % (PENDING_HOURS + 1)) * PENDING_WIDTH;
    this.pending[at] = hour;
    for (let m = 0; m < METRICS; m++) this.pending[at + 1 + m] = this.current[m];
    this.pendingCount++;
  }

  private commitOldest(): void {
    const at = this.pendingHead * PENDING_WIDTH;
    for (let m = 0; m < METRICS; m++) this.closed[m] = this.pending[at + 1 + m];
    this.commit(this.pending[at] * HOUR, this.closed);
    this.pendingHead = (this.pendingHead + 1) % (PENDING_HOURS + 1);
    this.pendingCount--;
  }

  /** Drops the hours not yet learned: the account has been found suspicious since they closed. */
  forgetPending(): void {
    this.pendingCount = 0;
  }

  private commit(at: number, hour: Float64Array): void {
    const bucket = hourOfWeek(at);
    const base = bucket * METRICS;
    const keep = this.fade(at - this.peakTs[bucket]);
    const keepAll = this.fade(at - this.overallTs);
    for (let m = 0; m < METRICS; m++) {
      this.peak[base + m] = Math.max(this.peak[base + m] * keep, hour[m]);
      this.overall[m] = Math.max(this.overall[m] * keepAll, hour[m]);
    }
    this.peakTs[bucket] = at;
    this.overallTs = at;
    this.fadesTs = NaN;
    this.cacheHour = -1;
    this.dayHour = -1;
    this.unusualHour = -1;
    this.habitsHour = -1;
    this.org.learn(bucket, hour, at);
  }
}
