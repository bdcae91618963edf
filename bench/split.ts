/**
 * Detection in multi-node mode, simulated: the sessions of a simulated organisation are spread
 * over several engines as a load balancer spreads connections, and each engine learns either
 * from its own sessions only, or also from the other nodes' engine inputs, which reach it through
 * the event record a moment later (`--peer-delay`, milliseconds; the gateway's follower polls
 * every 500 ms). A restriction decided by any engine holds on all of them at once (the cluster's
 * restriction channel), and a change of state decided by several engines counts once (the
 * cluster's claim). Prints, for one engine and for each split, the attack figures and the honest
 * mail deferred or held, as `bench/detection.ts` does for one engine.
 *   node --import tsx bench/split.ts [--accounts 200] [--days 30] [--seed 1] [--nodes 2,3] [--peer-delay 1000] [--attack KIND ...]
 */
import { parseArgs } from 'node:util';
import type { ReplayEvent, StateChange, SubmitDecision } from '../src/events/replay.js';
import { detectionConfigSchema, type DetectionConfig } from '../src/policy/config.js';
import { DetectionEngine } from '../src/policy/engine.js';
import { parseTimestamp } from '../src/policy/timestamp.js';
import { judge, measure, type Measurement } from '../src/policy/simulation/measure.js';
import { DEFAULT_START, isAttackKind, simulate, simulationConfig } from '../src/policy/simulation/stream.js';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    nodes: { type: 'string' },
    'peer-delay': { type: 'string' },
    attack: { type: 'string', multiple: true },
  },
});
const seed = Number(values.seed ?? 1);
const kinds = values.attack?.length ? values.attack.filter(isAttackKind) : ['blast', 'lowslow', 'hijack', 'spray', 'list', 'multi'];
const sim = simulate({ accounts: Number(values.accounts ?? 200), days: Number(values.days ?? 30), seed, attacks: kinds as never, start: DEFAULT_START });
const cfg = detectionConfigSchema.parse(simulationConfig(sim.org).detection);
const delay = Number(values['peer-delay'] ?? 1000);
const splits = (values.nodes ?? '2,3').split(',').map(Number);

console.log(`${sim.events.length} events, seed ${seed}; attacks ${kinds.join(', ')}; peers' inputs arrive after ${delay} ms`);
report('one engine', measure(sim, cfg));
for (const nodes of splits) {
  report(`${nodes} nodes, each learning its own sessions`, split(sim.events, cfg, nodes, null));
  report(`${nodes} nodes, each learning every node's inputs`, split(sim.events, cfg, nodes, delay));
}

function report(title: string, m: Measurement): void {
  const l = m.legit;
  const attacks = m.attacks.map((a) => `${a.kind} ${a.accepted}/${a.untilRestricted ?? '-'}`).join(', ');
  console.log(`${title.padEnd(46)} honest held ${l.held}, deferred ${l.deferred} of ${l.submits}; restricted without attack: ${l.restrictedAccounts.length}; attack accepted/restricted-after: ${attacks}`);
}

/**
 * One run over `nodes` engines. A session (account, source address, quarter of an hour) goes to
 * one node, chosen by hash; a bounce to any node; a credential change reaches every node (the
 * decision follower). With `delay` null an engine sees only its own events.
 */
function split(events: readonly ReplayEvent[], config: DetectionConfig, nodes: number, peerDelay: number | null): Measurement {
  const engines = Array.from({ length: nodes }, () => new DetectionEngine(config));
  const pending: { at: number; ev: ReplayEvent }[][] = engines.map(() => []);
  const decisions: SubmitDecision[] = [];
  const changes: StateChange[] = [];
  const claimed = new Map<string, { state: string; at: number }>();
  const t0 = process.hrtime.bigint();

  const apply = (from: number, out: StateChange[], at: number): void => {
    for (const c of out) {
      const last = claimed.get(c.account);
      if (last && last.state === c.state && at - last.at < 15_000) continue;
      claimed.set(c.account, { state: c.state, at });
      changes.push(c);
      if (c.state !== 'restricted') continue;
      engines.forEach((e, i) => i !== from && e.restrict(c.account, c.ts, c.reasons[0] ?? 'restricted on another node'));
    }
  };
  const drain = (upTo: number): void => {
    engines.forEach((engine, i) => {
      const q = pending[i];
      let n = 0;
      while (n < q.length && q[n].at <= upTo) {
        apply(i, engine.process(q[n].ev).changes, q[n].at);
        n++;
      }
      if (n > 0) q.splice(0, n);
    });
  };

  for (const ev of events) {
    const ts = parseTimestamp(ev.ts);
    if (peerDelay !== null) drain(ts);
    if (ev.type === 'credential') {
      engines.forEach((e, i) => apply(i, e.process(ev, ts).changes, ts));
      continue;
    }
    const owner = nodeOf(ev, nodes);
    const out = engines[owner].process(ev, ts);
    if (out.decision) decisions.push(out.decision);
    apply(owner, out.changes, ts);
    if (peerDelay !== null) pending.forEach((q, i) => i !== owner && q.push({ at: ts + peerDelay, ev }));
  }
  if (peerDelay !== null) drain(Infinity);
  return judge(sim, decisions, changes, Number(process.hrtime.bigint() - t0) / 1e9);
}

function nodeOf(ev: Exclude<ReplayEvent, { type: 'credential' }>, nodes: number): number {
  const key = ev.type === 'bounce' ? ev.messageId : `${ev.account}|${ev.ip}|${Math.floor(parseTimestamp(ev.ts) / 900_000)}`;
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % nodes;
}
