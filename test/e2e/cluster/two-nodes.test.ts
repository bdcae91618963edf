import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, type TestGateway } from '../../helpers/gateway.js';
import { startNextHop, type NextHop } from '../../helpers/next-hop.js';
import { TestSchemas } from '../../contract/postgres-schema.js';
import { hashPassword } from '../../../src/auth/password-hash.js';
import { dropPrefix, freshPrefix, redisUrl, servicesMissing } from './services.js';
import { limitsOnly, openLiveSession, sendVia, tryLogin, startNode, waitFor, type ClusterSpec } from './nodes.js';

const missing = await servicesMissing({ postgres: true, redis: true });

describe.skipIf(missing !== null)('two gateway nodes sharing PostgreSQL and Redis', () => {
  const schemas = new TestSchemas();
  const running: TestGateway[] = [];
  const prefixes: string[] = [];
  let hop: NextHop | undefined;

  async function cluster(messagesPerMinute: number, extra: Record<string, unknown> = {}): Promise<[TestGateway, TestGateway, ClusterSpec]> {
    hop ??= await startNextHop();
    const config = { detection: limitsOnly(messagesPerMinute), ...extra };
    const spec: ClusterSpec = { storeUrl: await schemas.create(), redisUrl, keyPrefix: freshPrefix(), nextHopPort: hop.port, config };
    prefixes.push(spec.keyPrefix);
    const a = await startNode(spec, ACCOUNT, 'node-a');
    running.push(a);
    const b = await startNode(spec, ACCOUNT, 'node-b');
    running.push(b);
    return [a, b, spec];
  }

  afterEach(async () => {
    for (const gw of running.splice(0)) await gw.stop();
  });
  afterAll(async () => {
    await hop?.stop();
    for (const p of prefixes) await dropPrefix(p);
    await schemas.dropAll();
  });

  const ACCOUNT = 'spread@example.co.jp';

  it('defers the 11th message of a minute with 451 4.7.1 when an attacker spreads ten over both nodes from ten addresses', async () => {
    const [a, b] = await cluster(10);
    expect(a.gateway.cluster.state()).toBe('up');
    const results = [];
    for (let i = 0; i < 11; i++) {
      const node = i % 2 === 0 ? a : b;
      results.push(await sendVia(node.starttlsPort, `198.51.100.${10 + i}`, ACCOUNT, `victim${i}@dest${i}.example`));
    }
    expect(results.slice(0, 10).map((r) => r.code)).toEqual(Array(10).fill(250));
    expect(results[10].code).toBe(451);
    expect(results[10].response).toContain('4.7.1');
    // Each node saw at most six of them: only the cluster-wide count can have refused the eleventh.
    const refusals = () => a.gateway.store.events.query({ codes: ['policy:refused'], limit: 10 });
    expect(await waitFor(async () => (await refusals()).length === 1, 3000)).toBe(true);
    const refusal = (await refusals())[0].data as { reasons: string[]; score: number; verdict: string };
    expect(refusal.reasons[0]).toMatch(/11 messages in a minute across all nodes \(limit 10\)/);
    // The local engine judged the refused attempt too (new IP, new recipients): it counts towards
    // the account's pace and risk, and its reasons follow the limit.
    expect(refusal.verdict).toBe('defer');
    expect(refusal.score).toBeGreaterThan(0);
    expect(refusal.reasons.length).toBeGreaterThan(1);
  });

  it('refuses on node B, and cuts its live session, within a second of a restriction on node A', async () => {
    const [a, b] = await cluster(100);
    expect((await sendVia(b.starttlsPort, '203.0.113.7', ACCOUNT, 'first@dest.example')).code).toBe(250);
    const live = await openLiveSession(b.tlsPort, '203.0.113.70', ACCOUNT);

    const restrictedAt = Date.now();
    a.gateway.policy.restrict(ACCOUNT, 'suspected abuse (test)');
    const cut = await Promise.race([live.closed, new Promise<string>((r) => setTimeout(() => r('still open'), 1500))]);
    const cutAfter = Date.now() - restrictedAt;
    expect(cut).toMatch(/^421 4\.7\.1/);
    expect(cutAfter).toBeLessThan(1000);
    expect(b.gateway.policy.engine.stateOf(ACCOUNT)).toBe('restricted');
    live.end();

    // B refuses at once: 550 5.7.1 at MAIL FROM, 535 at AUTH once containment asks for a new
    // password, or 421 when the event-record follower cuts the new session too.
    expect([421, 535, 550]).toContain((await sendVia(b.starttlsPort, '203.0.113.8', ACCOUNT, 'second@dest.example')).code);
    await new Promise((r) => setTimeout(r, 1000));
    expect([535, 550]).toContain((await sendVia(b.starttlsPort, '203.0.113.8', ACCOUNT, 'second@dest.example')).code);

    // The administrator sets a new password and releases the account on A.
    await a.gateway.policy.settled();
    await a.gateway.store.accounts.update(ACCOUNT, { passwordHash: await hashPassword('a brand new passphrase 2'), mustChangePassword: false });
    a.gateway.policy.release(ACCOUNT, 'password reset (test)');
    expect(await waitFor(() => b.gateway.policy.engine.stateOf(ACCOUNT) === 'active', 1000)).toBe(true);
    expect(await waitFor(async () => (await b.gateway.store.accounts.get(ACCOUNT))?.state === 'active', 5000)).toBe(true);
    const third = await sendVia(b.starttlsPort, '203.0.113.9', ACCOUNT, 'third@dest.example', 'a brand new passphrase 2');
    expect(third.code).toBe(250);
  });

  it('refuses on node B a source that node A banned for guessing passwords, but not the owner at a known-good address', async () => {
    const guard = { sourceBanAfterFailures: 3, delayAfterFailures: 100, pairBanAfterFailures: 100 };
    const [a, b] = await cluster(100, { auth: { guard } });
    expect(await tryLogin(b.starttlsPort, '198.51.100.200', ACCOUNT, PASSWORD)).toBe(235);
    for (let i = 0; i < 3; i++) expect(await tryLogin(a.starttlsPort, '198.51.100.200', `guess${i}@example.co.jp`, 'wrong')).toBe(535);
    expect(await tryLogin(a.starttlsPort, '198.51.100.200', 'guess9@example.co.jp', 'wrong')).toBe(454);
    // Node B never saw a failure from that address.
    expect(await waitFor(async () => (await tryLogin(b.starttlsPort, '198.51.100.200', 'guess10@example.co.jp', 'wrong')) === 454, 2000)).toBe(true);
    expect(await tryLogin(b.starttlsPort, '198.51.100.200', ACCOUNT, PASSWORD)).toBe(235);
    expect(await tryLogin(b.starttlsPort, '198.51.100.201', 'guess11@example.co.jp', 'wrong')).toBe(535);
  });

  it('removes a restriction flag that outlived a release made without Redis, but honours a fresh one', async () => {
    const [a, , spec] = await cluster(100);
    const redis = new Redis(redisUrl, { keyPrefix: spec.keyPrefix });
    try {
      const flag = (ageMs: number) => JSON.stringify({ reason: 'left behind', ts: Date.now() - ageMs });
      await redis.set(`acct:{${ACCOUNT}}:flag`, flag(0), 'PX', 60_000);
      const fresh = await sendVia(a.starttlsPort, '203.0.113.30', ACCOUNT, 'x@dest.example');
      expect(fresh.code).toBe(550);
      await redis.set(`acct:{${ACCOUNT}}:flag`, flag(60_000), 'PX', 60_000);
      expect((await sendVia(a.starttlsPort, '203.0.113.31', ACCOUNT, 'y@dest.example')).code).toBe(250);
      expect(await redis.exists(`acct:{${ACCOUNT}}:flag`)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
