import { describe, expect, it } from 'vitest';
import { auth, contacts, DAY, engine, HOUR, MIN, submit, warmUp } from './events.js';

const A = 'yamada@example.co.jp';
const ABROAD = { ip: '198.18.4.9', asn: 64901, country: 'US' };

describe('only strangers, from a place that is not the account\'s own', () => {
  it('contains a stolen password used from abroad at six messages an hour, after five ordinary ones to end its probation', () => {
    const e = engine();
    const start = warmUp(e, A) + DAY + 10 * HOUR;
    e.process(auth(A, start - MIN, ABROAD));
    // Five messages to the victim's contacts end the probation, as a traveller's would.
    for (let i = 0; i < 5; i++) expect(e.process(submit(A, start + i * 10 * MIN, [contacts[i]], ABROAD)).decision!.verdict).toBe('accept');
    const verdicts: string[] = [];
    for (let i = 0; i < 48; i++) verdicts.push(e.process(submit(A, start + HOUR + i * 10 * MIN, [`z${i}@lead${i}.example`], ABROAD)).decision!.verdict);
    expect(e.stateOf(A)).toBe('restricted');
    expect(verdicts.filter((v) => v === 'accept').length).toBeLessThanOrEqual(30);
    const reasons = e.process(submit(A, start + 10 * HOUR, ['late@lead.example'], ABROAD)).decision!.reasons.join(' | ');
    expect(reasons).toMatch(/messages within a day only to people never mailed before, from places not yet usual for this account/);
  });

  it('leaves a traveller alone who writes to new people and to the usual ones from the hotel', () => {
    const e = engine();
    const start = warmUp(e, A) + DAY + 10 * HOUR;
    e.process(auth(A, start - MIN, ABROAD));
    const outs = [];
    for (let i = 0; i < 48; i++) outs.push(e.process(submit(A, start + i * 10 * MIN, [i % 3 === 0 ? contacts[i % contacts.length] : `fair${i}@visitor${i}.example`], ABROAD)));
    expect(outs.flatMap((o) => o.decision!.reasons).some((r) => /only to people never mailed before/.test(r))).toBe(false);
    expect(e.stateOf(A)).not.toBe('restricted');
  });

  it('does not count mail from the account\'s own office', () => {
    const e = engine();
    const start = warmUp(e, A) + DAY + 10 * HOUR;
    const outs = [];
    for (let i = 0; i < 30; i++) outs.push(e.process(submit(A, start + i * 10 * MIN, [`lead${i}@prospect${i}.example`])));
    expect(outs.flatMap((o) => o.decision!.reasons).some((r) => /only to people never mailed before/.test(r))).toBe(false);
  });
});
