/**
 * Detection figures and replay throughput on simulated organisations:
 *   node --import tsx bench/detection.ts [--accounts 200] [--days 30] [--seed 1] [--no-geo | --bare] [--locate] [--attack KIND ...]
 * Every attack kind is injected unless --attack names some (repeatable).
 * --no-geo drops `asn` and `country` from every event (a gateway without GeoIP), so networks
 * fall back to IPv4 /24 and IPv6 /48. --bare also drops `subject`, `bodyHash`, `client` and
 * `size`: only the fields the replay contract requires (DESIGN.md). --locate then gives the events
 * without location the country and network of their address from the bundled GeoIP data, as
 * `mailwarden replay` does (see its `Locator`): with --no-geo or --bare, what replay decides on a
 * stream that carries addresses only.
 */
import { parseArgs } from 'node:util';
import { Locator } from '../src/cli/replay.js';
import type { ReplayEvent } from '../src/events/replay.js';
import { detectionConfigSchema } from '../src/policy/config.js';
import { DetectionEngine } from '../src/policy/engine.js';
import { parseReplayLine } from '../src/policy/replay-input.js';
import { ATTACKS } from '../src/policy/simulation/attacks.js';
import { measure } from '../src/policy/simulation/measure.js';
import { DEFAULT_START, isAttackKind, simulate, simulationConfig } from '../src/policy/simulation/stream.js';

const { values } = parseArgs({
  options: { accounts: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' }, 'no-geo': { type: 'boolean' }, bare: { type: 'boolean' }, locate: { type: 'boolean' }, attack: { type: 'string', multiple: true } },
});
const accounts = Number(values.accounts ?? 200);
const days = Number(values.days ?? 30);
const seed = Number(values.seed ?? 1);

const kinds = values.attack?.length ? values.attack.filter(isAttackKind) : [...ATTACKS];
const sim = simulate({ accounts, days, seed, attacks: kinds, start: DEFAULT_START });
if (values['no-geo'] || values.bare) for (const ev of sim.events) stripGeo(ev);
if (values.bare) for (const ev of sim.events) stripOptional(ev);
if (values.locate) {
  const locator = new Locator();
  for (const ev of sim.events) if ((ev.type === 'auth' || ev.type === 'submit') && ev.asn === undefined && ev.country === undefined) locator.fill(ev);
}
const cfg = detectionConfigSchema.parse(simulationConfig(sim.org).detection);
const m = measure(sim, cfg);

console.log(`organisation: ${accounts} accounts, ${days} days, seed ${seed}${values.bare ? ', required fields only' : values['no-geo'] ? ', no GeoIP' : ''}${values.locate ? ', located from the addresses' : ''}; ${m.events} events`);
console.log('\nattack        msgs  accepted  (recipients)  restricted-after  seconds  accepted-after-restriction  victim');
for (const a of m.attacks)
  console.log(
    `${a.kind.padEnd(13)} ${String(a.messages).padStart(4)}  ${String(a.accepted).padStart(8)}  ${String(a.acceptedRecipients).padStart(12)}  ${String(a.untilRestricted ?? '-').padStart(16)}  ${String(a.secondsToRestriction ?? '-').padStart(7)}  ${String(a.acceptedAfter).padStart(26)}  ${a.victim}`,
  );
for (const a of m.attacks.filter((x) => x.untilPlaceAlert !== null)) console.log(`${a.kind}: administrators alerted (accounts at one new place) at attack message ${a.untilPlaceAlert}`);
const l = m.legit;
const bad = l.deferred + l.held;
console.log(`\nlegitimate: ${l.submits} submissions, ${l.deferred} deferred, ${l.held} held, ${l.rejected} rejected (${((bad / Math.max(1, l.submits)) * 10_000).toFixed(2)} per 10,000 deferred or held)`);
console.log(`accounts restricted without attack: ${l.restrictedAccounts.length ? l.restrictedAccounts.join(', ') : 'none'}; accounts put on watch: ${l.watchedAccounts}; named in an alert for accounts at one new place: ${l.placeAlerted.length ? l.placeAlerted.join(', ') : 'none'}`);
for (const d of l.samples) console.log(`  ${d.ts} ${d.account} ${d.verdict} ${d.score}: ${d.reasons.join(' | ')}`);

// Throughput of the replay path: JSON line parsing, the engine and serialising its output, one
// core, no I/O. CPU time of this process is the figure to compare (other load on the machine does
// not count); wall-clock time is shown beside it.
const lines = sim.events.map((e) => JSON.stringify(e));
const run = replayThroughput(lines, cfg);
const perSecond = (secs: number): string => Math.round(lines.length / secs).toLocaleString('en');
console.log(`\nreplay throughput (parse + engine + serialise, ${lines.length} events, ${run.bytes} bytes out):`);
console.log(`  CPU time:   ${perSecond(run.cpu)} events/s (${run.cpu.toFixed(2)} s)`);
console.log(`  wall clock: ${perSecond(run.wall)} events/s (${run.wall.toFixed(2)} s)`);
console.log(`engine only (wall clock, first pass): ${Math.round(m.events / m.engineSeconds).toLocaleString('en')} events/s`);

/** One pass as `mailwarden replay` makes it (a fresh engine; the code is already warm from the run above). */
function replayThroughput(input: readonly string[], config: typeof cfg): { cpu: number; wall: number; bytes: number } {
  const engine = new DetectionEngine(config);
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const c0 = cpu();
  const w0 = performance.now();
  let bytes = 0;
  for (const line of input) {
    const parsed = parseReplayLine(line);
    if (!('event' in parsed)) continue;
    const r = engine.process(parsed.event, parsed.ts);
    if (r.decision) bytes += JSON.stringify(r.decision).length + 1;
    for (const c of r.changes) bytes += JSON.stringify(c).length + 1;
  }
  return { cpu: cpu() - c0, wall: (performance.now() - w0) / 1000, bytes };
}

function stripGeo(ev: ReplayEvent): void {
  if (ev.type === 'auth' || ev.type === 'submit') {
    delete ev.asn;
    delete ev.country;
  }
}

function stripOptional(ev: ReplayEvent): void {
  if (ev.type !== 'submit') return;
  delete ev.subject;
  delete ev.bodyHash;
  delete ev.client;
  delete ev.size;
}
