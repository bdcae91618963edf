import { pct, type Score, type SubmitContext } from './context.js';

/** Origin points for mail to new people, or one text to many, at an hour the account never sends at. */
const UNUSUAL_HOUR_POINTS = 12;

/**
 * Mail at an hour of the day this account has never sent at, to people it never mailed before: a
 * machine left on in the office and taken over sends at 3 a.m. from the usual IP with the usual
 * client, so where it comes from says nothing, but when it comes does. It is scored as origin
 * (the circumstances of the session, not the mail) so that it reinforces the content signals, and
 * only in proportion to the share of new recipients: someone answering the usual people late at
 * night is not suspicious. One text sent to many (`repeated`: the same-body signal has points)
 * counts in full whoever receives it: that is not someone answering, and a stolen mailbox's
 * first list is its own address book. An account still learning its habits never gets it.
 */
export function scoreUnusualHour(c: SubmitContext, s: Score, share: number, repeated: boolean): void {
  if ((share <= 0 && !repeated) || !c.acct.profile.unusualHourAt(c.ts)) return;
  if (repeated) s.addOrigin(UNUSUAL_HOUR_POINTS, 'sending at an hour this account has never sent at (one text to many recipients)');
  else s.addOrigin(UNUSUAL_HOUR_POINTS * share, `sending at an hour this account has never sent at (${pct(share)} of recipients new)`);
}

/** Hours of the last 24 with mail from which an account counts as never resting. */
const RESTLESS_HOURS = 20;
/** ...and how many more than the hours of the day it usually sends at. */
const RESTLESS_OVER_HABIT = 8;
const RESTLESS_POINTS = 30;

/**
 * Mail in nearly every hour of the last day from an account that sends at a handful of hours of
 * the day: a person sleeps, a machine working through a list does not. A slow run to the people
 * the account knows (a message every ten minutes, day and night) brings neither new recipients
 * nor bursts, only the day's volume, which this reinforces (scored as origin, the circumstances of
 * the mail, like the unusual hour). It counts in proportion to the share of known recipients in
 * the last hour, the mirror of the unusual hour: a run to strangers is the novelty signals'
 * business, and stacked on them this would hold an honest night's work with new people. Accounts
 * that send around the clock by habit, and accounts still learning their habits, never get it;
 * the busiest honest accounts of the simulations send in at most 16 different hours of any 24.
 */
export function scoreRestless(c: SubmitContext, s: Score, active: number, share: number): void {
  if (active < RESTLESS_HOURS || share >= 1) return;
  const p = c.acct.profile;
  if (p.confidence < 1) return;
  const usual = p.activeHoursOfDay(c.ts);
  if (active < usual + RESTLESS_OVER_HABIT) return;
  s.addOrigin(RESTLESS_POINTS * (1 - share), `mail in ${active} of the last 24 hours (usual: mail at ${usual} hours of the day)`);
}
