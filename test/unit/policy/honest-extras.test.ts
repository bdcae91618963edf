import { describe, expect, it } from 'vitest';
import { detectionConfigSchema } from '../../../src/policy/config.js';
import { HONEST_EXTRAS, withHonestExtras } from '../../../src/policy/simulation/legit.extra.js';
import { replayInProcess } from '../../../src/policy/simulation/measure.js';
import { DEFAULT_START, simulate, simulationConfig } from '../../../src/policy/simulation/stream.js';

/**
 * Honest work the simulated organisation does not have (`bench/sweep.ts --grid honest`): a support
 * desk answering new customers every day from the deployment's first, a desk staffed around the
 * clock, a return from two weeks away, an announcement in one message. None of it is stopped. (The
 * campaigns by a person in the same grid are restricted like the hijacked client they resemble;
 * docs/detection.md, Known limits.)
 */
describe('honest patterns beyond the simulated organisation', () => {
  it('never defers, holds or restricts ordinary work: desks, a return from holiday; an announcement at most held', () => {
    const base = simulate({ accounts: 120, days: 21, seed: 5, attacks: [], start: DEFAULT_START });
    const { events, owner } = withHonestExtras(base.org, base.events, 5);
    const r = replayInProcess(events, detectionConfigSchema.parse(simulationConfig(base.org).detection));
    const of = (patterns: readonly string[]) => r.decisions.filter((d) => patterns.includes(owner.get(d.account) ?? ''));
    const work = of(['support desk', 'desk around the clock', 'back from two weeks away']);
    // Five people each: the desks mail every day, the others on one.
    expect(work.length).toBeGreaterThan(9000);
    expect(work.filter((d) => d.verdict !== 'accept').map((d) => `${d.account} ${d.verdict} ${d.reasons[0]}`)).toEqual([]);
    // One message to 60 colleagues and customers, half of them never mailed, can be held for a look
    // (it is what a phishing mail to the address book in Bcc looks like), never more.
    expect(of(['announcement in one message']).filter((d) => d.verdict !== 'accept').length).toBeLessThanOrEqual(1);
    // A support desk with no history yet may go on watch in the deployment's first days; nobody is restricted.
    const ordinary = new Set<string>(HONEST_EXTRAS.slice(0, 4));
    expect(r.changes.filter((c) => ordinary.has(owner.get(c.account) ?? '') && c.state === 'restricted')).toEqual([]);
  });
});
