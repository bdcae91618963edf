import { describe, expect, it } from 'vitest';
import { independentOffice } from '../../../bench/independent-office.js';

/**
 * The targets on an office written apart from the simulator the engine was tuned on, with the
 * issue's attacks and shapes of its own (bench/independent-office.ts): with and without the GeoIP
 * fields, 200 accounts over two weeks.
 */
describe.each([false, true])('the independent office (GeoIP fields: %s)', (geo) => {
  const r = independentOffice({ accounts: 200, days: 14, seed: 1, geo });
  const attack = (kind: string) => r.attacks.find((a) => a.kind === kind)!;

  it('stops no honest sender: nothing deferred, held or rejected, nobody restricted or on watch', () => {
    expect(r.honest.submits).toBeGreaterThan(40_000);
    expect(r.honest).toMatchObject({ deferred: 0, held: 0, rejected: 0 });
    expect(r.falselyRestricted).toEqual([]);
    expect(r.watched).toEqual([]);
  });

  it('meets the issue\'s targets: the blast at most 5, the slow and hijacked runs within 50', () => {
    expect(attack('blast').accepted).toBeLessThanOrEqual(5);
    for (const kind of ['blast', 'lowslow', 'hijack', 'spray']) expect(attack(kind).restrictedAfter, kind).not.toBeNull();
    for (const kind of ['lowslow', 'hijack', 'spray']) expect(attack(kind).restrictedAfter!, kind).toBeLessThanOrEqual(50);
  });

  it('contains the shapes of its own', () => {
    for (const a of r.attacks) expect(a.restrictedAfter, a.kind).not.toBeNull();
    // Sending as the CEO: every message refused, the account restricted at the ninth.
    expect(attack('ceo')).toMatchObject({ accepted: 0, restrictedAfter: 8 });
    // Thirty stolen passwords at once, one lure: the organisation sees the one body.
    expect(attack('wide').accepted).toBeLessThanOrEqual(10);
    expect(attack('dormant-blast').accepted).toBeLessThanOrEqual(geo ? 5 : 8);
    expect(attack('contacts-night').restrictedAfter!).toBeLessThanOrEqual(60);
  });
});
