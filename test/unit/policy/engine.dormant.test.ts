import { describe, expect, it } from 'vitest';
import { auth, contacts, DAY, engine, HOUR, submit, warmUp } from './events.js';

const STAFF = ['ito@example.co.jp', 'ono@example.co.jp', 'abe@example.co.jp'];
const DORMANT = 'leaver@example.co.jp';

/** An office whose staff send from Japan (the organisation's home country), and a mailbox that never sends. */
function office() {
  const e = engine();
  let end = 0;
  for (const s of STAFF) end = warmUp(e, s);
  e.process(auth(DORMANT, 2 * DAY + 9 * HOUR));
  return { e, start: end + DAY + 10 * HOUR };
}

describe('a mailbox without a footing of its own', () => {
  it('taken over from a country nobody in the organisation uses: on probation at once, at most five sent', () => {
    const { e, start } = office();
    const abroad = { ip: '203.0.113.5', asn: 45899, country: 'VN' };
    e.process(auth(DORMANT, start - 1000, abroad));
    const verdicts: string[] = [];
    for (let i = 0; i < 300; i++) verdicts.push(e.process(submit(DORMANT, start + i * 50, [`x${i}@spam${i % 50}.example`], { ...abroad, bodyHash: 'lure', subject: 'Invoice', client: 'PHPMailer 6.0' })).decision!.verdict);
    expect(verdicts.filter((v) => v === 'accept').length).toBeLessThanOrEqual(5);
    expect(e.stateOf(DORMANT)).toBe('restricted');
    expect(e.inspect(DORMANT, new Date(Date.parse('2026-01-05T00:00:00Z') + start).toISOString()).probation).toMatch(/^login from country VN new to the organisation \(IP 203\.0\.113\.5\)$/);
  });

  it('used for the first time from home in Japan by a new member of staff: no probation, nothing held', () => {
    const { e, start } = office();
    const home = { ip: '192.0.2.44', asn: 17676, country: 'JP' };
    e.process(auth(DORMANT, start - 1000, home));
    for (let i = 0; i < 12; i++) expect(e.process(submit(DORMANT, start + i * 15 * 60_000, [contacts[i]], home)).decision!.verdict).toBe('accept');
    expect(e.inspect(DORMANT, new Date(Date.parse('2026-01-05T00:00:00Z') + start + 3 * HOUR).toISOString())).toEqual({ state: 'active', risk: 0, probation: null });
  });
});
