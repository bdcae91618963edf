import { describe, expect, it } from 'vitest';
import type { DetectionEngine } from '../../../src/policy/engine.js';
import { contacts, DAY, engine, HOUR, MIN, submit, warmUp } from './events.js';

const A = 'kato@example.co.jp';

/** `n` messages from the office to the account's usual contacts, `gap` apart; one text for all, or a text each. */
function toContacts(e: DetectionEngine, from: number, n: number, gap: number, oneText: boolean) {
  const verdicts: string[] = [];
  let restrictedAfter: number | null = null;
  for (let i = 0; i < n; i++) {
    const out = e.process(submit(A, from + i * gap, [contacts[i % contacts.length]], oneText ? { bodyHash: 'one-text', subject: 'ご案内' } : {}));
    verdicts.push(out.decision!.verdict);
    if (restrictedAfter === null && out.changes.some((c) => c.state === 'restricted')) restrictedAfter = i;
  }
  return { accepted: verdicts.filter((v) => v === 'accept').length, restrictedAfter };
}

describe('one text to the usual contacts at an hour the account never sends at', () => {
  // warmUp: mail between 09:00 and 17:00 UTC on seven days; 22:00 UTC is an hour never used.
  it('is contained within 50 messages, from the usual desk and a message every five minutes', () => {
    const e = engine();
    const night = warmUp(e, A) + DAY + 22 * HOUR;
    const run = toContacts(e, night, 150, 5 * MIN, true);
    expect(run.restrictedAfter).not.toBeNull();
    expect(run.restrictedAfter!).toBeLessThanOrEqual(50);
  });

  it('is left alone in working hours (a template sent to customers), and a text each at night is an answer', () => {
    const day = engine();
    const morning = warmUp(day, A) + DAY + 9 * HOUR;
    expect(toContacts(day, morning, 60, 5 * MIN, true)).toEqual({ accepted: 60, restrictedAfter: null });

    const late = engine();
    const night = warmUp(late, A) + DAY + 22 * HOUR;
    expect(toContacts(late, night, 20, 10 * MIN, false)).toEqual({ accepted: 20, restrictedAfter: null });
  });
});

describe('an account still learning its habits borrows the organisation\'s hours', () => {
  it('contains one text to the contacts at an hour nobody in the organisation sends at, and leaves a text each alone', () => {
    const young = engine();
    for (const colleague of ['mori@example.co.jp', 'endo@example.co.jp']) warmUp(young, colleague, 3);
    const night = warmUp(young, A, 3) + 22 * HOUR;
    const run = toContacts(young, night, 150, 5 * MIN, true);
    expect(run.restrictedAfter).not.toBeNull();
    expect(run.restrictedAfter!).toBeLessThanOrEqual(50);

    const answering = engine();
    for (const colleague of ['mori@example.co.jp', 'endo@example.co.jp']) warmUp(answering, colleague, 3);
    const late = warmUp(answering, A, 3) + 22 * HOUR;
    expect(toContacts(answering, late, 20, 10 * MIN, false)).toEqual({ accepted: 20, restrictedAfter: null });
  });
});
