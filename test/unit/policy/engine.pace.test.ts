import { describe, expect, it } from 'vitest';
import { contacts, DAY, engine, HOUR, submit, warmUp } from './events.js';

const A = 'nakamura@example.co.jp';
const PACE = /in a row to people never mailed before/;

describe('faster than a person writes', () => {
  it('holds a blast from the victim\'s own desk and client sooner: at most six through (ten without the pace)', () => {
    const e = engine();
    const start = warmUp(e, A) + DAY + 11 * HOUR;
    const verdicts: string[] = [];
    for (let i = 0; i < 100; i++) verdicts.push(e.process(submit(A, start + i * 50, [`t${i}@target${i}.example`], { bodyHash: `lure${i % 3}`, subject: 'Invoice' })).decision!.verdict);
    expect(verdicts.filter((v) => v === 'accept').length).toBeLessThanOrEqual(6);
    expect(e.stateOf(A)).toBe('restricted');
  });

  it('leaves an Outbox flushed after a flight alone: replies to known people within a second, and a few new leads', () => {
    const e = engine();
    const start = warmUp(e, A) + DAY + 11 * HOUR;
    // Within the per-minute limit (10): four replies and five new leads.
    for (let i = 0; i < 4; i++) {
      const d = e.process(submit(A, start + i * 120, [contacts[i]])).decision!;
      expect(d.verdict).toBe('accept');
      expect(d.reasons.join(' ')).not.toMatch(PACE);
    }
    const leads = [];
    for (let i = 0; i < 5; i++) leads.push(e.process(submit(A, start + 2000 + i * 400, [`lead${i}@prospect${i}.example`])));
    expect(leads.every((o) => o.decision!.verdict === 'accept' && o.changes.length === 0)).toBe(true);
    expect(leads[4].decision!.reasons.join(' ')).toMatch(PACE);
    expect(e.stateOf(A)).toBe('active');
  });
});
