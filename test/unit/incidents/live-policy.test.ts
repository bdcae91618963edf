import { describe, expect, it } from 'vitest';
import { DecisionFollower } from '../../../src/incidents/follower.js';
import { LivePolicy } from '../../../src/incidents/live-policy.js';
import { createLogger } from '../../../src/observability/logger.js';
import type { EventQuery, Store, StoredEvent } from '../../../src/storage/ports/index.js';
import { config, HOUR, submit, T0, warmUp } from '../policy/events.js';

const A = 'tanaka@example.co.jp';
const STRANGER = 'stranger@far.example';

/** A store that holds only an event record (what warming reads) and no accounts. */
function recordOf(rows: StoredEvent[]): Store {
  const query = async (q: EventQuery) => rows.filter((r) => r.id > (q.afterId ?? 0) && (!q.codes || q.codes.includes(r.code))).slice(0, q.limit ?? Infinity);
  return { events: { query }, accounts: { list: async () => [] } } as unknown as Store;
}

/** A live engine warmed with the account's history, then one message to a stranger as the record holds it; and that message's time. */
async function warmedWith(kind: 'cluster-refused' | 'engine-refused' | 'held' | 'submit'): Promise<{ policy: LivePolicy; t: number }> {
  const policy = new LivePolicy(config(), async () => undefined, createLogger('silent'));
  const t = warmUp(policy.engine, A) + 10 * HOUR;
  const event = submit(A, t, [STRANGER]);
  const data =
    kind === 'submit'
      ? { ...event, verdict: 'accept', score: 0, reasons: [] }
      : kind === 'held'
        ? { ...event, verdict: 'hold', score: 80, reasons: ['score 80 reached the hold threshold 70'] }
      : kind === 'engine-refused'
        ? { ...event, verdict: 'defer', score: 0, reasons: ['over limit: 11 messages in a minute (limit 10)'] }
        : { ...event, type: 'cluster-refused', verdict: 'defer', score: 3, reasons: ['cluster over limit: 11 messages in a minute across all nodes (limit 10)'] };
  const code = kind === 'submit' ? 'queue:accepted' : kind === 'held' ? 'queue:held' : 'policy:refused';
  const rows: StoredEvent[] = [{ id: 1, ts: new Date().toISOString(), code, account: A, data }];
  // Recent enough for the warming window whatever the simulated time of the event.
  expect(await policy.warm(recordOf(rows), 36_500)).toBe(1);
  return { policy, t };
}

describe('warming the live engine from the event record', () => {
  it('tells the engine how long each stored account has existed', async () => {
    const policy = new LivePolicy(config(), async () => undefined, createLogger('silent'));
    const seen: [string, number][] = [];
    policy.engine.knownSince = (account: string, ms: number) => void seen.push([account, ms]);
    const accounts = [{ address: A, state: 'active', createdAt: '2025-06-01T00:00:00.000Z' }];
    await policy.warm({ ...recordOf([]), accounts: { list: async () => accounts } } as unknown as Store, 30);
    expect(seen).toEqual([[A, Date.parse('2025-06-01T00:00:00.000Z')]]);
  });


  it('counts a message the cluster refused as an attempt, never as mail sent: its recipient stays new', async () => {
    const { policy, t } = await warmedWith('cluster-refused');
    const d = policy.engine.process(submit(A, t + 2 * HOUR, [STRANGER])).decision!;
    expect(d.reasons.join(' ')).toMatch(/never mailed before/);
  });

  it('counts a message its engine deferred as an attempt, never as mail sent, whatever the engine would say now', async () => {
    const { policy, t } = await warmedWith('engine-refused');
    const d = policy.engine.process(submit(A, t + 2 * HOUR, [STRANGER])).decision!;
    expect(d.reasons.join(' ')).toMatch(/never mailed before/);
  });

  it('counts a message held for review as an attempt, never as mail sent, whatever the engine would say now', async () => {
    const { policy, t } = await warmedWith('held');
    const d = policy.engine.process(submit(A, t + 2 * HOUR, [STRANGER])).decision!;
    expect(d.reasons.join(' ')).toMatch(/never mailed before/);
  });

  it('learns from a message that was accepted: its recipient is known afterwards', async () => {
    const { policy, t } = await warmedWith('submit');
    const d = policy.engine.process(submit(A, t + 2 * HOUR, [STRANGER])).decision!;
    expect(d.reasons.join(' ')).not.toMatch(/never mailed before/);
  });
});

describe('refused senders in the live engine', () => {
  it('keeps the risk of the attempts to send as someone else across a restart', async () => {
    const policy = new LivePolicy(config(), async () => undefined, createLogger('silent'));
    const rows: StoredEvent[] = Array.from({ length: 5 }, (_, i) => {
      const ts = new Date(Date.now() - (5 - i) * 60_000).toISOString();
      return { id: i + 1, ts, code: 'policy:sender-refused', account: A, data: { type: 'sender-refused', ts, account: A, ip: '192.0.2.10', field: 'From header', address: 'ceo@example.co.jp', sessionId: 's' } };
    });
    expect(await policy.warm(recordOf(rows), 1)).toBe(5);
    expect(policy.engine.inspect(A, new Date().toISOString())).toMatchObject({ state: 'watch' });
    expect(policy.engine.inspect(A, new Date().toISOString()).risk).toBeGreaterThan(130);
  });
});

describe('campaign allowances in the live engine', () => {
  const B = 'sato@example.co.jp';
  /** 60 personal mails to people never mailed before, two minutes apart, from the office. */
  const push = (policy: LivePolicy, from: number) => {
    const verdicts: string[] = [];
    for (let i = 0; i < 60; i++) verdicts.push(policy.engine.process(submit(B, from + i * 2 * 60_000, [`lead${i}@prospect${i}.example`])).decision!.verdict);
    return verdicts;
  };
  const campaignRow = (id: number, until: number): StoredEvent => ({ id, ts: new Date().toISOString(), code: 'account:campaign', account: B, data: { until: new Date(until).toISOString(), hours: 4, reason: 'seminar', by: 'cli' } });

  it('follows an allowance from the record when warming, and from a new event while running', async () => {
    const warmed = new LivePolicy(config(), async () => undefined, createLogger('silent'));
    const t = warmUp(warmed.engine, B) + 34 * HOUR;
    const start = T0 + t;
    await warmed.warm(recordOf([campaignRow(1, start + 4 * HOUR)]), 36_500);
    expect(push(warmed, t).every((v) => v === 'accept')).toBe(true);
    expect(warmed.engine.stateOf(B)).toBe('active');

    const running = new LivePolicy(config(), async () => undefined, createLogger('silent'));
    warmUp(running.engine, B);
    const rows: StoredEvent[] = [];
    const follower = new DecisionFollower(recordOf(rows), running, () => 0, createLogger('silent'));
    await follower.start();
    follower.stop();
    rows.push(campaignRow(1, start + 4 * HOUR));
    await follower.poll();
    expect(push(running, t).every((v) => v === 'accept')).toBe(true);

    const without = new LivePolicy(config(), async () => undefined, createLogger('silent'));
    warmUp(without.engine, B);
    push(without, t);
    expect(without.engine.stateOf(B)).toBe('restricted');
  });
});

describe('releases followed from the record', () => {
  it('releases the account in the engine and tells the cluster, so that its next change is claimed afresh', async () => {
    const policy = new LivePolicy(config(), async () => undefined, createLogger('silent'));
    policy.engine.restrict(A, new Date().toISOString(), 'test');
    const rows: StoredEvent[] = [];
    const told: string[] = [];
    const follower = new DecisionFollower(recordOf(rows), policy, () => 0, createLogger('silent'), 500, async (a) => void told.push(a));
    await follower.start();
    follower.stop();
    rows.push({ id: 1, ts: new Date().toISOString(), code: 'account:released', account: A, data: { reason: 'password reset', by: 'cli' } });
    await follower.poll();
    expect(told).toEqual([A]);
    expect(policy.engine.stateOf(A)).toBe('active');
  });
});
