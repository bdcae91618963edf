/**
 * Attack shapes beyond the simulator's named kinds, injected into one simulated organisation, each
 * on its own member of staff, to find the shapes the engine contains late or never.
 *   node --import tsx bench/sweep.ts [--grid pace|recipients|late|honest] [--office-hours] [--accounts 120] [--days 21] [--seed 5]
 * Every shape sends 300 messages from day 15 on, each to 1-3 recipients unless said otherwise.
 * --grid pace (84 shapes): one message every 0.05 s to 10 minutes (±40 %), 1-3, 10 or 40
 *   recipients of a harvested list, three texts or a new text on every message, from a new
 *   foreign IP (30 % invalid recipients) or from the victim's own office IP with the victim's
 *   client (20 % invalid).
 * --grid recipients (72 shapes): a harvested list (25 % invalid), half the victim's contacts and
 *   half harvested, the victim's contacts only, or colleagues; three texts or a new text on every
 *   message; one every 5 s, 1 minute or 10 minutes; from the victim's office IP and client, a
 *   residential proxy in Japan on consumer ISPs the victim does not use at home (a new exit every
 *   30 messages, the victim's client), or a new foreign IP.
 * --office-hours: the attacks send only between 10:00 and 18:00 JST (any day), like a person.
 * --bare: every event keeps only the fields the replay contract requires (no asn, country,
 *   subject, bodyHash, client or size), as `bench/detection.ts --bare`.
 * Each row: messages accepted (their recipients), attack messages submitted until the account was
 * restricted, seconds from the first to the restriction. Honest mail of each batch follows it.
 * --grid late (no attack): honest people who work late, to check the signals about when mail is
 *   sent: 20 members of staff answer 1-3 messages every night between 21:00 and 02:00 from day 8
 *   on, and 10 others work through one night (mail in 22 consecutive hours, 1-3 messages an hour,
 *   to their contacts and now and then someone new). Prints what the engine did with them.
 * --grid honest (no attack): honest patterns the simulator's organisation does not have, five
 *   members of staff each (ordinary staff, with two weeks of history): a support desk answering 30-60 new customers every working day; a
 *   shared desk staffed around the clock; a sales push (40 personal mails to new leads within two
 *   hours, one day); a return from two weeks away (40 replies to contacts within two hours); a
 *   greeting to every contact in one afternoon (one text, a message each); a month-end run of
 *   invoices to 60 customers, a text each or one template text; an announcement to 60
 *   colleagues and customers in one message. Prints, per pattern, what the engine did with it.
 */
import { parseArgs } from 'node:util';
import type { SubmitEvent } from '../src/events/replay.js';
import { detectionConfigSchema } from '../src/policy/config.js';
import { attackerPlace, spamRecipients, type AttackPlan } from '../src/policy/simulation/attacks.js';
import { measure, replayInProcess } from '../src/policy/simulation/measure.js';
import { Rng } from '../src/policy/simulation/prng.js';
import { HONEST_EXTRAS, mergeEvents, withHonestExtras } from '../src/policy/simulation/legit.extra.js';
import { bouncesFor, EventSink } from '../src/policy/simulation/sink.js';
import type { Person, Place } from '../src/policy/simulation/org.js';
import { DEFAULT_START, simulate, simulationConfig } from '../src/policy/simulation/stream.js';

const DAY = 86_400_000;
const { values } = parseArgs({ options: { grid: { type: 'string' }, accounts: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' }, 'office-hours': { type: 'boolean' }, bare: { type: 'boolean' } } });
/** Attacks that send only while the victim's office works (10:00-18:00 JST), any day. */
const officeHours = values['office-hours'] === true;
const seed = Number(values.seed ?? 5);
const days = Math.max(17, Number(values.days ?? 21));
const base = simulate({ accounts: Number(values.accounts ?? 120), days, seed, attacks: [], start: DEFAULT_START });
const cfg = detectionConfigSchema.parse(simulationConfig(base.org).detection);

type Origin = 'usual' | 'jp-proxy' | 'foreign';
type Whom = 'harvested' | 'half-contacts' | 'contacts' | 'colleagues';
interface Shape {
  label: string;
  gapMs: number;
  rcpts: number[];
  newText: boolean;
  origin: Origin;
  whom: Whom;
}
const grid = values.grid ?? 'pace';
if (!['pace', 'recipients', 'late', 'honest'].includes(grid)) throw new Error('--grid is pace, recipients, late or honest');
const shapes: Shape[] = [];
const text = (newText: boolean) => (newText ? 'new-text' : 'three-texts');
if (grid === 'pace') {
  for (const origin of ['foreign', 'usual'] as const)
    for (const newText of [false, true])
      for (const gapMs of [50, 1000, 5000, 20_000, 60_000, 180_000, 600_000])
        for (const rcpts of [[1, 3], [10, 10], [40, 40]])
          shapes.push({ label: `${origin}/${text(newText)}/every ${gapMs / 1000}s/${rcpts[0] === rcpts[1] ? rcpts[0] : rcpts.join('-')} rcpts`, gapMs, rcpts, newText, origin, whom: 'harvested' });
} else {
  for (const origin of ['usual', 'jp-proxy', 'foreign'] as const)
    for (const whom of ['harvested', 'half-contacts', 'contacts', 'colleagues'] as const)
      for (const newText of [false, true])
        for (const gapMs of [5000, 60_000, 600_000]) shapes.push({ label: `${origin}/${whom}/${text(newText)}/every ${gapMs / 1000}s`, gapMs, rcpts: [1, 3], newText, origin, whom });
}

/** Japanese consumer broadband (as the simulator's residential proxies). */
const JP_RESIDENTIAL = [
  { asn: 4713, prefix: '153.139' },
  { asn: 2516, prefix: '106.73' },
  { asn: 17676, prefix: '126.33' },
  { asn: 2527, prefix: '220.101' },
];

const staff = base.org.people.filter((p) => p.role === 'staff' && p.trip === null);
if (grid === 'late' || grid === 'honest') {
  if (grid === 'late') lateWorkers();
  else honestPatterns();
  process.exit(0);
}
// Every other member of staff is a victim, so that honest colleagues remain in each batch.
const perBatch = Math.max(1, staff.length >> 1);
console.log(`organisation: ${base.org.people.length} accounts, ${days} days, seed ${seed}; grid ${grid}: ${shapes.length} attack shapes of 300 messages\n`);
for (let b = 0; b < shapes.length; b += perBatch) {
  const batch = shapes.slice(b, b + perBatch);
  const rng = new Rng(seed * 1000 + b);
  const sink = new EventSink(DEFAULT_START, DEFAULT_START + days * DAY);
  const plans = batch.map((shape, i) => inject(shape, staff[i * 2], `s${b + i}`, DEFAULT_START + 15 * DAY + (10 + (i % 8)) * 3_600_000 + i * 60_000, rng, sink));
  const m = measure({ org: base.org, attacks: plans, events: stripped(mergeEvents(base.events, sink.sorted())) }, cfg);
  m.attacks.forEach((a, i) =>
    console.log(`${batch[i].label.padEnd(40)} ${String(a.accepted).padStart(3)} (${String(a.acceptedRecipients).padStart(3)})  ${String(a.untilRestricted ?? 'never').padStart(5)}  ${a.secondsToRestriction ?? '-'} s`),
  );
  console.log(`  honest mail: ${m.legit.submits} submissions, ${m.legit.deferred} deferred, ${m.legit.held} held, ${m.legit.restrictedAccounts.length} accounts restricted, ${m.legit.watchedAccounts} on watch\n`);
}

function inject(shape: Shape, victim: Person, kind: string, at: number, rng: Rng, sink: EventSink): AttackPlan {
  const foreign = shape.origin === 'foreign' ? attackerPlace(rng) : victim.office;
  const exits: Place[] =
    shape.origin !== 'jp-proxy'
      ? []
      : Array.from({ length: 10 }, () => {
          const net = rng.pick(JP_RESIDENTIAL.filter((n) => n.asn !== victim.home?.asn));
          return { ip: `${net.prefix}.${rng.int(0, 255)}.${rng.int(1, 254)}`, asn: net.asn, country: 'JP' };
        });
  const colleagues = base.org.people.filter((p) => p !== victim).map((p) => p.address);
  const known = new Set([...victim.book, ...colleagues]);
  const bodies = [rng.hex(16), rng.hex(16), rng.hex(16)];
  const invalidShare = shape.whom !== 'harvested' ? 0.25 : shape.origin === 'usual' ? 0.2 : 0.3;
  let t = at;
  let lastIp = '';
  for (let k = 0; k < 300; k++) {
    const place = shape.origin === 'usual' ? victim.office : shape.origin === 'foreign' ? foreign : exits[Math.floor(k / 30) % exits.length];
    if (place.ip !== lastIp) sink.auth(t - 2000, victim.address, place);
    lastIp = place.ip;
    const s: Omit<SubmitEvent, 'ts' | 'type'> = {
      account: victim.address,
      ip: place.ip,
      asn: place.asn,
      country: place.country,
      messageId: `<atk-${kind}-${rng.hex(12)}@example.co.jp>`,
      mailFrom: victim.address,
      headerFrom: victim.address,
      rcpts: recipients(shape.whom, rng.int(shape.rcpts[0], shape.rcpts[1]), victim, colleagues, rng),
      subject: shape.newText ? `Re: ${rng.hex(6)}` : `Offer ${k % 3}`,
      bodyHash: shape.newText ? rng.hex(16) : bodies[k % 3],
      size: 4000,
    };
    if (shape.origin !== 'foreign') s.client = victim.client;
    sink.submit(t, s);
    // Only harvested addresses bounce; contacts and colleagues exist.
    bouncesFor(sink, rng, t, s, (r) => !known.has(r) && rng.chance(invalidShare));
    t += Math.max(50, Math.round(shape.gapMs * (0.6 + 0.8 * rng.next())));
    // 10:00-18:00 JST is 01:00-09:00 UTC; outside it the attack waits for the next 10:00 JST.
    const utcHour = (t % DAY) / 3_600_000;
    if (officeHours && utcHour >= 9) t += DAY - (t % DAY) + 3_600_000;
    else if (officeHours && utcHour < 1) t += 3_600_000 - (t % DAY);
  }
  // The kind only names the attack's message ids here (measure matches them by prefix).
  return { kind: kind as AttackPlan['kind'], victim, accomplices: [], at };
}

function recipients(whom: Whom, n: number, victim: Person, colleagues: string[], rng: Rng): string[] {
  const pick = (from: string[], m: number): string[] => {
    const out = new Set<string>();
    for (let draw = 0; draw < m * 4 && out.size < m; draw++) out.add(rng.pick(from));
    return [...out];
  };
  if (whom === 'harvested') return spamRecipients(rng, n);
  if (whom === 'contacts') return pick(victim.book, n);
  if (whom === 'colleagues') return pick(colleagues, n);
  const half = Math.max(1, n >> 1);
  return [...pick(victim.book, half), ...spamRecipients(rng, n - half)];
}

/** Honest late work added to the organisation (--grid late), and what the engine made of it. */
function lateWorkers(): void {
  const rng = new Rng(seed * 77);
  const sink = new EventSink(DEFAULT_START, DEFAULT_START + days * DAY);
  const people = base.org.people.filter((p) => p.role === 'staff');
  let n = 0;
  const reply = (p: Person, at: number): void => {
    const place = p.home ?? p.office;
    const rcpts = [rng.pick(p.book)];
    if (rng.chance(0.3)) rcpts.push(`new${rng.hex(6)}@partner${rng.int(1, 50)}.example`);
    sink.auth(at - 1000, p.address, place);
    sink.submit(at, { account: p.address, ip: place.ip, asn: place.asn, country: place.country, messageId: `<late${n++}@example.co.jp>`, mailFrom: p.address, headerFrom: p.address, rcpts, subject: `Re: ${rng.hex(5)}`, bodyHash: rng.hex(16), size: 3000, client: p.client });
  };
  const owls = people.slice(0, 20);
  const nightShift = people.slice(20, 30);
  for (const p of owls) for (let d = 8; d < days; d++) for (let i = rng.int(1, 3); i > 0; i--) reply(p, DEFAULT_START + d * DAY + (21 + rng.next() * 5) * 3_600_000);
  nightShift.forEach((p, i) => {
    const d = 10 + (i % Math.max(1, days - 11));
    for (let h = 0; h < 22; h++) for (let m = rng.int(1, 3); m > 0; m--) reply(p, DEFAULT_START + d * DAY + (7 + h) * 3_600_000 + rng.int(0, 3500) * 1000);
  });
  const r = replayInProcess(stripped(mergeEvents(base.events, sink.sorted())), cfg);
  const late = new Set([...owls, ...nightShift].map((p) => p.address));
  let mine = 0;
  let stopped = 0;
  let restless = 0;
  for (const d of r.decisions) {
    if (!late.has(d.account)) continue;
    mine++;
    if (d.verdict !== 'accept') stopped++;
    if (d.reasons.some((x) => x.startsWith('mail in '))) restless++;
  }
  const changed = r.changes.filter((c) => late.has(c.account)).length;
  console.log(`late workers: 20 answering every night, 10 working through one night; their submissions ${mine}, not accepted ${stopped}, state changes ${changed}, "mail in N of the last 24 hours" on ${restless}`);
}

/** Honest patterns beyond the simulator's (--grid honest), and what the engine made of them. */
function honestPatterns(): void {
  const { events, owner } = withHonestExtras(base.org, base.events, seed);
  const r = replayInProcess(events, cfg);
  for (const pattern of HONEST_EXTRAS) {
    let mine = 0;
    let deferred = 0;
    let held = 0;
    let top = 0;
    for (const d of r.decisions) {
      if (owner.get(d.account) !== pattern) continue;
      mine++;
      if (d.verdict === 'defer') deferred++;
      if (d.verdict === 'hold' || d.verdict === 'reject') held++;
      top = Math.max(top, d.score);
    }
    const states = r.changes.filter((c) => owner.get(c.account) === pattern).map((c) => c.state);
    console.log(`${pattern.padEnd(28)} submissions ${String(mine).padStart(5)}, deferred ${deferred}, held or rejected ${held}, highest score ${top}, state changes: ${states.join(', ') || 'none'}`);
  }
}

/** With --bare, the events without the fields the replay contract leaves optional. */
function stripped<E extends object>(events: E[]): E[] {
  if (values.bare !== true) return events;
  return events.map((e) => {
    const { asn: _asn, country: _country, subject: _subject, bodyHash: _body, client: _client, size: _size, ...rest } = e as Record<string, unknown>;
    return rest as E;
  });
}
