/**
 * The SMTP AUTH brute-force guard. Consulted before any password hash is computed, so that a
 * flood of attempts costs a map look-up each, not an argon2 run; told the outcome afterwards.
 *
 * Failures are counted per source (IPv4 address or IPv6 /64), per account, and per
 * (account, source). Bans are keyed by source or by (account, source), never by account alone,
 * so the attacker is the one blocked: the account's owner at a known-good source (one where the
 * account logged in successfully recently) keeps working while strangers are slowed down, and
 * after 100 consecutive failures only known-good sources are accepted. All state is in memory,
 * expires, and is capped per table.
 */
import type { Text } from '../../core/i18n.js';
import { BoundedMap } from './bounded-map.js';
import { parseGuardConfig, type GuardConfig, type GuardConfigInput } from './config.js';
import { AllowList, sourceKey } from './source.js';
import { reason, seconds } from './texts.js';
import { countFailure, type GuardState, type Subject, SEP } from './failures.js';
import type { AttemptInput, DecisionCode, GuardDecision, GuardEvent, RecordInput, RecordResult } from './types.js';

const ALLOW: GuardDecision = { action: 'allow' };

export class AuthGuard {
  readonly config: GuardConfig;
  private readonly allow: AllowList;
  private readonly clock: () => number;
  private readonly s: GuardState;

  constructor(config: GuardConfigInput = {}, clock: () => number = Date.now) {
    this.config = parseGuardConfig(config);
    this.allow = new AllowList(this.config.allowList);
    this.clock = clock;
    const cap = this.config.maxTrackedKeys;
    this.s = {
      sourceFailures: new BoundedMap(cap),
      pairFailures: new BoundedMap(cap),
      accountFailures: new BoundedMap(cap),
      consecutive: new BoundedMap(cap),
      bans: new BoundedMap(cap),
      knownGood: new BoundedMap(cap),
      locked: new BoundedMap(cap),
      staleKeys: new BoundedMap(cap),
      spray: new BoundedMap(cap),
      stuffing: new BoundedMap(cap),
    };
  }

  /** May this attempt go on to have its credentials verified, after a delay, or not at all? */
  check(input: AttemptInput): GuardDecision {
    const now = input.now ?? this.clock();
    const subject = this.subject(input, now);
    return (
      this.denyIfSourceBanned(subject, now) ??
      this.denyIfPairBanned(subject, now) ??
      this.denyIfAccountLocked(subject, now) ??
      this.denyIfStalePassword(subject, input.attemptKey, now) ??
      this.delayIfAccountUnderAttack(subject, now) ??
      this.delayIfFailingRepeatedly(subject, now) ??
      ALLOW
    );
  }

  /** The outcome of a verified attempt; returns what should be logged or alerted. */
  record(input: RecordInput): RecordResult {
    const now = input.now ?? this.clock();
    const subject = this.subject(input, now);
    if (input.ok) {
      this.rememberSuccess(subject, now);
      return { events: [] };
    }
    const staleKey = input.attemptKey && `${subject.account}${SEP}${input.attemptKey}`;
    if (staleKey && this.s.staleKeys.get(staleKey, now)) {
      const event = this.noteStaleRepeat(subject, staleKey, now);
      return { events: event ? [event] : [], stale: true, code: 'auth:stale-password', reason: reason('stalePassword') };
    }
    if (staleKey) this.s.staleKeys.set(staleKey, { repeats: 0 }, now + this.config.staleAttemptMs, now);
    return { events: countFailure(this.s, this.config, subject, now) };
  }

  /** Administrator action: lifts the 100-failure restriction and forgets the account's failures. */
  resetAccount(account: string, now: number = this.clock()): GuardEvent[] {
    const a = normalizeAccount(account);
    for (const map of [this.s.locked, this.s.consecutive, this.s.accountFailures, this.s.stuffing]) map.delete(a);
    for (const map of [this.s.pairFailures, this.s.staleKeys]) map.deletePrefix(`${a}${SEP}`);
    this.s.bans.deletePrefix(`p${SEP}${a}${SEP}`);
    return [{ code: 'auth:account-reset', ts: now, account: a }];
  }

  /** After a password change a previously wrong password may be right: forget the failed attempt keys. */
  passwordChanged(account: string): void {
    this.s.staleKeys.deletePrefix(`${normalizeAccount(account)}${SEP}`);
  }

  /** Administrator action: lifts a source ban and forgets the source's failures. */
  unban(ip: string): void {
    const source = sourceKey(ip, this.config.ipv6PrefixLength);
    this.s.bans.delete(`s${SEP}${source}`);
    this.s.sourceFailures.delete(source);
    this.s.spray.delete(source);
  }

  /** Administrator action: lifts the ban of one source for one account and forgets that pair's failures. */
  unbanPair(ip: string, account: string): void {
    const pair = `${normalizeAccount(account)}${SEP}${sourceKey(ip, this.config.ipv6PrefixLength)}`;
    this.s.bans.delete(`p${SEP}${pair}`);
    this.s.pairFailures.delete(pair);
  }

  /** Number of keys per table, for metrics and for the memory-cap test. */
  stats(): Record<keyof GuardState, number> {
    return Object.fromEntries(Object.entries(this.s).map(([k, m]) => [k, (m as BoundedMap<unknown>).size])) as Record<
      keyof GuardState,
      number
    >;
  }

  private subject(input: AttemptInput, now: number): Subject {
    const source = sourceKey(input.ip, this.config.ipv6PrefixLength);
    const account = normalizeAccount(input.account);
    const pair = `${account}${SEP}${source}`;
    const allowListed = this.allow.has(input.ip);
    const knownGood = allowListed || this.s.knownGood.get(pair, now) !== undefined;
    return { source, account, pair, allowListed, knownGood };
  }

  private rememberSuccess(subject: Subject, now: number): void {
    this.s.knownGood.set(subject.pair, now, now + this.config.knownGoodMs, now);
    this.s.pairFailures.delete(subject.pair);
    this.s.consecutive.delete(subject.account);
  }

  /** Counts the repeat; reports only the first one per key, so one old phone makes one log line. */
  private noteStaleRepeat(subject: Subject, key: string, now: number): GuardEvent | undefined {
    const entry = this.s.staleKeys.get(key, now);
    if (!entry) return undefined;
    entry.repeats++;
    return entry.repeats === 1
      ? { code: 'auth:stale-password', ts: now, account: subject.account, source: subject.source, count: entry.repeats }
      : undefined;
  }

  /** A known-good pair passes a source ban: it is stopped by its own pair ban only. */
  private denyIfSourceBanned(subject: Subject, now: number): GuardDecision | undefined {
    if (subject.allowListed || subject.knownGood) return undefined;
    return this.denyIfBanned(`s${SEP}${subject.source}`, 'auth:source-banned', 'sourceBanned', now);
  }

  private denyIfPairBanned(subject: Subject, now: number): GuardDecision | undefined {
    if (subject.allowListed) return undefined;
    return this.denyIfBanned(`p${SEP}${subject.pair}`, 'auth:pair-banned', 'pairBanned', now);
  }

  private denyIfBanned(key: string, code: DecisionCode, why: 'sourceBanned' | 'pairBanned', now: number): GuardDecision | undefined {
    const ban = this.s.bans.get(key, now);
    if (!ban || ban.until <= now) return undefined;
    const retryAfterMs = ban.until - now;
    return deny(code, 'AUTH_THROTTLED', reason(why, { seconds: seconds(retryAfterMs) }), { retryAfterMs });
  }

  private denyIfAccountLocked(subject: Subject, now: number): GuardDecision | undefined {
    if (subject.knownGood || !this.s.locked.get(subject.account, now)) return undefined;
    return deny('auth:account-locked', 'AUTH_THROTTLED', reason('accountLocked'));
  }

  /** Denied without hashing: this exact password already failed for this account minutes ago. */
  private denyIfStalePassword(subject: Subject, key: string | undefined, now: number): GuardDecision | undefined {
    const staleKey = key && `${subject.account}${SEP}${key}`;
    if (!staleKey || !this.s.staleKeys.get(staleKey, now)) return undefined;
    const event = this.noteStaleRepeat(subject, staleKey, now);
    return deny('auth:stale-password', 'AUTH_STALE_PASSWORD', reason('stalePassword'), event ? { event } : {});
  }

  /** Credential stuffing or a targeted attack slows strangers only; known-good sources pass. */
  private delayIfAccountUnderAttack(subject: Subject, now: number): GuardDecision | undefined {
    if (subject.knownGood) return undefined;
    const failures = this.s.accountFailures.get(subject.account, now)?.count ?? 0;
    const stuffed = this.s.stuffing.get(subject.account, now)?.reported ?? false;
    const threshold = this.config.accountDelayAfterFailures;
    if (failures < threshold && !stuffed) return undefined;
    const delayMs = this.progressiveDelay(Math.max(failures, threshold), threshold);
    return { action: 'delay', delayMs, code: 'auth:account-under-attack', error: 'AUTH_THROTTLED', reason: reason('underAttack') };
  }

  private delayIfFailingRepeatedly(subject: Subject, now: number): GuardDecision | undefined {
    const pair = this.s.pairFailures.get(subject.pair, now)?.count ?? 0;
    // a shared or attacked source does not slow the accounts that are known-good there
    const trusted = subject.allowListed || subject.knownGood;
    const source = trusted ? 0 : (this.s.sourceFailures.get(subject.source, now)?.count ?? 0);
    const delayMs = this.progressiveDelay(Math.max(pair, source), this.config.delayAfterFailures);
    if (delayMs === 0) return undefined;
    return { action: 'delay', delayMs, code: 'auth:throttled', error: 'AUTH_THROTTLED', reason: reason('throttled', { seconds: seconds(delayMs) }) };
  }

  /** base, 2×base, 4×base … from the threshold on, capped: a typo costs seconds, guessing costs hours. */
  private progressiveDelay(failures: number, threshold: number): number {
    if (failures < threshold) return 0;
    const { baseDelayMs, maxDelayMs } = this.config;
    return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(30, failures - threshold));
  }
}

function deny(code: DecisionCode, error: GuardDecision['error'], why: Text, extra: Partial<GuardDecision> = {}): GuardDecision {
  return { action: 'deny', code, error, reason: why, ...extra };
}

export function normalizeAccount(account: string): string {
  return account.normalize('NFKC').trim().toLowerCase();
}

