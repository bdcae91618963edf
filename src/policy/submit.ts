import type { StateChange, SubmitDecision, SubmitEvent, Verdict } from '../events/replay.js';
import type { AccountRecord } from './account.js';
import type { DetectionConfig } from './config.js';
import { FP, fingerprint } from './fingerprint.js';
import { established, hasHome, networkOf, youngTag } from './footing.js';
import type { OrgMemory } from './org.js';
import { expireProbation, isOrdinary, overProbationBudget, probationWhy, progressProbation, startProbation } from './probation.js';
import { scoreBounces } from './signals/bounce.rate.js';
import { Score, type SubmitContext } from './signals/context.js';
import { scoreSameContent, SHARED_BODY_RESTRICT } from './signals/submit.content.js';
import { isAway, locate, offFooting, onlyStrangers, REMEMBERED, rememberOrigin, scoreClient, scoreFooting, scoreLogin, scoreParallel, scoreSharedIp, scoreSharedPlace, scoreStrangersAway, SHARED_PLACE_RESTRICT, type Origin } from './signals/submit.origin.js';
import { scoreRestless, scoreUnusualHour } from './signals/submit.hour.js';
import { analyseRecipients, recordAttempt, scoreDayVolume, scoreDomainSpread, scoreNovelBurst, scoreNovelDay, scoreNovelty } from './signals/submit.recipients.js';
import { scoreMachinePace, scoreVolume } from './signals/submit.volume.js';
import { addScoreToRisk, NO_CHANGES } from './states.js';

export interface Outcome {
  decision: SubmitDecision;
  changes: StateChange[];
}

/**
 * The submit stage, as a table of contents: judge the origin, score the mail, pick the verdict
 * (reject if restricted, hold if the score says so, defer over a limit or the probation budget,
 * else accept), then let the score move the account's state and let accepted mail teach the
 * profile. Shadow mode rewrites only the returned verdict.
 *
 * `refusedBefore` is set for a message that a policy in front of the engine has already refused
 * (a cluster-wide limit): it is judged and counted like any attempt, and its score moves the
 * account's risk, but it is deferred whatever the engine thinks, so it teaches nothing.
 * `heldBefore` is set for a message the record shows held for review: never accepted, so it
 * teaches nothing either.
 */
export function decideSubmit(ev: SubmitEvent, ts: number, a: AccountRecord, org: OrgMemory, cfg: DetectionConfig, refusedBefore?: string, heldBefore = false): Outcome {
  if (!(a.born <= ts)) a.born = ts;
  expireProbation(a, ts, cfg.probation);
  a.bulk = a.declaredBulk || a.inCampaign(ts);
  const origin = locate(a, org, ev.ip, networkOf(ev.ip, ev.asn, cfg.network), ev.country, ev.client);
  const c = analyseRecipients(ev, ts, a, org, cfg, origin.network);
  recordAttempt(c);
  probationIfOffFooting(a, org, origin, ts, cfg);
  const s = scoreSignals(c, origin);
  const score = s.total(cfg.scoring.synergyScale);
  overLimit = false;
  const homeGround = onHomeGround(c, origin);
  let verdict = chooseVerdict(c, score, s.reasons, homeGround);
  if (refusedBefore !== undefined && verdict !== 'reject') {
    s.reasons.unshift(refusedBefore);
    verdict = 'defer';
  }
  // A limit says "later"; a client that keeps submitting through it, minute after minute, is not a person.
  const hammering = overLimit || refusedBefore !== undefined ? cfg.scoring.limitDeferralRisk : 0;
  // A message held while many accounts mail strangers from the same new place, or send one text
  // each from a place not its own: one of a list of stolen passwords, with a message or two each,
  // which its risk alone would leave on watch.
  const listed = verdict === 'hold' && (s.placeAccounts >= SHARED_PLACE_RESTRICT || s.textAccounts >= SHARED_BODY_RESTRICT) ? cfg.scoring.restrictRisk : 0;
  const changes = a.state === 'restricted' ? NO_CHANGES : addScoreToRisk(a, ts, ev.ts, score, s.reasons, cfg.scoring, hammering + listed);
  // The message that tips the account over is kept for review rather than sent; so was one held
  // where it was decided (`DetectionEngine.held`).
  if (verdict === 'accept' && (a.state === 'restricted' || heldBefore)) verdict = 'hold';
  // Only accepted mail makes its place the account's own, and teaches what is usual.
  if (verdict === 'accept') {
    // Whether it came from a place not yet the account's own is judged before the place is remembered.
    if (isAway(c, origin)) (onlyStrangers(c) ? a.strangersAway : a.knownAway).add(ts);
    rememberOrigin(a, org, origin, ts, teachesOrg(c, verdict, s.content));
    const young = youngTag(REMEMBERED.network!, REMEMBERED.country, ts, cfg.network);
    if (young !== 0) org.sentYoung.set(ev.messageId, young);
    learnAccepted(c, s.content, score, homeGround);
  }
  if (s.placeAccounts > 0) org.placeFinding = { ts: ev.ts, place: s.place, where: s.placeWhere, accounts: org.placeMembers(s.place, ts) };
  else if (s.textAccounts > 0) org.placeFinding = { ts: ev.ts, place: s.textPlace, where: s.textWhere, accounts: org.placeMembers(s.textPlace, ts) };
  const decision: SubmitDecision = { ts: ev.ts, account: ev.account, messageId: ev.messageId, verdict, score, reasons: s.reasons };
  if (cfg.shadow && refusedBefore === undefined) shadowed(decision, c);
  return { decision, changes };
}

/** Whether `chooseVerdict` deferred the submission being decided for a rate limit or the probation budget. */
let overLimit = false;

function probationIfOffFooting(a: AccountRecord, org: OrgMemory, origin: Origin, ts: number, cfg: DetectionConfig): void {
  if (a.probation) return;
  const why = offFooting(a, org, origin, ts, cfg);
  if (why) startProbation(a, ts, `submission from ${why}`, cfg.probation);
}

function scoreSignals(c: SubmitContext, origin: Origin): Score {
  const s = new Score();
  // Declared bulk senders mail lists by design; their content signals are damped, not their origin.
  const damp = c.acct.bulk ? 0.2 : 1;
  const share = scoreNovelty(c, s, damp);
  const pastDay = scoreDayVolume(c, s);
  scoreVolume(c, s, damp, share, pastDay);
  scoreMachinePace(c, s, share);
  scoreNovelBurst(c, s);
  scoreNovelDay(c, s, share);
  scoreDomainSpread(c, s, damp, share);
  const repeated = scoreSameContent(c, s, damp, atHome(c, origin) && !c.acct.profile.unusualHourAt(c.ts), origin) && !c.acct.bulk;
  scoreBounces(c.acct, c.ts, c.cfg.bounces, s);
  scoreFooting(c, origin, s);
  scoreParallel(c, s);
  scoreStrangersAway(c, origin, s);
  scoreSharedIp(c, origin, s);
  scoreSharedPlace(c, origin, s);
  scoreClient(c, origin, s);
  scoreUnusualHour(c, s, share, repeated);
  scoreRestless(c, s, c.activeHours, share);
  scoreLogin(c, origin.ip, s);
  return s;
}

/**
 * Whether the account writes from ground it has shown to be its own: no probation, and a network
 * established for it (an account without any established network yet has nothing to compare with
 * and counts as at home). A network known to the organisation but new to the account is not its
 * own: a colleague's provider is where a residential proxy in the same country exits.
 */
function atHome(c: SubmitContext, origin: Origin): boolean {
  const a = c.acct;
  if (a.probation !== null) return false;
  const n = c.cfg.network;
  return !hasHome(a, c.ts, n) || established(origin.networkFooting, c.ts, n);
}

/**
 * Whether the probation budget leaves this submission alone: the probation began with a new place
 * (not a credential change) and the mail comes from a network established for the account (its
 * office, its home connection). The budget holds back what is sent from the new footing, not the
 * owner's mail from the usual desk meanwhile: a phone's login from a new mobile network in the
 * evening must not throttle the next morning's mail from the office. Without network data (no
 * `asn`, networks by /24) each mobile session is such a new place.
 */
function onHomeGround(c: SubmitContext, origin: Origin): boolean {
  const a = c.acct;
  if (a.probation === null || a.probation.anywhere) return false;
  const n = c.cfg.network;
  return hasHome(a, c.ts, n) && established(origin.networkFooting, c.ts, n);
}

/** Verdict reasons go first, signal reasons after them. */
function chooseVerdict(c: SubmitContext, score: number, reasons: string[], homeGround: boolean): Verdict {
  const a = c.acct;
  const cfg = c.cfg;
  if (a.state === 'restricted') {
    reasons.unshift('account restricted');
    return 'reject';
  }
  const holdAt = a.state === 'watch' ? cfg.scoring.watchHoldScore : cfg.scoring.holdScore;
  if (score >= holdAt) {
    reasons.unshift(`score ${score} at or above the hold threshold ${holdAt}${a.state === 'watch' ? ' (account on watch)' : ''}`);
    return 'hold';
  }
  let newDomains = 0;
  for (const d of c.domains) if (!a.accepted.domainsHour.has(d)) newDomains++;
  const limit = a.accepted.exceeded(a.limits, c.ts, c.rcptCount, newDomains);
  if (limit) {
    reasons.unshift(limit);
    overLimit = true;
    return 'defer';
  }
  const budget = homeGround ? null : overProbationBudget(a, c.ts, c.external, c.novelAccount, cfg);
  if (budget) {
    reasons.unshift(budget);
    overLimit = true;
    return 'defer';
  }
  if (a.probation) reasons.push(probationWhy(a.probation));
  return 'accept';
}

/**
 * A place teaches the organisation only through accepted mail of an active account, and on
 * probation only through ordinary mail: the first messages of a stolen password, let through by
 * the probation budget, must not make the attacker's network known to the organisation. Colleagues
 * the account never wrote to count as new here: mail inside the organisation does not use up the
 * budget, and lures to colleagues from a list of stolen passwords made the attacker's network
 * "known to the organisation" for the next account of the list.
 */
function teachesOrg(c: SubmitContext, verdict: Verdict, contentPoints: number): boolean {
  const a = c.acct;
  if (verdict !== 'accept' || a.state !== 'active') return false;
  return a.probation === null || isOrdinary(contentPoints, c.novelAccount + c.novelInternal, c.rcptCount, c.cfg.scoring.riskFloor / 2);
}

/** Only accepted mail teaches the account and the organisation what is usual. */
function learnAccepted(c: SubmitContext, contentPoints: number, score: number, homeGround: boolean): void {
  const { acct: a, org, ts } = c;
  a.accepted.record(ts, c.rcptCount, c.domains);
  // A campaign an administrator allowed is an exception, not a habit to expect again.
  if (!a.inCampaign(ts)) a.profile.learn(ts, c.rcptCount, c.novelAccount, c.externalDomains, score);
  // Known recipients were refreshed by the lookup itself; only new ones need writing.
  for (const r of c.unknown) {
    fingerprint(r);
    a.recipients.addFp(FP.a, FP.b);
    org.recipients.addFp(FP.a, FP.b);
  }
  a.sentDay.add(ts, c.rcptCount);
  a.messages++;
  org.accepted.set(c.ev.messageId, a.id);
  // Probation ends on what the mail looks like (content points), not on where it comes from:
  // a traveller stays at the hotel, but writes to the usual people.
  // Mail from home ground that the budget left alone does not use it up either.
  const ended = progressProbation(a, ts, { rcpts: c.external, novel: c.novelAccount, external: c.external, score: contentPoints }, c.cfg.scoring.riskFloor / 2, c.cfg.probation, !homeGround);
  if (ended) earn(a, c.network, c.ev.country);
}

function earn(a: AccountRecord, network: string, country: string | undefined): void {
  for (const key of [network, country === undefined ? '' : `country:${country}`]) {
    if (key === '' || a.earned.includes(key)) continue;
    if (a.earned.length >= 16) a.earned.shift();
    a.earned.push(key);
  }
}

/**
 * Shadow mode: the gateway sends everything, so the message is accepted and remembered for
 * bounces, but the engine's own view follows the would-have verdict, as if it were enforcing.
 */
function shadowed(d: SubmitDecision, c: SubmitContext): void {
  if (d.verdict === 'accept') return;
  d.reasons.unshift(`shadow: would ${d.verdict}`);
  d.verdict = 'accept';
  c.org.accepted.set(c.ev.messageId, c.acct.id);
  c.acct.sentDay.add(c.ts, c.rcptCount);
}
