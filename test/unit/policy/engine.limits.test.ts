import { describe, expect, it } from 'vitest';
import { overLimitReply, replyFor, replyLines, restrictedReply } from '../../../src/policy/engine.js';
import { contacts, engine, HOUR, MIN, submit, warmUp } from './events.js';

describe('detection limits', () => {
  it('defers the message that would cross the per-minute limit, with the reason', () => {
    const e = engine({ limits: { messagesPerMinute: 3 } });
    const verdicts = [0, 1, 2, 3].map((i) => e.process(submit('a@example.co.jp', i * 1000, ['x@example.co.jp'])).decision!);
    expect(verdicts.map((d) => d.verdict)).toEqual(['accept', 'accept', 'accept', 'defer']);
    expect(verdicts[3].reasons[0]).toBe('over limit: 4 messages in a minute (limit 3)');
  });

  it('frees the budget again once the window has passed', () => {
    const e = engine({ limits: { messagesPerMinute: 1 } });
    expect(e.process(submit('a@example.co.jp', 0, ['x@example.co.jp'])).decision!.verdict).toBe('accept');
    expect(e.process(submit('a@example.co.jp', 10_000, ['x@example.co.jp'])).decision!.verdict).toBe('defer');
    expect(e.process(submit('a@example.co.jp', 2 * MIN, ['x@example.co.jp'])).decision!.verdict).toBe('accept');
  });

  it('defers a message with more recipients than allowed in one message', () => {
    const e = engine({ limits: { recipientsPerMessage: 2 } });
    const d = e.process(submit('a@example.co.jp', 0, ['x@example.co.jp', 'y@example.co.jp', 'z@example.co.jp'])).decision!;
    expect(d.verdict).toBe('defer');
    expect(d.reasons[0]).toContain('3 recipients in one message (limit 2)');
  });

  it('applies group limits over the defaults and account limits over the group', () => {
    const e = engine({
      groups: { sales: { members: ['s@example.co.jp', 't@example.co.jp'], limits: { messagesPerMinute: 2 } } },
      accounts: { 't@example.co.jp': { limits: { messagesPerMinute: 4 } } },
    });
    const run = (who: string) => [0, 1, 2, 3, 4].map((i) => e.process(submit(who, i * 1000, ['x@example.co.jp'])).decision!.verdict);
    expect(run('s@example.co.jp').filter((v) => v === 'accept')).toHaveLength(2);
    expect(run('t@example.co.jp').filter((v) => v === 'accept')).toHaveLength(4);
    expect(run('u@example.co.jp').filter((v) => v === 'accept')).toHaveLength(5);
  });

  it('gives declared bulk senders their allowance and damps their content signals', () => {
    const e = engine({ bulkSenders: ['news@example.co.jp'] });
    const ordinary = engine();
    let bulkDeferred = 0;
    let ordinaryNotAccepted = 0;
    for (let i = 0; i < 60; i++) {
      const rcpt = [`reader${i}@list${i}.example`];
      const body = { subject: 'News', bodyHash: 'same' };
      if (e.process(submit('news@example.co.jp', i * 500, rcpt, body)).decision!.verdict !== 'accept') bulkDeferred++;
      if (ordinary.process(submit('news@example.co.jp', i * 500, rcpt, body)).decision!.verdict !== 'accept') ordinaryNotAccepted++;
    }
    expect(bulkDeferred).toBe(0);
    expect(ordinaryNotAccepted).toBeGreaterThan(40);
  });

  it('restricts an account that keeps submitting through a limit, and not one that retries now and then', () => {
    const A = 'a@example.co.jp';
    // A message every 5 seconds to the usual contacts, each with a text of its own: over the hourly limit after 150.
    const hammer = engine();
    let t = warmUp(hammer, A) + 10 * HOUR;
    let accepted = 0;
    let sent = 0;
    for (; sent < 600 && hammer.stateOf(A) !== 'restricted'; sent++)
      if (hammer.process(submit(A, (t += 5000), [contacts[sent % 12]], { bodyHash: `b${sent}`, subject: `Re: ${sent}` })).decision!.verdict === 'accept') accepted++;
    expect(accepted).toBeLessThanOrEqual(150);
    // About ten minutes of refusals (the limits alone let 600 a day through, day after day).
    expect(sent).toBeLessThan(320);
    // Under a limit of 5 an hour, six messages at the top of every working hour for three days:
    // the sixth is deferred and the client tries it again every 5 minutes until it goes.
    const B = 'b@example.co.jp';
    const retry = engine({ limits: { messagesPerHour: 5 } });
    const start = warmUp(retry, B);
    let deferred = 0;
    for (let d = 0; d < 3; d++)
      for (let h = 9; h < 17; h++) {
        const top = start + d * 24 * HOUR + h * HOUR;
        for (let i = 0; i < 5; i++) retry.process(submit(B, top + i * 10_000, [contacts[(h + i) % 12]]));
        for (let k = 0; k < 12; k++) {
          if (retry.process(submit(B, top + 60_000 + k * 5 * MIN, [contacts[h % 12]])).decision!.verdict !== 'defer') break;
          deferred++;
        }
      }
    expect(deferred).toBeGreaterThan(200);
    expect(retry.stateOf(B)).toBe('active');
  });

  it('does not limit an honest day of mail to known contacts', () => {
    const e = engine();
    const end = warmUp(e, 'a@example.co.jp', 3);
    const d = e.process(submit('a@example.co.jp', end + 9 * 3_600_000, [contacts[1]])).decision!;
    expect(d.verdict).toBe('accept');
    expect(d.score).toBeLessThan(20);
  });
});

describe('SMTP replies', () => {
  it('answers over-limit with 451 4.7.1 and restriction with 550 5.7.1, in English and Japanese', () => {
    expect(replyFor('defer')).toBe(overLimitReply);
    expect(replyFor('reject')).toBe(restrictedReply);
    expect(replyFor('accept')).toBeNull();
    const lines = replyLines(overLimitReply);
    expect(lines[0]).toMatch(/^451-4\.7\.1 .*IT administrator/);
    expect(lines[1]).toMatch(/^451 4\.7\.1 .*IT 管理者/);
    expect(replyLines(restrictedReply)[1]).toMatch(/^550 5\.7\.1 .*IT 管理者/);
  });
});
