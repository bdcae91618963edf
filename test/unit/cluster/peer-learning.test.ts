import { afterAll, describe, expect, it } from 'vitest';
import { redisConfigSchema } from '../../../src/cluster/config.js';
import { RedisLink } from '../../../src/cluster/link.js';
import { PeerLearning, recordingAs } from '../../../src/cluster/peer-learning.js';
import { Claims } from '../../../src/cluster/claims.js';
import { InputChannel } from '../../../src/cluster/inputs.js';
import type { StateChange } from '../../../src/events/replay.js';
import { LivePolicy } from '../../../src/incidents/live-policy.js';
import { createLogger } from '../../../src/observability/logger.js';
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';
import { dropPrefix, freshPrefix, redisUrl, servicesMissing } from '../../e2e/cluster/services.js';
import type { PlaceFacts } from '../../../src/incidents/notify/texts.js';
import type { PlaceFinding } from '../../../src/policy/org.js';
import { auth, config, contacts, DAY, HOUR, MIN, submit, warmUp } from '../policy/events.js';

const A = 'tanaka@example.co.jp';
const silent = createLogger('silent');

/** Whether the engine takes `rcpt` for someone the account already wrote to. */
function knows(policy: LivePolicy, t: number, rcpt: string): boolean {
  const d = policy.engine.process(submit(A, t, [rcpt])).decision!;
  return !/never mailed before/.test(d.reasons.join(' '));
}

describe('learning the other nodes\u2019 engine inputs from the event record', () => {
  it('feeds what other nodes recorded, and neither its own events nor untagged ones', async () => {
    const store = openSqliteStore(':memory:');
    const policy = new LivePolicy(config(), async () => undefined, silent);
    const t = warmUp(policy.engine, A) + 10 * HOUR;
    const learning = new PeerLearning(store, 'node-a', policy, silent);
    await learning.start();
    const record = (as: typeof store, rcpt: string, minutes: number) => {
      const event = submit(A, t + minutes * 60_000, [rcpt]);
      return as.events.append({ ts: new Date().toISOString(), code: 'queue:accepted', account: A, data: { ...event, verdict: 'accept', score: 0, reasons: [] } });
    };
    await record(recordingAs(store, 'node-b'), 'peer@new.example', 1);
    await record(recordingAs(store, 'node-a'), 'own@new.example', 2);
    await record(store, 'untagged@new.example', 3);
    await store.events.append({ ts: new Date().toISOString(), code: 'incident:watch', account: A, data: { node: 'node-b', reasons: [] } });

    expect(await learning.poll()).toBe(1);
    // A second poll re-reads the window and hands nothing on twice.
    expect(await learning.poll()).toBe(0);
    learning.stop();
    expect(knows(policy, t + HOUR, 'peer@new.example')).toBe(true);
    // This node's own submission reached its engine when it was decided, never from the record.
    expect(knows(policy, t + HOUR, 'own@new.example')).toBe(false);
    expect(knows(policy, t + HOUR, 'untagged@new.example')).toBe(false);
    await store.close();
  });

  it('opens here the incident of a place found from other nodes\' submissions, and takes their reports of it', async () => {
    const store = openSqliteStore(':memory:');
    const found: PlaceFinding[] = [];
    const policy = new LivePolicy(config(), async () => undefined, silent, undefined, undefined, (f, learnt) => void (learnt && found.push(f)));
    const staff = Array.from({ length: 5 }, (_, i) => `staff${i}@example.co.jp`);
    // A week of office mail for each account, in this engine's own history.
    for (let d = 0; d < 7; d++)
      for (let h = 9; h < 17; h++)
        staff.forEach((a, i) => {
          if (h === 9) policy.engine.process(auth(a, d * DAY + 9 * HOUR - MIN + i * 1000));
          policy.engine.process(submit(a, d * DAY + h * HOUR + 5 * MIN + i * 1000, [contacts[(d + h + i) % 12]]));
        });
    const reports: PlaceFacts[] = [];
    const learning = new PeerLearning(store, 'node-a', policy, silent, { places: { learnt: (r) => void reports.push(r) } });
    await learning.start();
    // The list worked through on node B, each account from a fresh address in Vietnam.
    const peer = recordingAs(store, 'node-b');
    let t = 7 * DAY + 10 * HOUR;
    for (const [i, a] of staff.entries()) {
      const place = { ip: `203.0.113.${20 + i}`, asn: 64_700 + i, country: 'VN' };
      await peer.events.append({ ts: new Date().toISOString(), code: 'smtp:auth-ok', account: a, data: { ...auth(a, t, place) } });
      t += MIN;
      const event = submit(a, t, [`x${i}@target${i}.example`, `y${i}@target${i + 20}.example`], place);
      await peer.events.append({ ts: new Date().toISOString(), code: 'queue:accepted', account: a, data: { ...event, verdict: 'accept', score: 0, reasons: [] } });
    }
    const report = { incidentId: 'named-by-node-b', ts: new Date().toISOString(), where: 'country VN', accounts: staff.slice(0, 4), restricted: [], update: false };
    await peer.events.append({ ts: report.ts, code: 'incident:shared-place', account: null, data: { ...report } });
    // This node's own reports are its own business.
    await recordingAs(store, 'node-a').events.append({ ts: report.ts, code: 'incident:shared-place', account: null, data: { ...report, incidentId: 'own' } });
    await learning.poll();
    learning.stop();
    expect(found.map((f) => [f.where, f.accounts.length])).toEqual([['country VN', 4], ['country VN', 5]]);
    expect(reports).toEqual([report]);
    await store.close();
  });

  it('hands the other nodes\' logins to the guard and the login signals, and never a stale password\'s repeats', async () => {
    const store = openSqliteStore(':memory:');
    const policy = new LivePolicy(config(), async () => undefined, silent);
    const guarded: string[] = [];
    const logged: string[] = [];
    const learning = new PeerLearning(store, 'node-a', policy, silent, {
      guard: { learn: (x) => void guarded.push(`${x.ip} ${x.account} ${x.ok}`) },
      logins: { learn: (x) => void logged.push(x.ip) },
    });
    await learning.start();
    const peer = recordingAs(store, 'node-b');
    const login = (ok: boolean, ip: string, extra: Record<string, unknown> = {}) =>
      peer.events.append({ ts: new Date().toISOString(), code: ok ? 'smtp:auth-ok' : 'smtp:auth-failed', account: A, data: { ts: new Date().toISOString(), type: 'auth', account: A, ip, ok, ...extra } });
    await login(false, '203.0.113.5');
    await login(false, '192.0.2.7', { stale: true });
    await login(true, '192.0.2.10');
    await recordingAs(store, 'node-a').events.append({ ts: new Date().toISOString(), code: 'smtp:auth-failed', account: A, data: { type: 'auth', account: A, ip: '203.0.113.9', ok: false } });
    await learning.poll();
    learning.stop();
    expect(guarded).toEqual([`203.0.113.5 ${A} false`, `192.0.2.10 ${A} true`]);
    expect(logged).toEqual(['192.0.2.10']);
    await store.close();
  });

  it('tags every event a node records with its name, and reads the record unchanged', async () => {
    const store = openSqliteStore(':memory:');
    await recordingAs(store, 'node-b').events.append({ ts: new Date().toISOString(), code: 'smtp:auth-ok', account: A, data: { type: 'auth', ip: '192.0.2.1' } });
    const [e] = await recordingAs(store, 'node-a').events.query({ codes: ['smtp:auth-ok'] });
    expect(e.data).toEqual({ type: 'auth', ip: '192.0.2.1', node: 'node-b', seq: expect.any(Number) });
    await store.close();
  });

  it('hands each engine input it records to the fast path, numbered apart from every other event of the node', async () => {
    const store = openSqliteStore(':memory:');
    const published: { code: string; node: unknown; seq: unknown }[] = [];
    const hook = (e: { code: string; data: Record<string, unknown> }) => void published.push({ code: e.code, node: e.data.node, seq: e.data.seq });
    // The cluster's own writer and the gateway's, as one node has both.
    const [one, two] = [recordingAs(store, 'node-b', hook), recordingAs(store, 'node-b', hook)];
    await one.events.append({ ts: new Date().toISOString(), code: 'smtp:auth-ok', account: A, data: { type: 'auth', ip: '192.0.2.1' } });
    await two.events.append({ ts: new Date().toISOString(), code: 'policy:refused', account: A, data: { type: 'cluster-refused' } });
    await one.events.append({ ts: new Date().toISOString(), code: 'cluster:redis-down', account: null, data: {} });
    await two.events.append({ ts: new Date().toISOString(), code: 'incident:shared-place', account: null, data: { incidentId: 'x' } });
    expect(published.map((p) => p.code)).toEqual(['smtp:auth-ok', 'policy:refused', 'incident:shared-place']);
    expect(new Set(published.map((p) => p.seq)).size).toBe(3);
    expect(published.every((p) => p.node === 'node-b')).toBe(true);
    await store.close();
  });

  it('learns a published input at once, and once: neither again from the record, nor twice, nor its own', async () => {
    const store = openSqliteStore(':memory:');
    const policy = new LivePolicy(config(), async () => undefined, silent);
    const t = warmUp(policy.engine, A) + 10 * HOUR;
    const guarded: string[] = [];
    const learning = new PeerLearning(store, 'node-a', policy, silent, { guard: { learn: (x) => void guarded.push(x.ip) } });
    await learning.start();
    const fast: Parameters<PeerLearning['receive']>[0][] = [];
    const peer = recordingAs(store, 'node-b', (e) => void fast.push(e));
    const event = submit(A, t + 60_000, ['peer@new.example']);
    await peer.events.append({ ts: new Date().toISOString(), code: 'queue:accepted', account: A, data: { ...event, verdict: 'accept', score: 0, reasons: [] } });
    await peer.events.append({ ts: new Date().toISOString(), code: 'smtp:auth-failed', account: A, data: { ...auth(A, t + 61_000, { ip: '203.0.113.5', ok: false }) } });
    expect(fast).toHaveLength(2);
    // Learnt before any read of the record.
    expect(fast.map((e) => learning.receive(e))).toEqual([true, true]);
    expect(knows(policy, t + HOUR, 'peer@new.example')).toBe(true);
    expect(learning.receive(fast[0])).toBe(false);
    // The record brings the same two events: nothing is learnt again, the failed login counted once.
    expect(await learning.poll()).toBe(0);
    expect(guarded).toEqual(['203.0.113.5']);
    // Its own node's events and untagged ones are never learnt from the channel.
    const own: Parameters<PeerLearning['receive']>[0][] = [];
    await recordingAs(store, 'node-a', (e) => void own.push(e)).events.append({ ts: new Date().toISOString(), code: 'smtp:auth-ok', account: A, data: { type: 'auth', account: A, ip: '192.0.2.9', ok: true } });
    expect(learning.receive(own[0])).toBe(false);
    expect(learning.receive({ ts: new Date().toISOString(), code: 'smtp:auth-ok', account: A, data: { type: 'auth', account: A, ip: '192.0.2.9', ok: true } })).toBe(false);
    learning.stop();
    await store.close();
  });
});

describe('acting on a change of state once', () => {
  it('acts on a change only when it is claimed', async () => {
    const acted: StateChange[] = [];
    const claims: string[] = [];
    let grant = false;
    const policy = new LivePolicy(config(), async (c) => void acted.push(c), silent, undefined, async (c) => (claims.push(`${c.account} ${c.state}`), grant));
    policy.restrict(A, 'test');
    await policy.settled();
    expect(claims).toEqual([`${A} restricted`]);
    expect(acted).toEqual([]);
    grant = true;
    policy.release(A, 'test');
    await policy.settled();
    expect(acted.map((c) => c.state)).toEqual(['active']);
  });

  it('reports a shadow decision only when it is claimed', async () => {
    const shadowed: StateChange[] = [];
    const policy = new LivePolicy(config({ shadow: true }), async () => undefined, silent, (c) => void shadowed.push(c), async () => false);
    policy.restrict(A, 'test');
    await policy.settled();
    expect(shadowed).toEqual([]);
  });
});

const missing = await servicesMissing({ redis: true });

describe.skipIf(missing !== null)('the fast path of peer learning through Redis', () => {
  const prefix = freshPrefix();
  afterAll(() => dropPrefix(prefix));

  it('delivers what one node publishes to the others within milliseconds', async () => {
    const cfg = redisConfigSchema.parse({ url: redisUrl, keyPrefix: prefix });
    const links = [new RedisLink(cfg, silent, () => undefined), new RedisLink(cfg, silent, () => undefined)];
    await Promise.all(links.map((l) => l.start()));
    const [a, b] = links.map((l) => new InputChannel(l, cfg, silent));
    try {
      const got: { code: string; at: number }[] = [];
      await b.subscribe((e) => void got.push({ code: e.code, at: Date.now() }));
      const sent = Date.now();
      a.publish({ ts: new Date().toISOString(), code: 'smtp:auth-ok', account: A, data: { node: 'node-a', seq: 1, type: 'auth' } });
      for (const end = Date.now() + 2000; got.length === 0 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 5));
      expect(got.map((g) => g.code)).toEqual(['smtp:auth-ok']);
      expect(got[0].at - sent).toBeLessThan(1000);
    } finally {
      a.stop();
      b.stop();
      await Promise.all(links.map((l) => l.stop()));
    }
  });
});

describe.skipIf(missing !== null)('claiming a change in Redis', () => {
  const prefix = freshPrefix();
  afterAll(() => dropPrefix(prefix));

  it('gives a change to the first node that claims it, and the next change, or a higher level, to whoever asks', async () => {
    const cfg = redisConfigSchema.parse({ url: redisUrl, keyPrefix: prefix });
    const links = [new RedisLink(cfg, silent, () => undefined), new RedisLink(cfg, silent, () => undefined)];
    await Promise.all(links.map((l) => l.start()));
    try {
      const [a, b] = links.map((l) => new Claims(l));
      const change = (state: StateChange['state']): StateChange => ({ ts: new Date().toISOString(), account: A, type: 'state', state, reasons: [] });
      expect(await a.change(change('restricted'))).toBe(true);
      expect(await b.change(change('restricted'))).toBe(false);
      expect(await a.change(change('restricted'))).toBe(false);
      // A release, then a new restriction: each is a change of its own.
      expect(await b.change(change('active'))).toBe(true);
      expect(await a.change(change('restricted'))).toBe(true);
      expect(await b.change(change('watch'))).toBe(true);
      // An administrator's release followed from the record: the next restriction is claimed afresh.
      expect(await a.change(change('restricted'))).toBe(true);
      expect(await b.change(change('restricted'))).toBe(false);
      await b.forget(A);
      expect(await b.change(change('restricted'))).toBe(true);
      // An incident of the organisation is reported at each new level once, never again lower.
      expect(await a.rise('place:country:VN', 0, 60_000)).toBe(true);
      expect(await b.rise('place:country:VN', 0, 60_000)).toBe(false);
      expect(await b.rise('place:country:VN', 2, 60_000)).toBe(true);
      expect(await a.rise('place:country:VN', 1, 60_000)).toBe(false);
      expect(await a.rise('place:country:US', 0, 60_000)).toBe(true);
      // One id for one incident, whichever node names it first.
      expect(await b.share('place:country:VN', 'incident-b', 60_000)).toBe('incident-b');
      expect(await a.share('place:country:VN', 'incident-a', 60_000)).toBe('incident-b');
    } finally {
      for (const l of links) await l.stop();
    }
  });
});
