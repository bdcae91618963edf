import { describe, expect, it } from 'vitest';
import { auth, DAY, engine, HOUR, MIN, submit, warmUp } from './events.js';

const STAFF = Array.from({ length: 12 }, (_, i) => `staff${i}@example.co.jp`);

function office() {
  const e = engine();
  let end = 0;
  for (const s of STAFF) end = warmUp(e, s);
  return { e, start: end + DAY + 10 * HOUR };
}

describe('one body from many accounts of the organisation', () => {
  it('contains twelve stolen passwords used at once, each from an address of its own, one lure to new people', () => {
    const { e, start } = office();
    const accepted: number[] = [];
    for (const [j, s] of STAFF.entries()) {
      // Without GeoIP fields: nothing tells these addresses apart from a home connection but their novelty.
      const ip = `192.0.2.${100 + j}`;
      e.process(auth(s, start + j * MIN - 1000, { ip, asn: undefined, country: undefined }));
      let n = 0;
      for (let i = 0; i < 10; i++) {
        const d = e.process(submit(s, start + j * MIN + i * 3 * MIN, [`w${j}x${i}@lead${j * 10 + i}.example`], { ip, asn: undefined, country: undefined, bodyHash: 'the-lure', subject: 'Payment pending', client: undefined })).decision!;
        if (d.verdict === 'accept') n++;
      }
      accepted.push(n);
    }
    // Each alone is held to its probation budget (5 new people an hour); once the lure has come from
    // three accounts, each further one gets fewer through (60 in all without the signal).
    expect(accepted.slice(6).every((n) => n <= 2)).toBe(true);
    expect(accepted.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(40);
  });

  it('leaves one template sent by colleagues to their usual customers alone, and one person\'s text to new people', () => {
    const { e, start } = office();
    for (const [j, s] of STAFF.slice(0, 6).entries())
      for (let i = 0; i < 5; i++) {
        const d = e.process(submit(s, start + j * 10 * MIN + i * MIN, [`contact${(i + j) % 12}@customer${(i + j) % 4}.example`], { bodyHash: 'monthly-invoice-template' })).decision!;
        expect(d.reasons.join(' ')).not.toMatch(/accounts of the organisation/);
      }
    const d = e.process(submit(STAFF[7], start + 2 * HOUR, ['someone@new.example'], { bodyHash: 'monthly-invoice-template' })).decision!;
    expect(d.verdict).toBe('accept');
  });
});
