import { FP, fingerprintRange } from '../fingerprint.js';
import { hasHome } from '../footing.js';
import { bodyTag } from '../org.js';
import { isAwayOrNewIp, type Origin } from './submit.origin.js';
import { overBy, type Score, type SubmitContext } from './context.js';

const DAY = 86_400_000;
const SUBJECT = 0;
const BODY = 1;
/** The first and last characters of a subject, without its "Re:" (see `isNewConversation`). */
const SUBJECT_HEAD = 2;
const SUBJECT_TAIL = 3;
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
  if (c.ev.subject) {
    subject = bump(c, SUBJECT, c.ev.subject, c.novelWeight);
    if (bumpedNew) countConversation(c, s, c.ev.subject);
  }
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

/**
 * Messages within an hour each beginning a conversation of its own (`isNewConversation`), from
 * which they are more conversations than a person answers in an hour. People do send that many
 * messages in an hour, but as a run under one subject or one template (invoices, invitations, a
 * greeting), and an Outbox flushed after a flight holds a few dozen replies. Malware answering
 * the threads of a stolen mailbox ("Re:" to each conversation it found, every few seconds, from
 * the victim's own desk and client) writes on a new subject every time, hour after hour.
 */
export const MANY_THREADS = 60;

/**
 * Counts a message on a subject new within the day as a conversation of its own (the ends of the
 * subject are only looked at in an hour of many new ones: most hours have a few), and scores more
 * conversations in an hour than a person answers as origin, the circumstances, like the machine's
 * pace; they also take away the excuse a busy hour to known people has (`scoreVolume`). Needs
 * subjects: a stream without them is judged as before. Not for declared bulk senders or campaigns.
 */
function countConversation(c: SubmitContext, s: Score, subject: string): void {
  const a = c.acct;
  const n = a.threads60m.sum(c.ts);
  if (n >= CONVERSATIONS_FROM && !isNewConversation(c, subject)) return;
  a.threads60m.add(c.ts);
  if (n + 1 < MANY_THREADS || a.bulk) return;
  s.addOrigin(Math.min(25, 10 + (n + 1 - MANY_THREADS) / 4), `${n + 1} messages in an hour, each on a subject of its own: more conversations than a person answers in an hour`);
}

/** Reply and forward markers at the start of a subject, repeated ("Re: Fwd: RE[2]: 返信: ..."). */
const REPLY_PREFIX = /^(?:\s*(?:re|fwd?|aw|sv|vs|tr|返信|転送)\s*(?:\[\d+\])?\s*[:：])+\s*/i;
/**
 * New subjects within the hour from which each must also begin a conversation of its own to
 * count (`threads60m`): a run under one template counts this many and then stops.
 */
const CONVERSATIONS_FROM = 20;
/** Characters at each end of a subject that name its conversation. */
const CONVERSATION_CHARS = 8;

/**
 * Whether a subject the account had not used that day begins a conversation of its own: neither
 * its first nor its last characters (after any "Re:") were those of a subject it used that day.
 * A run of personal mails keeps one end of the subject ("請求書送付のご案内（12月分）A社様",
 * "B社様 面談日程のご連絡"); replies to the threads of a mailbox share neither. Both ends are
 * recorded either way.
 */
function isNewConversation(c: SubmitContext, subject: string): boolean {
  const m = REPLY_PREFIX.exec(subject);
  const from = m === null ? 0 : m[0].length;
  const to = subject.length;
  const newHead = bumpRange(c, SUBJECT_HEAD, subject, from, Math.min(to, from + CONVERSATION_CHARS));
  const newTail = bumpRange(c, SUBJECT_TAIL, subject, Math.max(from, to - CONVERSATION_CHARS), to);
  return newHead && newTail;
}

/** Records a part of a string as a key of its own (weight 0) and answers whether it was new within the day. */
function bumpRange(c: SubmitContext, kind: number, s: string, from: number, to: number): boolean {
  const counts = c.acct.content;
  fingerprintRange(s, from, to, kind);
  const i = counts.findFingerprint(FP.a, FP.b);
  if (i < 0) {
    counts.add(c.ts, 0);
    return true;
  }
  const pair = counts.counts;
  if (c.ts - pair[2 * i] <= DAY) return false;
  pair[2 * i] = c.ts;
  return true;
}

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
