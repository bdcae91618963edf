import { describe, expect, it } from 'vitest';
import { auth, DAY, engine, HOUR, MIN, submit, T0 } from './events.js';

const NEW = 'newcomer@example.co.jp';
const colleagues = Array.from({ length: 20 }, (_, i) => `staff${i}@example.co.jp`);

/** Twenty colleagues' ordinary mail from the office, one message each an hour of the working day. */
function office(e: ReturnType<typeof engine>, days: number): void {
  for (let d = 0; d < days; d++)
    for (let h = 0; h < 9; h++) for (const [i, c] of colleagues.entries()) e.process(submit(c, d * DAY + h * HOUR + i * MIN, [`p${i}@partner${i % 5}.example`]));
}

/** One text to 30 colleagues, one message each, about 50 seconds apart, from the office. */
function introduce(e: ReturnType<typeof engine>, account: string, start: number) {
  return Array.from({ length: 30 }, (_, k) => e.process(submit(account, start + k * 50_000, [`staff${k % 20}@example.co.jp`, ...(k >= 20 ? [`desk${k}@example.co.jp`] : [])], { bodyHash: 'hello', subject: 'はじめまして' })));
}

describe('a new member of staff at the office', () => {
  it('introduces themselves to thirty colleagues one by one without being held or watched', () => {
    const e = engine();
    office(e, 6);
    e.process(auth(NEW, 6 * DAY + 30 * MIN));
    const outs = introduce(e, NEW, 6 * DAY + HOUR);
    expect(outs.map((o) => o.decision!.verdict)).toEqual(Array(30).fill('accept'));
    expect(outs.flatMap((o) => o.changes)).toEqual([]);
    // Nothing about the office is new for a newcomer: no origin reasons at all.
    expect(outs.flatMap((o) => o.decision!.reasons).filter((r) => /IP|network|country/.test(r))).toEqual([]);
  });

  it('leaves a mailbox known for weeks that never sent judged by where it sends from', () => {
    const e = engine();
    const dormant = 'shared@example.co.jp';
    e.process(auth(dormant, 10 * MIN));
    office(e, 10);
    const outs = introduce(e, dormant, 10 * DAY + HOUR);
    expect(outs[0].decision!.reasons).toContain('first use of IP 198.51.100.10 (JP, AS64500)');
    expect(outs.at(-1)!.decision!.score).toBeGreaterThan(introduce(newcomerEngine(), NEW, 10 * DAY + HOUR).at(-1)!.decision!.score);
  });
});

describe('a mailbox the gateway has had for long, after a restart', () => {
  it('is judged by where it sends from, as if the engine had known it all along', () => {
    // The restarted engine's window holds none of its events; the store says when it was created.
    const dormant = 'shared@example.co.jp';
    const e = engine();
    e.knownSince(dormant, T0 - 90 * DAY);
    e.knownSince(NEW, T0 + 10 * DAY - 2 * HOUR);
    office(e, 10);
    const old = introduce(e, dormant, 10 * DAY + HOUR);
    expect(old[0].decision!.reasons).toContain('first use of IP 198.51.100.10 (JP, AS64500)');
    // An account created just now is still a new member of staff.
    const fresh = introduce(e, NEW, 10 * DAY + 2 * HOUR);
    expect(fresh.flatMap((o) => o.decision!.reasons).filter((r) => /IP|network|country/.test(r))).toEqual([]);
    // An account the engine has already seen keeps the earlier of the two times.
    const seen = engine();
    seen.process(auth(dormant, 0));
    seen.knownSince(dormant, 5 * DAY + T0);
    office(seen, 10);
    expect(introduce(seen, dormant, 10 * DAY + HOUR)[0].decision!.reasons).toContain('first use of IP 198.51.100.10 (JP, AS64500)');
    // ...and so does one whose history, fed after the hint, goes back further than its creation.
    const fed = engine();
    fed.knownSince(dormant, T0 + 10 * DAY);
    fed.process(auth(dormant, 0));
    office(fed, 10);
    expect(introduce(fed, dormant, 10 * DAY + HOUR)[0].decision!.reasons).toContain('first use of IP 198.51.100.10 (JP, AS64500)');
  });
});

function newcomerEngine(): ReturnType<typeof engine> {
  const e = engine();
  office(e, 10);
  e.process(auth(NEW, 10 * DAY + 30 * MIN));
  return e;
}
