import { describe, expect, it } from 'vitest';
import { movingOffice } from '../../../bench/moving-office.js';

/**
 * Honest people who move about (bench/moving-office.ts), with and without the GeoIP fields: a
 * shared office NAT, residential lines whose address changes every day, phones on carrier-grade
 * NAT, a traveller, an offsite, the first morning's catch-up, a new member of staff introducing
 * themselves, notices to every contact: nobody may be stopped. And eight passwords used from
 * abroad at a steady pace, a new text to one new person at a time, some after five ordinary
 * messages to end their probation: each must be restricted.
 */
describe.each([false, true])('the moving office (GeoIP fields: %s)', (geo) => {
  const r = movingOffice({ accounts: 150, days: 28, seed: 1, geo, patient: true });
  const total = (k: 'submits' | 'deferred' | 'held' | 'rejected') => r.kinds.reduce((n, x) => n + x[k], 0);

  it('restricts nobody and holds or rejects nothing', () => {
    expect(total('submits')).toBeGreaterThan(45_000);
    expect(r.restricted).toEqual([]);
    expect(total('held')).toBe(0);
    expect(total('rejected')).toBe(0);
    // A notice to every contact, message by message, may put its sender on watch, nobody else.
    for (const who of r.watched) expect(who).toMatch(/\(announcer\)$/);
  });

  it('defers only the mail of residential lines whose address is new each day, and only without GeoIP', () => {
    for (const k of r.kinds) if (k.kind !== 'home' || geo) expect(k.deferred, k.kind).toBe(0);
    expect(total('deferred') / total('submits')).toBeLessThan(2 / 10_000);
  });

  it('contains a stolen password used patiently from abroad, at every pace, with or without first ending its probation', () => {
    expect(r.attacks).toHaveLength(8);
    for (const a of r.attacks) {
      expect(a.restrictedAfter, a.kind).not.toBeNull();
      expect(a.accepted, a.kind).toBeLessThanOrEqual(40);
    }
  });
});
