import type { BounceEvent } from '../../events/replay.js';
import type { AccountRecord } from '../account.js';
import type { DetectionConfig } from '../config.js';
import { clamp, pct, type Score } from './context.js';
import { FRACTIONAL_ZERO } from '../window.js';

/** RFC 3463: a 5.x.x status is a permanent failure; only those say the address list is bad. */
export function isHardBounce(ev: BounceEvent): boolean {
  return /^5\.\d{1,3}\.\d{1,3}$/.test(ev.status.trim()) || ev.reason === 'feedback';
}

/**
 * Hard-bounce rate of the mail this account had accepted over the window. A harvested or bought
 * list bounces far more than an address book; a minimum sample keeps one typo from counting.
 */
export function bouncePoints(a: AccountRecord, ts: number, cfg: DetectionConfig['bounces']): number {
  const sent = a.sentDay.sum(ts);
  const hard = a.hardDay.sum(ts);
  // A double zero, like the rate's points (see overBy).
  if (sent < cfg.minRecipients || hard < cfg.minHardBounces) return FRACTIONAL_ZERO;
  const span = Math.max(1e-6, cfg.rateFull - cfg.rateStart);
  return 40 * clamp((hard / sent - cfg.rateStart) / span, 0, 1);
}

/** The reason for `bouncePoints`, built only when the points are used (most messages score none). */
export function bounceReason(a: AccountRecord, ts: number, cfg: DetectionConfig['bounces']): string {
  const sent = a.sentDay.sum(ts);
  const hard = a.hardDay.sum(ts);
  return `hard-bounce rate ${pct(hard / sent)} (${Math.round(hard)} of ${Math.round(sent)} recipients in ${cfg.windowHours} hours)`;
}

export function scoreBounces(a: AccountRecord, ts: number, cfg: DetectionConfig['bounces'], s: Score): void {
  const points = bouncePoints(a, ts, cfg);
  if (points >= 1) s.addContent(points, bounceReason(a, ts, cfg));
}
