import type { AccountState, StateChange } from '../events/replay.js';
import type { AccountRecord } from './account.js';
import type { DetectionConfig } from './config.js';

type Scoring = DetectionConfig['scoring'];

/**
 * Most events change no state: one shared empty list rather than a new array per event. Lists of
 * changes are frozen, the empty one as every other (`changed`): arrays of one kind, so that code
 * compiled to read them while none but the empty one has been seen (a stream's first state change
 * comes late) is not thrown away, with everything compiled around it, at the first change.
 */
export const NO_CHANGES: StateChange[] = Object.freeze([]) as unknown as StateChange[];

const changed = (c: StateChange): StateChange[] => Object.freeze([c]) as unknown as StateChange[];

/**
 * Account states: active -> watch -> restricted. Risk is the decayed sum of what each submission
 * scored above `riskFloor`, so one odd message never restricts, a sustained run of them does, and
 * a quiet account drifts back to active. Restricted is left only by an administrator.
 * `hourlyOnly` is added to the hourly risk alone (a submission deferred by a rate limit or the
 * probation budget): a day of retries now and then must not add up on the day-scale risk.
 */
export function addScoreToRisk(a: AccountRecord, ts: number, at: string, score: number, reasons: string[], cfg: Scoring, hourlyOnly = 0): StateChange[] {
  const excess = Math.max(0, score - cfg.riskFloor);
  const risk = excess + hourlyOnly > 0 ? a.addRisk(ts, excess + hourlyOnly, cfg.riskHalfLifeMinutes, cfg.slowRiskHalfLifeHours, excess) : a.riskAt(ts, cfg.riskHalfLifeMinutes);
  return reassess(a, ts, at, risk, reasons, cfg);
}

/** Adds risk that does not come from a submission (bounces). */
export function addRisk(a: AccountRecord, ts: number, at: string, amount: number, reasons: string[], cfg: Scoring): StateChange[] {
  return reassess(a, ts, at, a.addRisk(ts, amount, cfg.riskHalfLifeMinutes, cfg.slowRiskHalfLifeHours), reasons, cfg);
}

/**
 * Restriction by either risk: the hourly one (a burst) or the same points kept over a day (a run
 * of suspicious mail paced too slowly for the hourly risk to add it up). Watch follows the hourly
 * risk only, so that a few odd messages spread over an honest day never change its state.
 */
function reassess(a: AccountRecord, ts: number, at: string, risk: number, reasons: string[], cfg: Scoring): StateChange[] {
  if (a.state === 'restricted') return NO_CHANGES;
  const r = Math.round(risk);
  if (risk >= cfg.restrictRisk)
    return changed(change(a, at, 'restricted', [`risk ${r} reached the restriction threshold ${cfg.restrictRisk}`, ...reasons]));
  // The day-scale risk only fades from what it was when last added to.
  const slow = a.slowRisk >= cfg.restrictRisk ? a.slowRiskAt(ts, cfg.slowRiskHalfLifeHours) : 0;
  if (slow >= cfg.restrictRisk)
    return changed(change(a, at, 'restricted', [`risk ${Math.round(slow)} over the last day (half-life ${cfg.slowRiskHalfLifeHours} hours) reached the restriction threshold ${cfg.restrictRisk}`, ...reasons]));
  if (a.state === 'active' && risk >= cfg.watchRisk)
    return changed(change(a, at, 'watch', [`risk ${r} reached the watch threshold ${cfg.watchRisk}`, ...reasons]));
  if (a.state === 'watch' && risk < cfg.watchRisk / 2)
    return changed(change(a, at, 'active', [`risk fell to ${r}, below ${cfg.watchRisk / 2}`]));
  return NO_CHANGES;
}

export function change(a: AccountRecord, at: string, state: AccountState, reasons: string[]): StateChange {
  a.state = state;
  // The hours not yet learned may hold what put the account under suspicion.
  if (state !== 'active') a.profile.forgetPending();
  return { ts: at, account: a.name, type: 'state', state, reasons };
}
