/**
 * What one failed login changes: the failure counters, the bans they trigger, the account's
 * consecutive-failure count, and the spraying and stuffing detectors. Kept apart from the
 * guard's decisions so that each side reads as a list of named steps.
 */
import type { BoundedMap } from './bounded-map.js';
import type { GuardConfig } from './config.js';
import type { GuardEvent } from './types.js';

/** Separator inside composite keys; AUTH PLAIN forbids NUL in names, so it cannot be forged. */
export const SEP = '\u0000';

export interface Subject {
  source: string;
  account: string;
  /** `${account}${SEP}${source}` */
  pair: string;
  allowListed: boolean;
  knownGood: boolean;
}

export interface Counter {
  count: number;
  first: number;
}

export interface Ban {
  until: number;
  level: number;
}

/** The distinct accounts failing from one source, or sources failing on one account. */
export interface Spread {
  members: Set<string>;
  first: number;
  reported: boolean;
}

export interface GuardState {
  sourceFailures: BoundedMap<Counter>;
  pairFailures: BoundedMap<Counter>;
  /** Failures on the account from sources that are not known-good, within the window. */
  accountFailures: BoundedMap<Counter>;
  /** Consecutive failures on the account from anywhere, until a success or an admin reset. */
  consecutive: BoundedMap<number>;
  bans: BoundedMap<Ban>;
  knownGood: BoundedMap<number>;
  locked: BoundedMap<number>;
  staleKeys: BoundedMap<{ repeats: number }>;
  spray: BoundedMap<Spread>;
  stuffing: BoundedMap<Spread>;
}

export function countFailure(s: GuardState, cfg: GuardConfig, subject: Subject, now: number): GuardEvent[] {
  const events: GuardEvent[] = [];
  const push = (e: GuardEvent | undefined) => void (e && events.push(e));
  push(banSourceOverLimit(s, cfg, subject, now));
  push(banPairOverLimit(s, cfg, subject, now));
  push(lockAccountAtCeiling(s, cfg, subject, now));
  for (const e of detectSpraying(s, cfg, subject, now)) push(e);
  push(detectStuffing(s, cfg, subject, now));
  return events;
}

function bump(map: BoundedMap<Counter>, key: string, windowMs: number, now: number): number {
  const c = map.get(key, now);
  const next = c ? { count: c.count + 1, first: c.first } : { count: 1, first: now };
  map.set(key, next, next.first + windowMs, now);
  return next.count;
}

/** Each ban of the same key lasts `banGrowthFactor` times longer than the one before. */
function ban(s: GuardState, cfg: GuardConfig, key: string, now: number): Ban {
  const previous = s.bans.get(key, now);
  const level = previous ? previous.level + 1 : 0;
  const duration = Math.min(cfg.banMaxMs, cfg.banBaseMs * cfg.banGrowthFactor ** level);
  const next = { until: now + duration, level };
  s.bans.set(key, next, next.until + cfg.banMemoryMs, now);
  return next;
}

/** Allow-listed networks are shared by the whole office: never banned by address. */
function banSourceOverLimit(s: GuardState, cfg: GuardConfig, subject: Subject, now: number): GuardEvent | undefined {
  if (subject.allowListed) return undefined;
  const n = bump(s.sourceFailures, subject.source, cfg.failureWindowMs, now);
  if (n < cfg.sourceBanAfterFailures) return undefined;
  s.sourceFailures.delete(subject.source);
  const b = ban(s, cfg, `s${SEP}${subject.source}`, now);
  return { code: 'auth:source-banned', ts: now, source: subject.source, count: n, until: b.until };
}

function banPairOverLimit(s: GuardState, cfg: GuardConfig, subject: Subject, now: number): GuardEvent | undefined {
  const n = bump(s.pairFailures, subject.pair, cfg.failureWindowMs, now);
  if (subject.allowListed || n < cfg.pairBanAfterFailures) return undefined;
  s.pairFailures.delete(subject.pair);
  const b = ban(s, cfg, `p${SEP}${subject.pair}`, now);
  return { code: 'auth:pair-banned', ts: now, source: subject.source, account: subject.account, count: n, until: b.until };
}

/** NIST SP 800-63B-4 §3.2.2: at most 100 consecutive failures; then only known-good sources. */
function lockAccountAtCeiling(s: GuardState, cfg: GuardConfig, subject: Subject, now: number): GuardEvent | undefined {
  const consecutive = (s.consecutive.get(subject.account, now) ?? 0) + 1;
  // remembered as long as a known-good source, so that a slow attack cannot wait the count away
  s.consecutive.set(subject.account, consecutive, now + cfg.knownGoodMs, now);
  if (!subject.knownGood) bump(s.accountFailures, subject.account, cfg.failureWindowMs, now);
  if (consecutive < cfg.accountLockoutFailures || s.locked.get(subject.account, now)) return undefined;
  s.locked.set(subject.account, now, Number.POSITIVE_INFINITY, now);
  return { code: 'auth:account-locked', ts: now, account: subject.account, count: consecutive };
}

/** Adds a member; true exactly once per window, when the spread first reaches the threshold. */
function spreadReached(map: BoundedMap<Spread>, key: string, member: string, threshold: number, windowMs: number, now: number): Spread | undefined {
  const spread = map.get(key, now) ?? { members: new Set<string>(), first: now, reported: false };
  // the set never holds more than the threshold, so each entry stays small
  if (spread.members.size < threshold) spread.members.add(member);
  const reached = !spread.reported && spread.members.size >= threshold;
  if (reached) spread.reported = true;
  map.set(key, spread, spread.first + windowMs, now);
  return reached ? spread : undefined;
}

/** Password spraying: one source, many accounts, few guesses each (stays under per-account limits). */
function detectSpraying(s: GuardState, cfg: GuardConfig, subject: Subject, now: number): GuardEvent[] {
  const spread = spreadReached(s.spray, subject.source, subject.account, cfg.sprayAccounts, cfg.detectionWindowMs, now);
  if (!spread) return [];
  const found: GuardEvent = { code: 'auth:spray-detected', ts: now, source: subject.source, count: spread.members.size };
  if (subject.allowListed) return [{ ...found, allowListed: true }];
  const b = ban(s, cfg, `s${SEP}${subject.source}`, now);
  return [found, { code: 'auth:source-banned', ts: now, source: subject.source, count: spread.members.size, until: b.until }];
}

/** Credential stuffing: many sources, one account (a leaked password tried from a botnet). */
function detectStuffing(s: GuardState, cfg: GuardConfig, subject: Subject, now: number): GuardEvent | undefined {
  if (subject.knownGood) return undefined;
  const spread = spreadReached(s.stuffing, subject.account, subject.source, cfg.stuffingSources, cfg.detectionWindowMs, now);
  if (!spread) return undefined;
  return { code: 'auth:stuffing-detected', ts: now, account: subject.account, count: spread.members.size };
}
