import { describe, expect, it } from 'vitest';
import type { StateChange, SubmitDecision } from '../../../src/events/replay.js';
import type { DetectionEngine } from '../../../src/policy/engine.js';
import { auth, DAY, engine, HOUR, MIN, submit, T0, warmUp } from './events.js';

const A = 'sato@example.co.jp';

/** A person's campaign from the office: personal mails to `n` leads never mailed before, `gap` apart. */
function salesPush(e: DetectionEngine, from: number, n = 60, gap = 2 * MIN, list = 'lead') {
  const decisions: SubmitDecision[] = [];
  const changes: StateChange[] = [];
  for (let i = 0; i < n; i++) {
    const out = e.process(submit(A, from + i * gap, [`${list}${i}@prospect${i}.example`]));
    decisions.push(out.decision!);
    changes.push(...out.changes);
  }
  return { decisions, changes, end: from + n * gap };
}

describe('campaign allowance', () => {
  it('lets a person mail a list of new people that the engine would otherwise restrict', () => {
    const plain = engine();
    const start = warmUp(plain, A) + DAY + 10 * HOUR;
    const refused = salesPush(plain, start);
    expect(refused.changes.map((c) => c.state)).toContain('restricted');

    const e = engine();
    warmUp(e, A);
    e.allowCampaign(A, T0 + start + 4 * HOUR);
    const allowed = salesPush(e, start);
    expect(allowed.changes).toEqual([]);
    expect(allowed.decisions.every((d) => d.verdict === 'accept')).toBe(true);
  });

  it('still stops a stolen password used from elsewhere during the campaign', () => {
    const e = engine();
    const start = warmUp(e, A) + DAY + 10 * HOUR;
    e.allowCampaign(A, T0 + start + 4 * HOUR);
    const foreign = { ip: '203.0.113.5', asn: 64999, country: 'BR' };
    e.process(auth(A, start - 2000, foreign));
    const verdicts: string[] = [];
    for (let i = 0; i < 200; i++) verdicts.push(e.process(submit(A, start + i * 50, [`v${i}@spam${i}.example`], { ...foreign, bodyHash: 'spam', subject: 'Win', client: undefined })).decision!.verdict);
    expect(e.stateOf(A)).toBe('restricted');
    expect(verdicts.filter((v) => v === 'accept').length).toBeLessThanOrEqual(20);
  });

  it('keeps the account within its limits', () => {
    const e = engine();
    const start = warmUp(e, A) + DAY + 10 * HOUR;
    e.allowCampaign(A, T0 + start + 4 * HOUR);
    const fast = salesPush(e, start, 30, 1000);
    expect(fast.decisions.filter((d) => d.verdict === 'defer').length).toBeGreaterThan(0);
    expect(fast.decisions.find((d) => d.verdict === 'defer')!.reasons[0]).toMatch(/^over limit: \d+ messages in a minute/);
  });

  it('ends at its time, or when ended early, and teaches the profile nothing', () => {
    const e = engine();
    const start = warmUp(e, A) + DAY + 10 * HOUR;
    e.allowCampaign(A, T0 + start + 4 * HOUR);
    salesPush(e, start);
    // The next day, a push to another list without an allowance: judged as if the campaign had never been.
    const after = salesPush(e, start + DAY, 60, 2 * MIN, 'other');
    expect(after.changes.map((c) => c.state)).toContain('restricted');

    const early = engine();
    const t = warmUp(early, A) + DAY + 10 * HOUR;
    early.allowCampaign(A, T0 + t + 4 * HOUR);
    early.allowCampaign(A, T0 + t);
    expect(salesPush(early, t).changes.map((c) => c.state)).toContain('restricted');
  });
});
