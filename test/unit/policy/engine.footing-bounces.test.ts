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

  it('leaves an established place alone when mail sent from it bounces', () => {
    const e = engine();
    const HOME = { ip: '192.0.2.20', asn: 64777, country: 'JP' };
    const start = warmUp(e, A) + DAY + 19 * HOUR;
    // Home becomes the account's own: mail to known people on two evenings, 20 hours and more apart.
    e.process(auth(A, start - MIN, HOME));
    for (let i = 0; i < 3; i++) e.process(submit(A, start + i * 10 * MIN, [contacts[i]], HOME));
    const later = start + DAY;
    expect(e.process(submit(A, later, [contacts[3]], HOME)).decision!.reasons.join(' | ')).not.toMatch(/not yet usual/);
    for (let i = 0; i < 2; i++) {
      const out = e.process(submit(A, later + (i + 1) * 10 * MIN, [`gone${i}@customer${i}.example`], HOME));
      e.process(bounce(A, later + (i + 1) * 10 * MIN + MIN, out.decision!.messageId, `gone${i}@customer${i}.example`));
    }
    const reasons = e.process(submit(A, later + HOUR, [contacts[2]], HOME)).decision!.reasons.join(' | ');
    expect(reasons).not.toMatch(/not yet usual/);
  });
});
