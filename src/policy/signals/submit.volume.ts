import { M_MESSAGES, M_RECIPIENTS } from '../profile.js';
import { overBy, type Score, type SubmitContext } from './context.js';
import { MANY_THREADS } from './submit.content.js';
import { noveltyWeight, RAPID_GAP_MS } from './submit.recipients.js';

/**
 * Volume spike against the account's hour-of-week profile, over three windows. A person can send
 * a good part of their busiest hour in ten minutes, and a few messages in one minute, but not
 * dozens: the short windows are what catch a blast within seconds.
 *
 * A busy hour to the usual people counts less than one to strangers (`noveltyWeight`): a month-end
 * run of invoices to regular customers. `pastDay` (0-1, from `scoreDayVolume`) takes that excuse
 * away in proportion to how far the hours before were already past the account's busiest day: a
 * run to known people that goes on hour after hour is not an honest burst. A second busy hour in a
 * row takes it away at once (`longBurst`).
 */
export function scoreVolume(c: SubmitContext, s: Score, damp: number, share: number, pastDay: number): void {
  const a = c.acct;
  const p = c.cfg.profile;
  const msgs = a.profile.expected(c.ts, M_MESSAGES, p.floorMessagesPerHour);
  const rcpts = a.profile.expected(c.ts, M_RECIPIENTS, p.floorRecipientsPerHour);
  const m1 = a.tries1m.sum(c.ts);
  const m10 = a.tries10m.sum(c.ts);
  const m60 = a.tries60m.sum(c.ts);
  const r10 = a.rcpts10m.sum(c.ts);
  const r60 = a.rcpts60m.sum(c.ts);
  const perMinute = Math.max(3, msgs * 0.25);
  // The worst of the five ratios, without an array per message (first one wins a tie).
  const r1 = m1 / perMinute;
  const r2 = m10 / (msgs * 0.6);
  const r3 = m60 / msgs;
  const r4 = r10 / (rcpts * 0.6);
  const r5 = r60 / rcpts;
  let worst = 0;
  let ratio = r1;
  if (r2 > ratio) {
    worst = 1;
    ratio = r2;
  }
  if (r3 > ratio) {
    worst = 2;
    ratio = r3;
  }
  if (r4 > ratio) {
    worst = 3;
    ratio = r4;
  }
  if (r5 > ratio) {
    worst = 4;
    ratio = r5;
  }
  const points = overBy(ratio, 1, 12, 35) * damp * noveltyWeight(Math.max(share, pastDay, longBurst(c, m60, msgs)));
  if (points < 1) return;
  const what =
    worst === 0
      ? `${m1} messages in a minute`
      : worst === 1
        ? `${m10} messages in 10 minutes`
        : worst === 2
          ? `${m60} messages in an hour`
          : worst === 3
            ? `${r10} recipients in 10 minutes`
            : `${r60} recipients in an hour`;
  const usual = worst >= 3 ? `${Math.round(rcpts)} recipients an hour` : `${Math.round(msgs)} messages an hour`;
  s.addContent(points, `${what}; this account's usual maximum is ${usual}`);
}

/**
 * 1 when the last hour and the hour before it each held several times the account's busiest hour
 * of attempts (at least `LONG_BURST_MIN`; the earlier hour to within a 5-minute slot), else 0. A
 * month-end run of invoices to regular customers is an hour's burst; a hijacked client mailing the
 * address book goes on hour after hour.
 */
function longBurst(c: SubmitContext, m60: number, expected: number): number {
  if (m60 >= MANY_THREADS && c.acct.threads60m.sum(c.ts) >= MANY_THREADS) return 1;
  const line = Math.max(LONG_BURST_MIN, LONG_BURST_FACTOR * expected);
  if (m60 < line) return 0;
  return c.acct.tries120m.sum(c.ts) - m60 >= line ? 1 : 0;
}

const LONG_BURST_MIN = 30;
const LONG_BURST_FACTOR = 4;

/** Attempts in a row within `RAPID_GAP_MS` of each other, each to someone new, from which the pace is scored. */
const RAPID_FROM = 3;

/**
 * Faster than a person writes: several submissions in a row, each within a few seconds of the one
 * before and each to someone the account never mailed. A script or a hijacked client works through
 * a list at that pace from the victim's own desk, where nothing about the origin is new; a person
 * writes to a new contact in minutes, not seconds. An Outbox flushed after a flight sends its
 * queue within a second, but mostly replies to people the account knows, which break the run; it
 * counts in proportion to the share of new recipients. Scored as origin (the circumstances, like
 * the unusual hour), so that it reinforces the content signals. Declared bulk senders and campaign
 * allowances, machines by design, are left out.
 */
export function scoreMachinePace(c: SubmitContext, s: Score, share: number): void {
  const a = c.acct;
  if (a.rapid < RAPID_FROM || a.bulk || share <= 0) return;
  s.addOrigin(Math.min(25, 10 + 5 * (a.rapid - RAPID_FROM)) * share, `${a.rapid + 1} messages in a row to people never mailed before, each within ${RAPID_GAP_MS / 1000} seconds of the last`);
}
