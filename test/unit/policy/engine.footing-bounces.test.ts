import { describe, expect, it } from 'vitest';
import type { DetectionEngine } from '../../../src/policy/engine.js';
import { auth, bounce, contacts, DAY, engine, HOUR, MIN, submit, warmUp } from './events.js';

const A = 'yamada@example.co.jp';
const ABROAD = { ip: '198.18.4.9', asn: 64901, country: 'US' };

/** A day of five messages from abroad, each to someone new; `bounced` of them come back 5.1.1. */
function dayAbroad(e: DetectionEngine, start: number, bounced: number): void {
  e.process(auth(A, start - MIN, ABROAD));
  for (let i = 0; i < 5; i++) {
    const rcpt = `p${i}@lead${i}.example`;
    const out = e.process(submit(A, start + i * 40 * MIN, [rcpt], ABROAD));
    expect(out.decision!.verdict).toBe('accept');
    if (i < bounced) e.process(bounce(A, start + i * 40 * MIN + 3 * MIN, out.decision!.messageId, rcpt));
  }
}

/** A day at the office, as `warmUp` writes each of its days. */
function warmUpDay(e: DetectionEngine, d: number): void {
  e.process(auth(A, d * DAY + 9 * HOUR - MIN));
  for (let h = 9; h < 17; h++) {
    e.process(submit(A, d * DAY + h * HOUR + 5 * MIN, [contacts[(d + h) % 12]]));
    e.process(submit(A, d * DAY + h * HOUR + 35 * MIN, [contacts[(d + h + 5) % 12], `colleague${h}@example.co.jp`]));
  }
}

/** The reasons of a message to a known contact from the same place, a day later. */
function nextDay(e: DetectionEngine, start: number): string {
  return e.process(submit(A, start + DAY, [contacts[1]], ABROAD)).decision!.reasons.join(' | ');
}

describe('a place whose mail bounces does not become the account\'s own', () => {
  it('keeps a network and country whose first day\'s mail bounced unfamiliar the next day', () => {
    const e = engine();
    const start = warmUp(e, A) + DAY + 10 * HOUR;
    dayAbroad(e, start, 2);
    const reasons = nextDay(e, start);
    expect(reasons).toMatch(/network AS64901 not yet usual for this account/);
    expect(reasons).toMatch(/country US not yet usual for this account/);
  });

  it('makes the place familiar after a day when nothing bounced, or one typo did', () => {
    for (const bounced of [0, 1]) {
      const e = engine();
      const start = warmUp(e, A) + DAY + 10 * HOUR;
      dayAbroad(e, start, bounced);
      expect(nextDay(e, start)).not.toMatch(/not yet usual/);
    }
  });

  it('leaves a place of long standing alone when mail sent from it bounces', () => {
    const e = engine();
    const HOME = { ip: '192.0.2.20', asn: 64777, country: 'JP' };
    // Nine days at the office; home becomes the account's own on the first two evenings.
    for (let d = 0; d < 9; d++) {
      warmUpDay(e, d);
      if (d > 1) continue;
      e.process(auth(A, d * DAY + 19 * HOUR - MIN, HOME));
      for (let i = 0; i < 2; i++) e.process(submit(A, d * DAY + 19 * HOUR + i * 10 * MIN, [contacts[i]], HOME));
    }
    const later = 9 * DAY + 19 * HOUR;
    e.process(auth(A, later - MIN, HOME));
    expect(e.process(submit(A, later, [contacts[4]], HOME)).decision!.reasons.join(' | ')).not.toMatch(/not yet usual/);
    for (let i = 0; i < 2; i++) {
      const out = e.process(submit(A, later + (i + 1) * 10 * MIN, [`gone${i}@customer${i}.example`], HOME));
      e.process(bounce(A, later + (i + 1) * 10 * MIN + MIN, out.decision!.messageId, `gone${i}@customer${i}.example`));
    }
    const reasons = e.process(submit(A, later + HOUR, [contacts[2]], HOME)).decision!.reasons.join(' | ');
    expect(reasons).not.toMatch(/not yet usual/);
  });

  it('unsettles a place that became usual within the week once its mail keeps bouncing', () => {
    const e = engine();
    const start = warmUp(e, A) + DAY + 10 * HOUR;
    dayAbroad(e, start, 0);
    expect(nextDay(e, start)).not.toMatch(/not yet usual/);
    // Its second day: five more to new people, three of them bounce.
    dayAbroad(e, start + DAY + HOUR, 3);
    expect(nextDay(e, start + DAY + HOUR)).toMatch(/network AS64901 not yet usual for this account/);
  });
  it('blames a bounce on the place its message was sent from, not on a young place used beside it', () => {
    const e = engine();
    const PHONE = { ip: '192.0.2.77', asn: 64888, country: 'JP' };
    const start = warmUp(e, A) + DAY;
    // A new phone in the evening, two messages to known people.
    e.process(auth(A, start + 19 * HOUR - MIN, PHONE));
    for (let i = 0; i < 2; i++) e.process(submit(A, start + 19 * HOUR + i * 10 * MIN, [contacts[i]], PHONE));
    // The next morning three messages from the office bounce.
    for (let i = 0; i < 3; i++) {
      const out = e.process(submit(A, start + DAY + 10 * HOUR + i * 10 * MIN, [`gone${i}@customer${i}.example`]));
      e.process(bounce(A, start + DAY + 10 * HOUR + i * 10 * MIN + MIN, out.decision!.messageId, `gone${i}@customer${i}.example`));
    }
    e.process(auth(A, start + DAY + 19 * HOUR + 30 * MIN - MIN, PHONE));
    const reasons = e.process(submit(A, start + DAY + 19 * HOUR + 30 * MIN, [contacts[3]], PHONE)).decision!.reasons.join(' | ');
    expect(reasons).not.toMatch(/not yet usual/);
  });
});
