import { describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../../src/policy/engine.js';
import { senderReason, senderRefusal } from '../../../src/policy/identity.js';
import { config, contacts, DAY, HOUR, MIN, submit, warmUp } from './events.js';

const A = 'suzuki@example.co.jp';

/** The engine as replay runs it: senders checked against the configuration's aliases. */
const checking = (overrides: Record<string, unknown> = {}) => new DetectionEngine(config(overrides), { checkSenders: true });

describe('sender identity (replay)', () => {
  it('refuses mail from the usual desk that claims to come from the CEO, and restricts the account after nine tries', () => {
    const e = checking();
    const start = warmUp(e, A) + DAY + 10 * HOUR;
    const verdicts: string[] = [];
    let restrictedAfter = 0;
    for (let i = 0; i < 30; i++) {
      const out = e.process(submit(A, start + i * 2 * MIN, [contacts[i % 12]], { headerFrom: 'ceo@example.co.jp', bodyHash: 'wire-transfer', subject: '至急' }));
      verdicts.push(out.decision!.verdict);
      if (i === 0) {
        expect(out.decision!.reasons).toEqual([senderReason('ceo@example.co.jp', 'From header')]);
        expect(out.decision!.score).toBe(30);
      }
      if (restrictedAfter === 0 && out.changes.some((c) => c.state === 'restricted')) restrictedAfter = i + 1;
    }
    expect(verdicts.every((v) => v === 'reject')).toBe(true);
    expect(restrictedAfter).toBe(9);
    // Once restricted, its own address is refused too.
    const own = e.process(submit(A, start + HOUR, [contacts[0]])).decision!;
    expect(own.verdict).toBe('reject');
    expect(own.reasons[0]).toBe('account restricted');
  });

  it('refuses a foreign envelope sender, and learns nothing from refused mail', () => {
    const e = checking();
    const start = warmUp(e, A) + DAY + 10 * HOUR;
    const out = e.process(submit(A, start, ['new@prospect.example'], { mailFrom: 'billing@paypa1.example', headerFrom: 'billing@paypa1.example' }));
    expect(out.decision!.verdict).toBe('reject');
    expect(out.decision!.reasons).toEqual([senderReason('billing@paypa1.example', 'MAIL FROM')]);
    // A single refusal (a misconfigured client) changes no state.
    expect(out.changes).toEqual([]);
    expect(e.inspect(A, new Date(Date.parse('2026-01-05T00:00:00Z') + start).toISOString()).risk).toBe(30);
  });

  it('accepts the account in any case, a display name, and the aliases the configuration gives', () => {
    const e = checking({ accounts: { [A]: { aliases: ['Sales@Example.co.jp'] } } });
    const start = warmUp(e, A) + DAY + 10 * HOUR;
    const forms = ['Suzuki@Example.CO.JP', '鈴木 一郎 <suzuki@example.co.jp>', 'sales@example.co.jp', '"Sales" <SALES@example.co.jp>'];
    for (const [i, from] of forms.entries()) {
      const d = e.process(submit(A, start + i * 10 * MIN, [contacts[i]], { headerFrom: from, mailFrom: i === 2 ? 'sales@example.co.jp' : A })).decision!;
      expect(d.verdict, from).toBe('accept');
    }
  });

  it('leaves accounts that are not addresses, and the null sender, to the rest of the policy', () => {
    expect(senderRefusal(submit('tanaka', 0, ['x@example.net'], { mailFrom: 'tanaka@example.co.jp', headerFrom: 'tanaka@example.co.jp' }), [])).toBeNull();
    expect(senderRefusal(submit(A, 0, ['x@example.net'], { mailFrom: '' }), [])).toBeNull();
    expect(senderRefusal(submit(A, 0, ['x@example.net'], { headerFrom: 'ceo@example.co.jp' }), ['ceo@example.co.jp'])).toBeNull();
  });

  it('is left to the SMTP session in the gateway: an engine that does not check senders judges the mail as sent', () => {
    const e = new DetectionEngine(config());
    const start = warmUp(e, A) + DAY + 10 * HOUR;
    // In the gateway only the user store's aliases reach the engine; this one stands for such an alias.
    expect(e.process(submit(A, start, [contacts[0]], { headerFrom: 'sales@example.co.jp' })).decision!.verdict).toBe('accept');
    // What the session reports adds the same risk as a refusal in replay.
    const changes = Array.from({ length: 10 }, (_, i) => e.senderRefused(A, new Date(Date.parse('2026-01-05T00:00:00Z') + start + i * MIN).toISOString(), senderReason('ceo@example.co.jp', 'From header'))).flat();
    expect(changes.map((c) => c.state)).toEqual(['watch', 'restricted']);
  });

  it('adds the tries up over a day too, but a client misconfigured now and then changes nothing', () => {
    const e = checking();
    const start = warmUp(e, A) + DAY + 8 * HOUR;
    const spoof = (ms: number) => e.process(submit(A, ms, [contacts[0]], { headerFrom: 'ceo@example.co.jp' }));
    const states: string[] = [];
    for (let i = 0; i < 10; i++) states.push(...spoof(start + i * HOUR).changes.map((c) => c.state));
    expect(states).toEqual(['restricted']);

    const honest = checking();
    const from = warmUp(honest, A) + DAY + 8 * HOUR;
    for (let d = 0; d < 5; d++)
      for (let i = 0; i < 2; i++) expect(honest.process(submit(A, from + d * DAY + i * 5 * MIN, [contacts[i]], { headerFrom: 'suzuki@example.com' })).changes).toEqual([]);
    expect(honest.stateOf(A)).toBe('active');
  });
});
