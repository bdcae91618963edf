import type { ReplayEvent } from '../../events/replay.js';
import { ATTACKS, isClassic, simulateAttack, type AttackKind, type AttackPlan } from './attacks.js';
import { simulateMoreAttack } from './attacks.more.js';
import { simulatePerson } from './legit.js';
import { simulateSpecial } from './legit.special.js';
import { createOrganisation, ORG_DOMAIN, type Organisation, type Person } from './org.js';
import { Rng } from './prng.js';
import { EventSink } from './sink.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface SimulationOptions {
  accounts: number;
  days: number;
  seed: number;
  attacks: AttackKind[];
  /** Local midnight (JST) of the first day, in epoch milliseconds. */
  start: number;
}

export interface Simulation {
  org: Organisation;
  attacks: AttackPlan[];
  events: ReplayEvent[];
}

/** Monday 5 January 2026, 00:00 JST. */
export const DEFAULT_START = Date.parse('2026-01-05T00:00:00+09:00');

/** Local time of day (JST) at which each kind of attack begins on the attack day. */
const ATTACK_HOUR: Record<AttackKind, number> = {
  blast: 14,
  hijack: 10.5,
  lowslow: 1,
  spray: 21,
  'blast-usual': 15,
  'blast-slow': 16,
  internal: 11,
  bcc: 13,
  drip: 20,
  proxy: 14.5,
  night: 3,
  multi: 2,
  mixed: 10,
  random: 15.5,
  contacts: 9.5,
  'contacts-proxy': 16.5,
  sleeper: 13.5,
  trickle: 12.5,
  list: 11,
  lateral: 14,
  threads: 10,
  ramp: 10,
};

/** Accounts the attacker uses besides the victim (one IP or one provider, several stolen passwords). */
const ACCOMPLICES: Partial<Record<AttackKind, number>> = { multi: 4, list: 19, lateral: 19 };

export function isAttackKind(s: string): s is AttackKind {
  return (ATTACKS as readonly string[]).includes(s);
}

/**
 * The whole stream: every person's ordinary mail, the special legitimate patterns, then the
 * requested attacks, each on a different ordinary member of staff, on a day late enough that the
 * victim has a history. Same options, same events.
 */
export function simulate(o: SimulationOptions): Simulation {
  const root = new Rng(o.seed);
  const org = createOrganisation(root.fork('org'), o.accounts, o.days, o.start);
  const sink = new EventSink(o.start, o.start + o.days * DAY);
  for (const p of org.people) {
    simulatePerson(org, p, root.fork(`mail:${p.address}`), sink);
    simulateSpecial(org, p, root.fork(`special:${p.address}`), sink);
  }
  const plans = planAttacks(org, [...new Set(o.attacks)], root.fork('victims'));
  for (const plan of plans) {
    const rng = root.fork(`attack:${plan.kind}`);
    if (isClassic(plan.kind)) simulateAttack(org, plan, rng, sink);
    else simulateMoreAttack(org, { ...plan, kind: plan.kind }, rng, sink);
  }
  return { org, attacks: plans, events: sink.sorted() };
}

function planAttacks(org: Organisation, kinds: AttackKind[], rng: Rng): AttackPlan[] {
  const day = Math.max(1, Math.floor(org.days * 0.7));
  const staff = org.people.filter((p) => p.role === 'staff' && p.trip === null);
  const plans: AttackPlan[] = [];
  const taken = new Set<Person>();
  const take = (): Person | null => {
    const free = staff.filter((p) => !taken.has(p));
    if (free.length === 0) return null;
    const p = rng.pick(free);
    taken.add(p);
    return p;
  };
  for (const kind of kinds) {
    const victim = take();
    if (!victim) break;
    const accomplices: Person[] = [];
    for (let i = 0; i < (ACCOMPLICES[kind] ?? 0); i++) {
      const p = take();
      if (p) accomplices.push(p);
    }
    plans.push({ kind, victim, accomplices, at: org.start + day * DAY + ATTACK_HOUR[kind] * HOUR });
  }
  return plans;
}

/** The detection configuration that goes with the simulated organisation. */
export function simulationConfig(org: Organisation): { detection: { orgDomains: string[]; bulkSenders: string[] } } {
  return {
    detection: {
      orgDomains: [ORG_DOMAIN],
      bulkSenders: org.people.filter((p) => p.role === 'newsletter').map((p) => p.address),
    },
  };
}
