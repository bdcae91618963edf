import type { SubmitEvent } from '../../events/replay.js';
import type { AccountRecord } from '../account.js';
import type { DetectionConfig } from '../config.js';
import { FP, fingerprint } from '../fingerprint.js';
import { addressKeys, domainKey, domainOf, domainStart, isDomainAt } from '../limits.js';
import type { OrgMemory } from '../org.js';
import { M_DOMAINS, M_MESSAGES, M_NOVEL } from '../profile.js';
import { FRACTIONAL_ZERO, truncate } from '../window.js';
import { clamp, overBy, pct, type Score, type SubmitContext } from './context.js';

/**
 * The context of the submission being decided. There is one, filled afresh for each submission:
 * nothing in it outlives the decision (the lists are read, never kept), and a new object with four
 * lists per message was a good part of what the engine allocated.
 */
let current: SubmitContext | null = null;

/** Looks at each recipient once: internal or external, new to the account, new to the organisation. */
export function analyseRecipients(
  ev: SubmitEvent,
  ts: number,
  acct: AccountRecord,
  org: OrgMemory,
  cfg: DetectionConfig,
  network: string,
): SubmitContext {
  const c = current ?? (current = blankContext(ev, acct, org, cfg));
  const domains = c.domains;
  const externalDomains = c.externalDomains;
  const unknown = c.unknown;
  truncate(domains);
  truncate(externalDomains);
  truncate(unknown);
  let external = 0;
  let novelAccount = 0;
  let novelOrg = 0;
  let novelInternal = 0;
  for (const raw of ev.rcpts) {
    // Recipients count in lower case. An ASCII address (nearly all) is read as if folded, without
    // making the folded string or its domain; the folded string is made only to be learnt.
    const from = domainStart(raw);
    let key = addressKeys(raw, from);
    let internal: boolean;
    if (key >= 0) internal = (key === acct.domainKey && isDomainAt(raw, from, acct.domain)) || org.isOrgDomainAt(raw, from, key);
    else {
      const rcpt = raw.toLowerCase();
      const domain = domainOf(rcpt);
      internal = domain === acct.domain || org.domains.has(domain);
      key = domainKey(domain);
      fingerprint(rcpt);
    }
    if (!domains.includes(key)) {
      domains.push(key);
      if (!internal) externalDomains.push(key);
    }
    // One fingerprint serves both the account's and the organisation's memory.
    const fa = FP.a;
    const fb = FP.b;
    const known = acct.recipients.hasFp(fa, fb);
    if (!known) unknown.push(raw.toLowerCase());
    if (internal) {
      if (!known) novelInternal++;
      continue;
    }
    external++;
    if (known) continue;
    novelAccount++;
    if (!org.recipients.hasFp(fa, fb)) novelOrg++;
  }
  // A colleague never written to is new to the account but not to the organisation: half weight.
  c.ev = ev;
  c.ts = ts;
  c.acct = acct;
  c.org = org;
  c.cfg = cfg;
  c.rcptCount = ev.rcpts.length;
  c.external = external;
  c.novelAccount = novelAccount;
  c.novelOrg = novelOrg;
  c.novelInternal = novelInternal;
  c.novelWeight = novelOrg + (novelAccount - novelOrg + novelInternal) / 2;
  c.network = network;
  return c;
}

function blankContext(ev: SubmitEvent, acct: AccountRecord, org: OrgMemory, cfg: DetectionConfig): SubmitContext {
  return { ev, ts: NaN, acct, org, cfg, rcptCount: 0, domains: [], externalDomains: [], external: 0, novelAccount: 0, novelOrg: 0, novelInternal: 0, novelWeight: FRACTIONAL_ZERO, unknown: [], network: '', activeHours: 0 };
}

/** Two submissions this close together are not written one after the other by a person. */
export const RAPID_GAP_MS = 3000;

/** Counts this attempt into the account's short windows (whatever its verdict: pace is the signal). */
export function recordAttempt(c: SubmitContext): void {
  const a = c.acct;
  a.rapid = c.ts - a.lastTry <= RAPID_GAP_MS && c.novelWeight > 0 ? a.rapid + 1 : 0;
  a.lastTry = c.ts;
  a.tries1m.add(c.ts);
  a.tries10m.add(c.ts);
  a.tries60m.add(c.ts);
  a.tries120m.add(c.ts);
  a.rcpts10m.add(c.ts, c.rcptCount);
  a.rcpts60m.add(c.ts, c.rcptCount);
  a.judged60m.add(c.ts, c.external + c.novelInternal);
  if (c.novelInternal > 0) a.colleagues60m.add(c.ts, c.novelInternal);
  a.novel60m.add(c.ts, c.novelWeight);
  if (c.novelWeight > 0) {
    a.novelTries5m.add(c.ts);
    a.novel5m.add(c.ts, c.novelWeight);
    a.novelDay.add(c.ts, c.novelWeight);
  }
  for (const d of c.externalDomains) a.domains60m.add(d, c.ts);
  a.ips10m.add(c.ev.ip, c.ts);
  a.ips60m.add(c.ev.ip, c.ts);
  c.activeHours = a.activeHours.touch(c.ts);
}

/**
 * Share of recipients never mailed before, by this account or anyone in the organisation. Honest
 * mail goes mostly to people already written to; a stolen password mails a list. Colleagues this
 * account never wrote to count too (at half weight): internal phishing mails the whole staff list.
 */
export function scoreNovelty(c: SubmitContext, s: Score, damp: number): number {
  const a = c.acct;
  const novel = a.novel60m.sum(c.ts);
  const judged = a.judged60m.sum(c.ts);
  if (novel < 0.5 || judged === 0) return FRACTIONAL_ZERO;
  const share = clamp(novel / judged, 0, 1);
  const expected = a.profile.expected(c.ts, M_NOVEL, c.cfg.profile.floorNovelPerHour);
  const strength = clamp(Math.log2(1 + novel / expected) / 2.5, 0, 1);
  const points = 25 * share * strength * damp;
  if (points < 1) return share;
  const colleagues = a.colleagues60m.sum(c.ts);
  const whom = colleagues > 0 ? `recipients (${Math.round(colleagues)} of them colleagues)` : 'external recipients';
  s.addContent(points, `${pct(share)} of ${Math.round(judged)} ${whom} in the last hour never mailed before (usual: up to ${Math.round(expected)} new an hour)`);
  return share;
}

/**
 * Message after message to people never mailed before, within minutes, whatever share of the
 * recipients are known: a stolen password that mixes real contacts into a harvested list dilutes
 * the novelty share, but not the pace of new people. A person writes to a new contact now and
 * then, and even a run of personal invitations or invoices goes out about one a minute; one
 * message to a new group is one message. A quarter of the account's usual new recipients an hour
 * (at least four) may come within five minutes. Declared bulk senders are left out.
 */
export function scoreNovelBurst(c: SubmitContext, s: Score): void {
  const a = c.acct;
  // A declared bulk sender mails a list of new people by design: the pace of new people is its job.
  // A message to known people only adds nothing to the pace (and most messages are such).
  if (c.novelWeight === 0 || a.bulk) return;
  const tries = a.novelTries5m.sum(c.ts);
  if (tries <= NOVEL_BURST_BASE) return;
  const expected = a.profile.expected(c.ts, M_NOVEL, c.cfg.profile.floorNovelPerHour);
  const points = overBy(tries, Math.max(NOVEL_BURST_BASE, expected * 0.25), 10, 20);
  if (points < 1) return;
  s.addContent(points, `${tries} messages to ${Math.round(a.novel5m.sum(c.ts))} recipients never mailed before within 5 minutes (usual: up to ${Math.round(expected)} new an hour)`);
}

/**
 * New people within a day against the account's usual day: an attack paced to stay inside every
 * hourly envelope (a message every few minutes, around the clock, a different text each time)
 * still writes to more strangers in a day than the person does on their busiest. Points start at
 * half as many again as that day, and count in full when the last hour's recipients are all new
 * (a month-end run to customers, some of them new, is busy, not a list of strangers). Only a
 * message that itself carries someone new is judged; declared bulk senders are left out.
 */
export function scoreNovelDay(c: SubmitContext, s: Score, share: number): void {
  const a = c.acct;
  if (c.novelWeight === 0 || a.bulk) return;
  const day = a.novelDay.sum(c.ts);
  const floor = c.cfg.profile.floorNovelPerDay;
  // Points start above half as many again as the expectation, which is never below the floor.
  if (day <= 1.5 * floor) return;
  const expected = a.profile.expectedDay(c.ts, M_NOVEL, floor);
  const points = overBy(day, 1.5 * expected, 10, 25) * noveltyWeight(share);
  if (points < 1) return;
  s.addContent(points, `${Math.round(day)} recipients never mailed before within 24 hours (usual: up to ${Math.round(expected)} a day)`);
}

/** Most points of a day of mail. */
const DAY_VOLUME_CAP = 40;

/**
 * Messages of the day against the account's busiest day, whoever they go to. Mail to the people
 * the account knows, one message a minute or every few minutes, stays inside every hourly
 * envelope and brings no new recipients, but a day of it is many times what the person sends on
 * their busiest day. The last hour is left out: the hourly signals judge it, and an honest burst
 * (a month-end run of invoices in one hour) is not a day of mail. Points start at half as many
 * again as the busiest day; declared bulk senders, and accounts still learning their habits, are
 * left out.
 *
 * Answers how far the day is past the busiest one, from 0 to 1 (the share of the cap reached):
 * the hourly signals then stop excusing volume to known people (see `scoreVolume`).
 */
export function scoreDayVolume(c: SubmitContext, s: Score): number {
  const a = c.acct;
  // A day is compared with the account's days only once it has some (a fresh deployment's first
  // busy day is not a run); bulk senders send days of mail by design.
  if (a.bulk || a.profile.confidence < 1) return FRACTIONAL_ZERO;
  const floor = c.cfg.profile.floorMessagesPerDay;
  // Points start above 1.5 times an expectation that is never below the floor (most accounts
  // stay under it for the whole day, and the last hour's count is not needed).
  const day = a.accepted.msgDay.sum(c.ts);
  if (day <= 1.5 * floor) return FRACTIONAL_ZERO;
  const earlier = day - a.accepted.msgHour.sum(c.ts);
  if (earlier <= 1.5 * floor) return FRACTIONAL_ZERO;
  const expected = a.profile.expectedDay(c.ts, M_MESSAGES, floor);
  const points = overBy(earlier, 1.5 * expected, 15, DAY_VOLUME_CAP);
  if (points < 1) return FRACTIONAL_ZERO;
  s.addContent(points, `${Math.round(earlier)} messages in the 23 hours before the last (usual: up to ${Math.round(expected)} a day)`);
  return points / DAY_VOLUME_CAP;
}

/** Messages with new recipients within 5 minutes that never count as a burst. */
const NOVEL_BURST_BASE = 4;

/**
 * How much volume and spread count: in full when the recipients are new, less than half when they
 * are the usual people (a month-end invoice run to regular customers is busy, not suspicious).
 */
export const noveltyWeight = (share: number): number => 0.3 + 0.7 * share;

/** Spread of recipient domains in the last hour against the account's usual spread. */
export function scoreDomainSpread(c: SubmitContext, s: Score, damp: number, share: number): void {
  const a = c.acct;
  const spread = a.domains60m.count(c.ts);
  const expected = a.profile.expected(c.ts, M_DOMAINS, c.cfg.profile.floorDomainsPerHour);
  const points = overBy(spread, expected, 8, 20) * damp * noveltyWeight(share);
  if (points < 1) return;
  s.addContent(points, `${spread} recipient domains in the last hour; usual maximum is ${Math.round(expected)}`);
}
