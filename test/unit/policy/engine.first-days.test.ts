import { describe, expect, it } from 'vitest';
import { DAY, engine, HOUR, MIN, submit } from './events.js';

const A = 'kobayashi@example.co.jp';
const colleagues = Array.from({ length: 20 }, (_, i) => `staff${i}@example.co.jp`);

/** Twenty colleagues' ordinary mail, one message each an hour of the working day, on days `from` to `to - 1`. */
function office(e: ReturnType<typeof engine>, from: number, to: number): void {
  for (let d = from; d < to; d++)
    for (let h = 0; h < 9; h++) for (const [i, c] of colleagues.entries()) e.process(submit(c, d * DAY + h * HOUR + i * MIN, [`p${i}@partner${i % 5}.example`]));
}

/**
 * 25 replies in 20 minutes to the weekend's threads: eleven correspondents outside and three
 * colleagues, some written to twice, none of them seen by the engine before.
 */
function catchUp(e: ReturnType<typeof engine>, start: number, tag: string) {
  const people = [...Array.from({ length: 11 }, (_, i) => `${tag}${i}@client${i % 6}.example`), ...colleagues.slice(0, 3)];
  return Array.from({ length: 25 }, (_, k) => e.process(submit(A, start + k * 48_000, [people[(k * 5) % people.length]])));
}

describe("the organisation's first days", () => {
  it('leaves the first morning\'s catch-up alone: the engine has not seen anyone\'s correspondents yet', () => {
    const e = engine();
    const outs = catchUp(e, 90 * MIN, 'reply');
    expect(outs.map((o) => o.decision!.verdict)).toEqual(Array(25).fill('accept'));
    expect(outs.flatMap((o) => o.changes)).toEqual([]);
    expect(outs[10].decision!.reasons.join(' ')).toMatch(/usual: up to 10 new an hour/);
  });

  it('judges the same burst against the bare floors once the organisation has two days of learnt hours', () => {
    const e = engine();
    office(e, 0, 4);
    const outs = catchUp(e, 4 * DAY + 90 * MIN, 'reply');
    // A new account writing to fourteen people it never wrote to, in an organisation the engine knows.
    expect(outs[10].decision!.reasons.join(' ')).toMatch(/usual: up to 5 new an hour/);
    expect(outs[24].decision!.reasons.join(' ')).toMatch(/messages in an hour; this account's usual maximum is 8 messages an hour/);
  });

  it('still holds a blast on the first morning within ten messages', () => {
    const e = engine();
    const verdicts = Array.from({ length: 100 }, (_, i) => e.process(submit(A, 10 * MIN + i * 50, [`t${i}@spam${i}.example`], { ip: '203.0.113.5', bodyHash: 'lure', subject: 'Invoice' })).decision!.verdict);
    expect(verdicts.indexOf('hold')).toBeGreaterThan(0);
    expect(verdicts.filter((v) => v === 'accept').length).toBeLessThanOrEqual(6);
    expect(e.stateOf(A)).toBe('restricted');
  });
});
