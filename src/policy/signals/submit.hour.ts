import { pct, type Score, type SubmitContext } from './context.js';

/** Origin points for mail to new people at an hour the account never sends at. */
const UNUSUAL_HOUR_POINTS = 12;

/**
 * Mail at an hour of the day this account has never sent at, to people it never mailed before: a
 * machine left on in the office and taken over sends at 3 a.m. from the usual IP with the usual
 * client, so where it comes from says nothing, but when it comes does. It is scored as origin
 * (the circumstances of the session, not the mail) so that it reinforces the content signals, and
 * only in proportion to the share of new recipients: someone answering the usual people late at
 * night is not suspicious. An account still learning its habits never gets it.
 */
export function scoreUnusualHour(c: SubmitContext, s: Score, share: number): void {
  if (share <= 0 || !c.acct.profile.unusualHourAt(c.ts)) return;
  s.addOrigin(UNUSUAL_HOUR_POINTS * share, `sending at an hour this account has never sent at (${pct(share)} of recipients new)`);
}
