import type { SubmitEvent } from '../../events/replay.js';
import type { AccountRecord } from '../account.js';
import type { DetectionConfig } from '../config.js';
import type { OrgMemory } from '../org.js';
import { FRACTIONAL_ZERO } from '../window.js';

/**
 * What every submit-time signal reads: the event, the account and organisation memory, and the
 * recipient analysis done once per submission.
 */
export interface SubmitContext {
  ev: SubmitEvent;
  ts: number;
  acct: AccountRecord;
  org: OrgMemory;
  cfg: DetectionConfig;
  /** Number of recipients, and their (lower-cased) domains as keys (`domainKey`), each listed once. */
  rcptCount: number;
  domains: number[];
  /** The distinct domains outside the organisation, in the order of `domains`. */
  externalDomains: number[];
  external: number;
  /** External recipients this account never mailed, and those the whole organisation never mailed. */
  novelAccount: number;
  novelOrg: number;
  /** Colleagues (internal recipients) this account never mailed. */
  novelInternal: number;
  /** Novelty weighted: new to the organisation counts 1, new only to this account (or a colleague) counts 1/2. */
  novelWeight: number;
  /** Recipients this account never mailed (internal ones included), learnt if the mail is accepted. */
  unknown: string[];
  network: string;
  /** Hours of the last 24 in which the account submitted, this one included (`recordAttempt`). */
  activeHours: number;
}

/**
 * Signal points in two kinds. Content points say the mail itself is unusual (volume, recipients,
 * sameness, bounces); origin points say where it comes from is unusual (network, client, login).
 * Either alone is common in honest mail; the two together are what a stolen password looks like,
 * hence the synergy term in `total`.
 */
export class Score {
  content = FRACTIONAL_ZERO;
  origin = FRACTIONAL_ZERO;
  readonly reasons: string[] = [];
  /** Accounts counted with this one at a place new to each of them (`scoreSharedPlace`), when it scored. */
  placeAccounts = 0;
  /** The place of `placeAccounts` as the organisation's memory keys it, and as the reason names it. */
  place = '';
  placeWhere = '';
  /** Accounts that sent this body to new people, each from a place not its own (`scoreSameContent`), when it scored. */
  textAccounts = 0;
  /** The body of `textAccounts` as the organisation's memory keys it (`body:TAG`), and as reasons name it (`body TAG`). */
  textPlace = '';
  textWhere = '';

  addContent(points: number, reason: string): void {
    if (points <= 0) return;
    this.content += points;
    this.reasons.push(reason);
  }

  addOrigin(points: number, reason: string): void {
    if (points <= 0) return;
    this.origin += points;
    this.reasons.push(reason);
  }

  total(synergyScale: number): number {
    return Math.round(this.content + this.origin + (this.content * this.origin) / Math.max(1, synergyScale));
  }
}

export const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/**
 * Points that grow with the logarithm of how far an observation exceeds its expectation. "None"
 * is a double zero like every other answer (see FRACTIONAL_ZERO): a small-integer 0 on all the
 * first events taught the optimiser that the points were small integers, and the first real
 * points threw the compiled signals away.
 */
export function overBy(observed: number, expected: number, perDoubling: number, cap: number): number {
  if (observed <= expected || expected <= 0) return FRACTIONAL_ZERO;
  return clamp(perDoubling * Math.log2(observed / expected), 0, cap);
}

export const pct = (x: number): string => `${Math.round(x * 100)}%`;
