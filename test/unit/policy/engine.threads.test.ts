import { describe, expect, it } from 'vitest';
import { byAdministrator } from '../../../src/policy/engine.js';
import { at, contacts, DAY, engine, HOUR, MIN, submit, warmUp } from './events.js';

const A = 'yamada@example.co.jp';
const TOPICS = ['お見積りの件', 'Meeting next week', '納期について', 'Invoice 2026-11', '打ち合わせ資料', 'Contract draft'];
/** The subject of one of the mailbox's conversations: a topic between two words of its own, as replies to many threads read. */
const thread = (i: number): string => `Re: ${((i + 1) * 2654435761 >>> 0).toString(36)} ${TOPICS[i % TOPICS.length]} ${((i + 7) * 40503 >>> 0).toString(36)}`;

describe('more conversations in an hour than a person answers', () => {
  it('restricts malware answering the threads of the mailbox from the victim\'s own desk', () => {
    const e = engine();
    const start = warmUp(e, A) + DAY + 10 * HOUR;
    const verdicts: string[] = [];
    const reasons: string[] = [];
    for (let i = 0; i < 200 && e.stateOf(A) !== 'restricted'; i++) {
      const d = e.process(submit(A, start + i * 20_000, [contacts[i % contacts.length]], { subject: thread(i) })).decision!;
      verdicts.push(d.verdict);
      reasons.push(...d.reasons);
    }
    expect(e.stateOf(A)).toBe('restricted');
    expect(verdicts.length).toBeLessThanOrEqual(75);
    expect(verdicts.filter((v) => v === 'accept').length).toBeLessThanOrEqual(65);
    expect(reasons).toContainEqual(expect.stringMatching(/^\d+ messages in an hour, each on a subject of its own: more conversations than a person answers in an hour$/));
  });

  it('forgets the malware\'s conversations when an administrator releases the account', () => {
    const e = engine();
    const start = warmUp(e, A) + DAY + 10 * HOUR;
    let t = start;
    for (let i = 0; i < 200 && e.stateOf(A) !== 'restricted'; i++) e.process(submit(A, (t = start + i * 20_000), [contacts[i % contacts.length]], { subject: thread(i) }));
    expect(e.stateOf(A)).toBe('restricted');
    e.release(A, at(t + MIN), byAdministrator('released', 'malware removed'));
    const outs = [];
    for (let i = 0; i < 5; i++) outs.push(e.process(submit(A, t + 2 * MIN + i * MIN, [contacts[i]], { subject: `Re: 本日の件 ${i}` })).decision!);
    expect(outs.flatMap((d) => d.reasons).some((r) => /subject of its own/.test(r))).toBe(false);
    expect(outs.every((d) => d.verdict === 'accept')).toBe(true);
  });

  it('leaves a month-end run of 80 invoices in an hour under one subject alone', () => {
    const e = engine();
    const start = warmUp(e, A) + DAY + 13 * HOUR;
    const outs = [];
    for (let i = 0; i < 80; i++) outs.push(e.process(submit(A, start + i * 45_000, [contacts[i % contacts.length]], { subject: '請求書送付のご案内' })).decision!);
    expect(outs.every((d) => d.verdict === 'accept')).toBe(true);
    expect(outs.flatMap((d) => d.reasons).some((r) => /subject of its own/.test(r))).toBe(false);
    expect(e.stateOf(A)).toBe('active');
  });

  it('leaves runs under one template alone, the name of each customer at either end of the subject', () => {
    for (const subject of [(i: number) => `請求書送付のご案内（12月分）取引先${i}様`, (i: number) => `Re: 取引先${i}様 面談日程のご連絡`]) {
      const e = engine();
      const start = warmUp(e, A) + DAY + 13 * HOUR;
      const outs = [];
      for (let i = 0; i < 80; i++) outs.push(e.process(submit(A, start + i * 45_000, [contacts[i % contacts.length]], { subject: subject(i) })).decision!);
      expect(outs.flatMap((d) => d.reasons).some((r) => /subject of its own/.test(r))).toBe(false);
      expect(outs.every((d) => d.verdict === 'accept')).toBe(true);
    }
  });

  it('leaves an Outbox of 40 replies flushed after a flight alone', () => {
    const e = engine();
    const start = warmUp(e, A) + 3 * DAY + 18 * HOUR;
    const outs = [];
    for (let i = 0; i < 40; i++) outs.push(e.process(submit(A, start + i * 500, [contacts[i % contacts.length]], { subject: `Re: question ${i}` })).decision!);
    for (let i = 0; i < 10; i++) outs.push(e.process(submit(A, start + 20 * MIN + i * 3 * MIN, [contacts[i]], { subject: `Re: later ${i}` })).decision!);
    expect(outs.flatMap((d) => d.reasons).some((r) => /subject of its own/.test(r))).toBe(false);
    expect(e.stateOf(A)).not.toBe('restricted');
  });
});
