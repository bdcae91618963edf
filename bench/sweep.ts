/**
 * Attack shapes beyond the simulator's named kinds: a grid of paces, message sizes, texts and
 * origins injected into one simulated organisation, each on its own member of staff, to find the
 * shapes the engine contains late or never.
 *   node --import tsx bench/sweep.ts [--accounts 120] [--days 21] [--seed 5]
 * Every shape sends 300 messages from day 15 on: one every 0.05 s to 10 minutes (±40 %), 1-3, 10
 * or 40 recipients of a harvested list each, three texts or a new text on every message, from a new
 * foreign IP (30 % invalid recipients) or from the victim's own office IP with the victim's client
 * (20 % invalid). Each row: messages accepted (their recipients), attack messages submitted until
 * the account was restricted, seconds from the first to the restriction. Honest mail of each
 * batch is summed up after it.
 */
import { parseArgs } from 'node:util';
import type { ReplayEvent, SubmitEvent } from '../src/events/replay.js';
import { detectionConfigSchema } from '../src/policy/config.js';
import { attackerPlace, spamRecipients, type AttackPlan } from '../src/policy/simulation/attacks.js';
import { measure } from '../src/policy/simulation/measure.js';
import { Rng } from '../src/policy/simulation/prng.js';
import { bouncesFor, EventSink } from '../src/policy/simulation/sink.js';
import { DEFAULT_START, simulate, simulationConfig } from '../src/policy/simulation/stream.js';

const DAY = 86_400_000;
const { values } = parseArgs({ options: { accounts: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' } } });
const seed = Number(values.seed ?? 5);
const days = Math.max(17, Number(values.days ?? 21));
const base = simulate({ accounts: Number(values.accounts ?? 120), days, seed, attacks: [], start: DEFAULT_START });
const cfg = detectionConfigSchema.parse(simulationConfig(base.org).detection);

interface Shape {
  label: string;
  gapMs: number;
  rcpts: number[];
  newText: boolean;
  usual: boolean;
}
const shapes: Shape[] = [];
for (const usual of [false, true])
  for (const newText of [false, true])
    for (const gapMs of [50, 1000, 5000, 20_000, 60_000, 180_000, 600_000])
      for (const rcpts of [[1, 3], [10, 10], [40, 40]])
        shapes.push({ label: `${usual ? 'usual' : 'foreign'}/${newText ? 'new-text' : 'three-texts'}/every ${gapMs / 1000}s/${rcpts[0] === rcpts[1] ? rcpts[0] : rcpts.join('-')} rcpts`, gapMs, rcpts, newText, usual });

const staff = base.org.people.filter((p) => p.role === 'staff' && p.trip === null);
// Every other member of staff is a victim, so that honest colleagues remain in each batch.
const perBatch = Math.max(1, staff.length >> 1);
console.log(`organisation: ${base.org.people.length} accounts, ${days} days, seed ${seed}; ${shapes.length} attack shapes of 300 messages\n`);
for (let b = 0; b < shapes.length; b += perBatch) {
  const batch = shapes.slice(b, b + perBatch);
  const rng = new Rng(seed * 1000 + b);
  const sink = new EventSink(DEFAULT_START, DEFAULT_START + days * DAY);
  const plans = batch.map((shape, i) => inject(shape, staff[i * 2], `s${b + i}`, DEFAULT_START + 15 * DAY + (10 + (i % 8)) * 3_600_000 + i * 60_000, rng, sink));
  const m = measure({ org: base.org, attacks: plans, events: merge(base.events, sink.sorted()) }, cfg);
  m.attacks.forEach((a, i) =>
    console.log(`${batch[i].label.padEnd(40)} ${String(a.accepted).padStart(3)} (${String(a.acceptedRecipients).padStart(3)})  ${String(a.untilRestricted ?? 'never').padStart(5)}  ${a.secondsToRestriction ?? '-'} s`),
  );
  console.log(`  honest mail: ${m.legit.submits} submissions, ${m.legit.deferred} deferred, ${m.legit.held} held, ${m.legit.restrictedAccounts.length} accounts restricted, ${m.legit.watchedAccounts} on watch\n`);
}

function inject(shape: Shape, victim: (typeof staff)[number], kind: string, at: number, rng: Rng, sink: EventSink): AttackPlan {
  const place = shape.usual ? victim.office : attackerPlace(rng);
  const bodies = [rng.hex(16), rng.hex(16), rng.hex(16)];
  let t = at;
  sink.auth(t - 2000, victim.address, place);
  for (let k = 0; k < 300; k++) {
    const s: Omit<SubmitEvent, 'ts' | 'type'> = {
      account: victim.address,
      ip: place.ip,
      asn: place.asn,
      country: place.country,
      messageId: `<atk-${kind}-${rng.hex(12)}@example.co.jp>`,
      mailFrom: victim.address,
      headerFrom: victim.address,
      rcpts: spamRecipients(rng, rng.int(shape.rcpts[0], shape.rcpts[1])),
      subject: shape.newText ? `Re: ${rng.hex(6)}` : `Offer ${k % 3}`,
      bodyHash: shape.newText ? rng.hex(16) : bodies[k % 3],
      size: 4000,
    };
    if (shape.usual) s.client = victim.client;
    sink.submit(t, s);
    const invalidShare = shape.usual ? 0.2 : 0.3;
    bouncesFor(sink, rng, t, s, () => rng.chance(invalidShare));
    t += Math.max(50, Math.round(shape.gapMs * (0.6 + 0.8 * rng.next())));
  }
  // The kind only names the attack's message ids here (measure matches them by prefix).
  return { kind: kind as AttackPlan['kind'], victim, accomplices: [], at };
}

/** The honest stream and the injected events, in time order (honest first on a tie). */
function merge(honest: readonly ReplayEvent[], extra: readonly ReplayEvent[]): ReplayEvent[] {
  const out: ReplayEvent[] = [];
  let j = 0;
  for (const ev of honest) {
    while (j < extra.length && extra[j].ts < ev.ts) out.push(extra[j++]);
    out.push(ev);
  }
  while (j < extra.length) out.push(extra[j++]);
  return out;
}
