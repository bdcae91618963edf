import { FP } from '../fingerprint.js';
import { hasHome } from '../footing.js';
import { bodyTag } from '../org.js';
import { isAwayOrNewIp, type Origin } from './submit.origin.js';
import { overBy, type Score, type SubmitContext } from './context.js';

const DAY = 86_400_000;
const SUBJECT = 0;
const BODY = 1;
/** What a recipient the account has written to before counts towards "same body" (new ones count 1). */
const KNOWN_WEIGHT = 0.25;

/**
 * Same subject or body to many recipients. Honest mass mail (invoices, recruiting) is personal per
 * recipient; spam is one text to a list. Recipients never mailed before weigh fully, known ones a
 * quarter, so an announcement to regular contacts stays quiet. Away from the account's own ground
 * (`atHome` false: on probation, from a network not established for the account, or at an hour of
 * the day it has never sent at) known ones weigh fully too: the account's own address book is the
 * first list a stolen mailbox is used against, and the usual contacts earn no trust for a text
 * sent from a place, or at a time, the account has not shown to be its own. Answers whether the
 * body had points and went out in an earlier message too (one text, message after message),
 * which the unusual-hour signal reads. `origin` tells a body sent from a place or IP not the
 * account's own, which the organisation counts across accounts (one text from many places).
 */
export function scoreSameContent(c: SubmitContext, s: Score, damp: number, atHome: boolean, origin: Origin): boolean {
  const known = atHome ? KNOWN_WEIGHT : 1;
  const weight = c.novelWeight + (c.external - c.novelAccount) * known;
  let body = 0;
  let subject = 0;
  let accounts = 0;
  let awayAccounts = 0;
  let tag = '';
  if (c.ev.bodyHash) {
    body = bump(c, BODY, c.ev.bodyHash, weight);
    // The body's fingerprint is still in FP: the organisation's count uses the same key. Colleagues
    // never written to count as new people: a list of stolen passwords phishes inside as well.
    if (c.novelAccount > 0 || c.novelInternal > 0) {
      accounts = c.org.sharedBody(FP.a, FP.b, bumpedNew, c.ts);
      // From a place or IP not the account's own (read only here: few messages get this far),
      // counted like the accounts at one new place, and named like one: `body TAG` (bodyTag
      // changes FP, read by the organisation's count just above).
      if (hasHome(c.acct, c.ts, c.cfg.network) && isAwayOrNewIp(c, origin)) {
        tag = bodyTag(c.ev.bodyHash);
        awayAccounts = c.org.sharePlace(`body:${tag}`, c.acct.name, 1, c.ts);
      }
    }
  }
  // A shared subject is normal for a run of personal mails (invoices, invitations); only new recipients count.
  if (c.ev.subject) subject = bump(c, SUBJECT, c.ev.subject, c.novelWeight);
  const bodyPoints = overBy(body, 4, 10, 30);
  const subjectPoints = overBy(subject, 8, 6, 15);
  if (bodyPoints >= subjectPoints) {
    if (bodyPoints * damp >= 1)
      s.addContent(bodyPoints * damp, `same body to ${Math.round(body)} recipients (new ones counted in full) within a day`);
  } else if (subjectPoints * damp >= 1) {
    s.addContent(subjectPoints * damp, `same subject to ${Math.round(subject)} new recipients within a day`);
  }
  // One body from several accounts to people they never mailed: stolen passwords used together.
  const sharedPoints = overBy(accounts, SHARED_BODY_ACCOUNTS, 15, 30);
  if (sharedPoints * damp >= 1) s.addContent(sharedPoints * damp, `same body from ${accounts} accounts of the organisation within 6 hours, to people they never mailed`);
  // ...each of them from a place not its own: not colleagues passing a text round, but a list of
  // stolen passwords used from wherever the attacker is, whatever recipients each account knows.
  if (awayAccounts >= SHARED_BODY_AWAY) {
    s.textAccounts = awayAccounts;
    s.textPlace = `body:${tag}`;
    s.textWhere = `body ${tag}`;
    s.addOrigin(Math.min(30, 15 + 5 * (awayAccounts - SHARED_BODY_AWAY)), `same body ${tag} from ${awayAccounts} accounts within 6 hours, each from a network, country or IP not its own`);
  }
  // One message to many is an announcement; the same text again in another message is a run.
  return bodyPoints > 0 && body > weight;
}

/** Accounts sending one body to new people within the window before it counts (the third is the first). */
const SHARED_BODY_ACCOUNTS = 2;

/** Accounts sending one body to new people, each from a place not its own, before it counts as a list. */
const SHARED_BODY_AWAY = 3;
/**
 * ...and before a message it helped to hold restricts its account (see `SHARED_PLACE_RESTRICT`):
 * five accounts away from home sending one text to people they never mailed within six hours.
 * Colleagues passing a text round write it each in a message of their own (a signature, a quote,
 * the client's own MIME boundaries): the very same body from five places is one sender's.
 */
export const SHARED_BODY_RESTRICT = 5;

/** Whether the last `bump` met the key for the first time within the account's day. */
let bumpedNew = false;

/** The count is updated in place: a second look-up to store it back would cost as much again. */
function bump(c: SubmitContext, kind: number, key: string, weight: number): number {
  const counts = c.acct.content;
  const i = counts.find(kind, key);
  if (i < 0) {
    counts.add(c.ts, weight);
    bumpedNew = true;
    return weight;
  }
  const pair = counts.counts;
  bumpedNew = c.ts - pair[2 * i] > DAY;
  if (bumpedNew) {
    pair[2 * i] = c.ts;
    pair[2 * i + 1] = 0;
  }
  pair[2 * i + 1] += weight;
  return pair[2 * i + 1];
}
