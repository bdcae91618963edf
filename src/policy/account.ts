import type { AccountState } from '../events/replay.js';
import type { DetectionConfig, Limits } from './config.js';
import type { Footing } from './footing.js';
import { domainKey, domainOf, isBulk, LIMIT_SLOTS, LimitCounters, resolveLimits } from './limits.js';
import type { OrgMemory, OrgPlace } from './org.js';
import { AccountProfile } from './profile.js';
import { ContentCounts } from './content-counts.js';
import { FingerprintSet } from './fingerprint.js';
import { ActiveHours, BoundedMap, FRACTIONAL_ZERO, halve, Recall, RecentSet, RollingCounter, SlotBank, SmallRecentSet, STATE, strings } from './window.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Slots of the account's own counters below, with each one's state (the limit counters add LIMIT_SLOTS). */
const OWN_SLOTS = 12 + 20 + 30 + 24 + 20 + 30 + 30 + 30 + 30 + 20 + 20 + 12 + 48 + 48 + 48 + 24 + 24 + 30 + 18 * STATE + 24;

/** The small budget an account sends under after a change of footing (see probation.ts). */
export interface Probation {
  since: number;
  reason: string;
  messages: RollingCounter;
  recipients: RollingCounter;
  novel: RollingCounter;
  ordinary: number;
  /**
   * Whether the budget holds wherever the mail comes from (a credential change), or only away from
   * the account's established networks (a login or submission from a new place, which is where
   * whoever holds the password sends from).
   */
  anywhere: boolean;
}

/** The last login, so that a submission can be judged by how its session began. */
export interface LoginTrace {
  ts: number;
  ip: string;
  reasons: string[];
  points: number;
}

/**
 * Everything the engine remembers about one account. Sizes are fixed or capped by
 * `memory.*`, so that an account under attack costs no more memory than a quiet one.
 */
export class AccountRecord {
  state: AccountState = 'active';
  /**
   * When the engine first saw the account log in or submit, or when the gateway's store says it was
   * created if that is earlier (`DetectionEngine.knownSince`); NaN: not yet. Each login and
   * submission moves it back to its own time if earlier (`!(born <= ts)`, which NaN also fails).
   */
  born = NaN;
  risk = FRACTIONAL_ZERO;
  riskTs = FRACTIONAL_ZERO;
  slowRisk = FRACTIONAL_ZERO;
  slowRiskTs = FRACTIONAL_ZERO;
  readonly limits: Limits;
  /** A bulk sender declared in the configuration (newsletter, notifications). */
  readonly declaredBulk: boolean;
  /**
   * Until when (ms) an administrator's campaign allowance runs; -Infinity: none. Within it the
   * account's mail is judged as a declared bulk sender's (content signals damped), under its own
   * limits, and teaches its profile nothing (see `DetectionEngine.allowCampaign`).
   */
  campaignUntil = -Infinity;
  /** Whether the submission being decided is judged as bulk: declared, or within a campaign (set by decideSubmit). */
  bulk: boolean;
  readonly domain: string;
  /** `domainKey` of `domain`. */
  readonly domainKey: number;
  readonly accepted: LimitCounters;
  private readonly bank = new SlotBank(OWN_SLOTS + LIMIT_SLOTS);
  readonly tries1m = new RollingCounter(MINUTE, 12, this.bank);
  readonly tries10m = new RollingCounter(10 * MINUTE, 20, this.bank);
  readonly tries60m = new RollingCounter(HOUR, 30, this.bank);
  /** Attempts within two hours: with `tries60m`, the hour before the last. */
  readonly tries120m = new RollingCounter(2 * HOUR, 24, this.bank);
  readonly rcpts10m = new RollingCounter(10 * MINUTE, 20, this.bank);
  readonly rcpts60m = new RollingCounter(HOUR, 30, this.bank);
  /** Recipients novelty is judged on: external ones, and colleagues never written to. */
  readonly judged60m = new RollingCounter(HOUR, 30, this.bank);
  readonly colleagues60m = new RollingCounter(HOUR, 30, this.bank);
  readonly novel60m = new RollingCounter(HOUR, 30, this.bank);
  /** Attempts that carried someone never mailed before, and those new recipients (weighted), in 5 minutes. */
  readonly novelTries5m = new RollingCounter(5 * MINUTE, 20, this.bank);
  readonly novel5m = new RollingCounter(5 * MINUTE, 20, this.bank);
  /** New recipients (weighted as `novel60m`) within 24 hours. */
  readonly novelDay = new RollingCounter(24 * HOUR, 48, this.bank);
  /** Attempts within the hour that began a conversation of their own (a subject new that day; see `countConversation`). */
  readonly threads60m = new RollingCounter(HOUR, 30, this.bank);
  /** The hours (by number since 1970) of the last 24 that had a submission. */
  readonly activeHours = new ActiveHours(this.bank);
  /** External recipient domains (by `domainKey`) attempted within the hour. */
  readonly domains60m: RecentSet;
  readonly ips10m = new SmallRecentSet(10 * MINUTE, 256);
  readonly ips60m = new SmallRecentSet(HOUR, 256);
  readonly recipients: FingerprintSet;
  readonly ips: BoundedMap<Footing>;
  readonly networks: BoundedMap<Footing>;
  readonly countries: BoundedMap<Footing>;
  readonly clients: BoundedMap<Footing>;
  /** Subjects (kind 0) and body hashes (kind 1). */
  readonly content: ContentCounts;
  readonly sentDay: RollingCounter;
  readonly hardDay: RollingCounter;
  readonly failedLogins = new RollingCounter(HOUR, 12, this.bank);
  /**
   * Accepted messages within 24 hours from a network or country not yet the account's own: those
   * only to people it never mailed, and the others (see `scoreStrangersAway`).
   */
  readonly strangersAway = new RollingCounter(24 * HOUR, 24, this.bank);
  readonly knownAway = new RollingCounter(24 * HOUR, 24, this.bank);
  readonly profile: AccountProfile;
  messages = 0;
  /** The time of the last attempt, and how many attempts in a row came within `RAPID_GAP_MS` of the one before, each to someone new. */
  lastTry = -Infinity;
  rapid = 0;
  hasHome = false;
  /** Networks and countries where a probation ended well: not a new footing any more. */
  readonly earned = strings();
  login: LoginTrace | null = null;
  probation: Probation | null = null;
  /** The places of the last event, for `locate`. */
  readonly recall = {
    ip: new Recall<Footing>(),
    network: new Recall<Footing>(),
    country: new Recall<Footing>(),
    client: new Recall<Footing>(),
    orgNetwork: new Recall<OrgPlace>(),
    orgCountry: new Recall<OrgPlace>(),
    orgClient: new Recall<OrgPlace>(),
  };

  constructor(
    readonly name: string,
    /** The account's number in this engine (what the organisation's table of accepted messages keeps). */
    readonly id: number,
    cfg: DetectionConfig,
    org: OrgMemory,
    m: DetectionConfig['memory'] = cfg.memory,
  ) {
    this.limits = resolveLimits(cfg, name);
    this.declaredBulk = isBulk(cfg, name);
    this.bulk = this.declaredBulk;
    this.domain = domainOf(name).toLowerCase();
    this.domainKey = domainKey(this.domain);
    this.accepted = new LimitCounters(Math.max(this.limits.domainsPerHour + 1, 64), this.bank);
    this.domains60m = new RecentSet(HOUR, 4096);
    this.recipients = new FingerprintSet(m.recipientsPerAccount);
    this.ips = new BoundedMap(m.footingPerAccount);
    this.networks = new BoundedMap(m.footingPerAccount);
    this.countries = new BoundedMap(m.footingPerAccount);
    this.clients = new BoundedMap(m.footingPerAccount);
    this.content = new ContentCounts(m.contentKeysPerAccount);
    const window = cfg.bounces.windowHours * HOUR;
    this.sentDay = new RollingCounter(window, 48, this.bank);
    this.hardDay = new RollingCounter(window, 48, this.bank);
    this.profile = new AccountProfile(cfg.profile, org.profile, cfg.scoring.riskFloor);
  }

  /**
   * After an administrator's release the attacker's burst must not count against the owner: the
   * short windows of attempts and content start afresh (accepted-mail limits and history stay).
   */
  forgetRecentAttempts(): void {
    for (const c of [this.tries1m, this.tries10m, this.tries60m, this.tries120m, this.rcpts10m, this.rcpts60m, this.judged60m, this.colleagues60m, this.novel60m, this.novelTries5m, this.novel5m, this.novelDay, this.threads60m, this.failedLogins, this.strangersAway, this.knownAway])
      c.reset();
    this.domains60m.clear();
    this.activeHours.clear();
    this.ips10m.clear();
    this.ips60m.clear();
    this.content.clear();
  }

  /** Whether an administrator's campaign allowance runs at `ts`. */
  inCampaign(ts: number): boolean {
    return ts < this.campaignUntil;
  }

  /** Risk decays with a half-life, so old suspicion fades and only sustained anomalies restrict. */
  riskAt(ts: number, halfLifeMinutes: number): number {
    if (this.risk === 0) return 0;
    const dt = Math.max(0, ts - this.riskTs);
    return this.risk * halve(dt / (halfLifeMinutes * MINUTE));
  }

  /** The same points fading over `slowHalfLifeHours`: a run of suspicious mail too slow for `risk`. */
  slowRiskAt(ts: number, slowHalfLifeHours: number): number {
    if (this.slowRisk === 0) return 0;
    return this.slowRisk * halve(Math.max(0, ts - this.slowRiskTs) / (slowHalfLifeHours * HOUR));
  }

  /** Adds `amount` to the hourly risk and `slowAmount` (the same unless said) to the day-scale one. */
  addRisk(ts: number, amount: number, halfLifeMinutes: number, slowHalfLifeHours: number, slowAmount = amount): number {
    this.risk = this.riskAt(ts, halfLifeMinutes) + amount;
    this.riskTs = Math.max(ts, this.riskTs);
    this.slowRisk = this.slowRiskAt(ts, slowHalfLifeHours) + slowAmount;
    this.slowRiskTs = Math.max(ts, this.slowRiskTs);
    return this.risk;
  }

  clearRisk(ts: number): void {
    this.risk = 0;
    this.riskTs = ts;
    this.slowRisk = 0;
    this.slowRiskTs = ts;
  }
}
