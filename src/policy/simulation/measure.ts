import type { ReplayEvent, StateChange, SubmitDecision } from '../../events/replay.js';
import type { DetectionConfig } from '../config.js';
import { DetectionEngine } from '../engine.js';
import { ATTACK_ID_PREFIX } from './sink.js';
import type { AttackPlan } from './attacks.js';
import type { Simulation } from './stream.js';

/**
 * Scores the engine on a simulated stream. Attack messages are recognised by their message-id
 * marker, which only this measurement reads; the engine sees the same events as in production.
 */
export interface AttackResult {
  kind: string;
  victim: string;
  messages: number;
  accepted: number;
  /** Recipients of the accepted attack messages: the spam that actually went out. */
  acceptedRecipients: number;
  /** Attack messages submitted up to and including the one that got the account restricted. */
  untilRestricted: number | null;
  secondsToRestriction: number | null;
  /** Attack messages accepted after the account was restricted (must be 0). */
  acceptedAfter: number;
  /**
   * With several accounts (a list of stolen passwords): attack messages submitted up to the first
   * finding of many accounts at one place that names one of them (the administrators' alert).
   */
  untilPlaceAlert: number | null;
}

export interface LegitResult {
  submits: number;
  deferred: number;
  held: number;
  rejected: number;
  restrictedAccounts: string[];
  watchedAccounts: number;
  /** Honest accounts named in a finding of many accounts at one new place (an alert to the administrators). */
  placeAlerted: string[];
  samples: SubmitDecision[];
}

export interface Measurement {
  attacks: AttackResult[];
  legit: LegitResult;
  events: number;
  engineSeconds: number;
}

/** The first finding of many accounts at one new place that named each account: its time (ms). */
export type PlaceAlerts = Map<string, number>;

export function replayInProcess(events: readonly ReplayEvent[], cfg: DetectionConfig): { decisions: SubmitDecision[]; changes: StateChange[]; seconds: number; placeAlerts: PlaceAlerts } {
  const engine = new DetectionEngine(cfg);
  const decisions: SubmitDecision[] = [];
  const changes: StateChange[] = [];
  const placeAlerts: PlaceAlerts = new Map();
  const t0 = process.hrtime.bigint();
  for (const ev of events) {
    const out = engine.process(ev);
    if (out.decision) decisions.push(out.decision);
    for (const c of out.changes) changes.push(c);
    const f = engine.takePlaceFinding();
    if (f) for (const a of f.accounts) if (!placeAlerts.has(a)) placeAlerts.set(a, Date.parse(f.ts));
  }
  return { decisions, changes, seconds: Number(process.hrtime.bigint() - t0) / 1e9, placeAlerts };
}

export function measure(sim: Simulation, cfg: DetectionConfig): Measurement {
  const { decisions, changes, seconds, placeAlerts } = replayInProcess(sim.events, cfg);
  return judge(sim, decisions, changes, seconds, placeAlerts);
}

/** The figures of a run's decisions and state changes, however they were made (one engine or several). */
export function judge(sim: Simulation, decisions: SubmitDecision[], changes: StateChange[], seconds: number, placeAlerts: PlaceAlerts = new Map()): Measurement {
  const restrictedAt = new Map<string, number>();
  for (const c of changes) if (c.state === 'restricted' && !restrictedAt.has(c.account)) restrictedAt.set(c.account, Date.parse(c.ts));
  const rcpts = new Map<string, number>();
  for (const ev of sim.events) if (ev.type === 'submit' && ev.messageId.startsWith(ATTACK_ID_PREFIX)) rcpts.set(ev.messageId, ev.rcpts.length);
  const attacks = sim.attacks.map((plan) => attackResult(plan, decisions, restrictedAt, rcpts, placeAlerts));
  const victimsFrom = new Map(sim.attacks.flatMap((p) => [p.victim, ...p.accomplices].map((v) => [v.address, p.at - 2 * 3_600_000] as const)));
  const legit = legitResult(decisions, changes, restrictedAt, victimsFrom);
  legit.placeAlerted = [...placeAlerts.keys()].filter((a) => !victimsFrom.has(a));
  return { attacks, legit, events: sim.events.length, engineSeconds: seconds };
}

/**
 * With several stolen accounts (one attacker, several passwords), the attack is contained when the
 * last of them is restricted; until then it counts every account's messages.
 */
function attackResult(plan: AttackPlan, decisions: SubmitDecision[], restrictedAt: Map<string, number>, rcpts: Map<string, number>, placeAlerts: PlaceAlerts): AttackResult {
  const kind = plan.kind;
  const accounts = new Set([plan.victim, ...plan.accomplices].map((p) => p.address));
  const mine = decisions.filter((d) => accounts.has(d.account) && d.messageId.startsWith(`${ATTACK_ID_PREFIX}${kind}-`));
  let restricted: number | undefined = 0;
  for (const a of accounts) {
    const at = restrictedAt.get(a);
    restricted = at === undefined || restricted === undefined ? undefined : Math.max(restricted, at);
  }
  const first = mine.length ? Date.parse(mine[0].ts) : 0;
  let untilRestricted: number | null = null;
  let acceptedAfter = 0;
  mine.forEach((d, i) => {
    const at = Date.parse(d.ts);
    if (restricted !== undefined && at >= restricted) {
      if (untilRestricted === null) untilRestricted = i + 1;
      if (d.verdict === 'accept') acceptedAfter++;
    }
  });
  const accepted = mine.filter((d) => d.verdict === 'accept');
  let alertedAt = Infinity;
  for (const a of accounts) alertedAt = Math.min(alertedAt, placeAlerts.get(a) ?? Infinity);
  const untilPlaceAlert = plan.accomplices.length === 0 || alertedAt === Infinity ? null : mine.filter((d) => Date.parse(d.ts) <= alertedAt).length;
  // The restricting message itself is the last one counted before the account was closed.
  if (restricted !== undefined && untilRestricted === null) untilRestricted = mine.length;
  return {
    kind,
    victim: [...accounts].join(','),
    messages: mine.length,
    accepted: accepted.length,
    acceptedRecipients: accepted.reduce((n, d) => n + (rcpts.get(d.messageId) ?? 0), 0),
    untilRestricted,
    secondsToRestriction: restricted === undefined ? null : (restricted - first) / 1000,
    acceptedAfter,
    untilPlaceAlert,
  };
}

/** Honest mail: everything not marked as attack, except a victim's own mail from two hours before the attack on. */
function legitResult(decisions: SubmitDecision[], changes: StateChange[], restrictedAt: Map<string, number>, victimsFrom: Map<string, number>): LegitResult {
  const r: LegitResult = { submits: 0, deferred: 0, held: 0, rejected: 0, restrictedAccounts: [], watchedAccounts: 0, placeAlerted: [], samples: [] };
  for (const d of decisions) {
    if (d.messageId.startsWith(ATTACK_ID_PREFIX)) continue;
    const from = victimsFrom.get(d.account);
    if (from !== undefined && Date.parse(d.ts) >= from) continue;
    r.submits++;
    if (d.verdict === 'accept') continue;
    if (d.verdict === 'defer') r.deferred++;
    else if (d.verdict === 'hold') r.held++;
    else r.rejected++;
    if (r.samples.length < 20) r.samples.push(d);
  }
  r.restrictedAccounts = [...restrictedAt.keys()].filter((a) => !victimsFrom.has(a));
  r.watchedAccounts = new Set(changes.filter((c) => c.state === 'watch' && !victimsFrom.has(c.account)).map((c) => c.account)).size;
  return r;
}
