/**
 * Detection figures and replay throughput on simulated organisations:
 *   node --import tsx bench/detection.ts [--accounts 200] [--days 30] [--seed 1] [--no-geo]
 * --no-geo drops `asn` and `country` from every event (a gateway without GeoIP), so networks
 * fall back to IPv4 /24 and IPv6 /48.
 */
import { parseArgs } from 'node:util';
import type { ReplayEvent } from '../src/events/replay.js';
import { detectionConfigSchema } from '../src/policy/config.js';
import { DetectionEngine } from '../src/policy/engine.js';
import { parseReplayLine } from '../src/policy/replay-input.js';
import { ATTACKS } from '../src/policy/simulation/attacks.js';
import { measure } from '../src/policy/simulation/measure.js';
import { DEFAULT_START, simulate, simulationConfig } from '../src/policy/simulation/stream.js';

const { values } = parseArgs({
  options: { accounts: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' }, 'no-geo': { type: 'boolean' } },
});
const accounts = Number(values.accounts ?? 200);
const days = Number(values.days ?? 30);
const seed = Number(values.seed ?? 1);

const sim = simulate({ accounts, days, seed, attacks: [...ATTACKS], start: DEFAULT_START });
if (values['no-geo']) for (const ev of sim.events) stripGeo(ev);
const cfg = detectionConfigSchema.parse(simulationConfig(sim.org).detection);
const m = measure(sim, cfg);

console.log(`organisation: ${accounts} accounts, ${days} days, seed ${seed}${values['no-geo'] ? ', no GeoIP' : ''}; ${m.events} events`);
console.log('\nattack        victim               msgs  accepted  restricted-after  seconds  accepted-after-restriction');
for (const a of m.attacks)
  console.log(`${a.kind.padEnd(13)} ${a.victim.padEnd(20)} ${String(a.messages).padStart(4)}  ${String(a.accepted).padStart(8)}  ${String(a.untilRestricted ?? '-').padStart(16)}  ${String(a.secondsToRestriction ?? '-').padStart(7)}  ${a.acceptedAfter}`);
const l = m.legit;
const bad = l.deferred + l.held;
console.log(`\nlegitimate: ${l.submits} submissions, ${l.deferred} deferred, ${l.held} held, ${l.rejected} rejected (${((bad / Math.max(1, l.submits)) * 10_000).toFixed(2)} per 10,000 deferred or held)`);
console.log(`accounts restricted without attack: ${l.restrictedAccounts.length ? l.restrictedAccounts.join(', ') : 'none'}; accounts put on watch: ${l.watchedAccounts}`);
for (const d of l.samples) console.log(`  ${d.ts} ${d.account} ${d.verdict} ${d.score}: ${d.reasons.join(' | ')}`);

// Throughput of the replay path: JSON line parsing plus the engine, one core, no I/O.
const lines = sim.events.map((e) => JSON.stringify(e));
const engine = new DetectionEngine(cfg);
// CPU time of this process, not wall time, so that other load on the machine does not count.
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const t0 = cpu();
let out = 0;
for (const line of lines) {
  const parsed = parseReplayLine(line);
  if ('event' in parsed) {
    const r = engine.process(parsed.event);
    if (r.decision) out += JSON.stringify(r.decision).length;
  }
}
const secs = cpu() - t0;
console.log(`\nreplay throughput (parse + engine + serialise): ${Math.round(lines.length / secs).toLocaleString('en')} events/s (${lines.length} events in ${secs.toFixed(2)} s, ${out} bytes out)`);
console.log(`engine only (wall clock, first pass): ${Math.round(m.events / m.engineSeconds).toLocaleString('en')} events/s`);

function stripGeo(ev: ReplayEvent): void {
  if (ev.type === 'auth' || ev.type === 'submit') {
    delete ev.asn;
    delete ev.country;
  }
}
