import { describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../../src/policy/engine.js';
import { detectionDefaults } from '../../../src/policy/detection-defaults.js';
import { parseReplayLine } from '../../../src/policy/replay-input.js';
import { DEFAULT_START, simulate } from '../../../src/policy/simulation/stream.js';
import { WARM_UP_MEMORY, warmUpLines } from '../../../src/policy/warm-up.js';

/** Every verdict and state change of a stream of lines, as replay prints them. */
function run(engine: DetectionEngine, lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const p = parseReplayLine(line);
    if ('error' in p) throw new Error(`${line}: ${p.error.en}`);
    const r = engine.process(p.event, p.ts);
    if (r.decision) out.push(JSON.stringify(r.decision));
    for (const c of r.changes) out.push(JSON.stringify(c));
  }
  return out;
}

describe("replay's warm-up stream", () => {
  const lines = warmUpLines();

  it('is the same each time, in time order, and valid replay input of every event type', () => {
    expect(warmUpLines()).toEqual(lines);
    expect(lines.length).toBeGreaterThan(500);
    expect(lines.length).toBeLessThan(800);
    const events = lines.map((l) => parseReplayLine(l));
    const times = events.map((e) => ('ts' in e ? e.ts : NaN));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    const types = new Set(events.map((e) => ('event' in e ? e.event.type : 'error')));
    expect([...types].sort()).toEqual(['auth', 'bounce', 'credential', 'submit']);
  });

  it('reaches every verdict, both states, the bounce rate, probation, many conversations and the capacities it is there to warm', () => {
    const out = run(new DetectionEngine(detectionDefaults(), { checkSenders: true, memory: WARM_UP_MEMORY }), lines).join('\n');
    for (const verdict of ['accept', 'defer', 'hold', 'reject']) expect(out).toContain(`"verdict":"${verdict}"`);
    expect(out).toContain('"state":"watch"');
    expect(out).toContain('"state":"restricted"');
    for (const reason of ['hard-bounce rate', 'probation since', 'unusual client', 'never sent at', 'messages in the 23 hours before the last', 'failed logins', 'accounts mailing people never mailed before', 'each on a subject of its own'])
      expect(out).toContain(reason);
  });

  it('leaves the verdicts of an engine run after it unchanged', () => {
    const sim = simulate({ accounts: 20, days: 6, seed: 3, attacks: ['blast'], start: DEFAULT_START });
    const stream = sim.events.map((e) => JSON.stringify(e));
    const alone = run(new DetectionEngine(detectionDefaults(), { checkSenders: true }), stream);
    run(new DetectionEngine(detectionDefaults(), { checkSenders: true, memory: WARM_UP_MEMORY }), lines);
    expect(run(new DetectionEngine(detectionDefaults(), { checkSenders: true }), stream)).toEqual(alone);
    expect(alone.some((l) => l.includes('"state":"restricted"'))).toBe(true);
  });
});
