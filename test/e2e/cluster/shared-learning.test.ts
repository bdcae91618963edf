import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spamMessage } from '../../helpers/attacker.js';
import { PASSWORD, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { feedHistory } from '../../helpers/history.js';
import { startNextHop, type NextHop } from '../../helpers/next-hop.js';
import { proxiedTransport } from '../../helpers/proxied-client.js';
import { TestSchemas } from '../../contract/postgres-schema.js';
import { dropPrefix, freshPrefix, redisUrl, servicesMissing } from './services.js';
import { authPlainLine, RawSession } from '../auth/raw-session.js';
import { clusterConfig, tryLogin, waitFor, type ClusterSpec } from './nodes.js';

const missing = await servicesMissing({ postgres: true, redis: true });

const VICTIM = 'tanaka@example.co.jp';
const CONTACTS = Array.from({ length: 25 }, (_, i) => `contact${i}@customer${i % 5}.example`);
const HOME_IP = '192.0.2.10';
const CLIENT = 'Thunderbird 128';

/** One message over a fresh session from `ip` through the node's PROXY-trusting port: the SMTP code (250 when accepted). */
function sendOnce(port: number, ip: string, message: { from: string; to: string; subject: string; text: string }): Promise<number> {
  const t = proxiedTransport(port, ip, { user: VICTIM, pass: PASSWORD });
  return t
    .sendMail({ ...message, headers: { 'X-Mailer': CLIENT } })
    .then(
      () => 250,
      (e: { responseCode?: number }) => e.responseCode ?? 0,
    )
    .finally(() => t.close());
}

describe.skipIf(missing !== null)('two nodes learning from each other', () => {
  const schemas = new TestSchemas();
  const running: TestGateway[] = [];
  const prefixes: string[] = [];
  let hop: NextHop | undefined;

  async function cluster(extra: Record<string, unknown> = {}, others: string[] = []): Promise<[TestGateway, TestGateway]> {
    hop ??= await startNextHop({ rcptReply: (a) => (a.startsWith('invalid') ? '550 5.1.1 User unknown' : undefined) });
    const spec: ClusterSpec = {
      storeUrl: await schemas.create(),
      redisUrl,
      keyPrefix: freshPrefix(),
      nextHopPort: hop.port,
      config: { submission: { trustedProxies: ['127.0.0.0/8'] }, delivery: { pollMs: 20 }, notifications: { adminEmails: ['it@example.co.jp'], retries: 0 }, ...extra },
    };
    prefixes.push(spec.keyPrefix);
    const nodes: TestGateway[] = [];
    for (const nodeId of ['node-a', 'node-b']) {
      const accounts = nodeId === 'node-a' ? [{ address: VICTIM }, ...others.map((address) => ({ address }))] : [];
      const gw = await startTestGateway({ nextHopPort: hop.port, accounts, config: clusterConfig(spec), nodeId });
      running.push(gw);
      // Three weeks of the owner's mail from the office, as each node's warm-up would have read it.
      feedHistory(gw.gateway.policy, { account: VICTIM, ip: HOME_IP, client: CLIENT, days: 21, contacts: CONTACTS });
      nodes.push(gw);
    }
    return [nodes[0], nodes[1]];
  }

  afterEach(async () => {
    for (const gw of running.splice(0)) await gw.stop();
  });
  afterAll(async () => {
    await hop?.stop();
    for (const p of prefixes) await dropPrefix(p);
    await schemas.dropAll();
  });

  it('puts the account on its probation budget on node B after a submission from a new country on node A', async () => {
    const [a, b] = await cluster();
    const at = () => new Date().toISOString();
    expect(b.gateway.policy.engine.inspect(VICTIM, at()).probation).toBeNull();
    const code = await sendOnce(a.starttlsPort, '203.0.113.50', { from: VICTIM, to: CONTACTS[0], subject: 'Re: 打ち合わせ', text: 'Thank you for the meeting.\n' });
    expect(code).toBe(250);
    expect(a.gateway.policy.engine.inspect(VICTIM, at()).probation).not.toBeNull();
    // B never saw the session: it learns it from the event record within about a second.
    expect(await waitFor(() => b.gateway.policy.engine.inspect(VICTIM, at()).probation !== null, 3000)).toBe(true);
    expect(b.gateway.policy.engine.inspect(VICTIM, at()).probation).toMatch(/203\.0\.113\.50/);
  });

  it('reports impossible travel on node B from logins that node A took', async () => {
    const [a, b] = await cluster();
    const login = async (node: TestGateway, ip: string) => {
      const s = await RawSession.open(node.starttlsPort, ip);
      expect((await s.pipeline([authPlainLine(VICTIM, PASSWORD)]))[0]).toMatch(/^235/);
      s.close();
    };
    for (let i = 0; i < 6; i++) await login(a, '133.11.0.1');
    // B learns A's logins from the event record (polled every 500 ms).
    await new Promise((r) => setTimeout(r, 1500));
    await login(b, '14.160.1.1');
    const anomalies = () => a.gateway.store.events.query({ codes: ['auth:anomaly'], account: VICTIM, limit: 10 });
    expect(await waitFor(async () => (await anomalies()).length > 0, 3000)).toBe(true);
    const [anomaly, ...more] = await anomalies();
    expect(more).toHaveLength(0);
    expect((anomaly.data as { kinds: string[] }).kinds).toEqual(expect.arrayContaining(['new-country', 'impossible-travel']));
  });

  it('bans a source guessing a password on both nodes once its failures on the two add up to the limit', async () => {
    // No delays, so the test runs in seconds; the shipped ban threshold: ten failures of one source on one account.
    const [a, b] = await cluster({ auth: { guard: { delayAfterFailures: 1000 } } });
    const guesser = '203.0.113.66';
    const codes: (number | null)[] = [];
    for (let i = 0; i < 10; i++) {
      codes.push(await tryLogin((i % 2 === 0 ? a : b).starttlsPort, guesser, VICTIM, `guess-${i}-Sommer2026`));
      // Each node reads the other's failures from the record within about a second.
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(codes).toEqual(Array(10).fill(535));
    // Five failures on each node: neither alone reached ten. Together they ban the source for the
    // account, on both nodes, even with the right password.
    const banned = async () => (await a.gateway.store.events.query({ codes: ['auth:pair-banned'], limit: 5 })).length > 0;
    expect(await waitFor(banned, 3000)).toBe(true);
    expect(await tryLogin(a.starttlsPort, guesser, VICTIM, PASSWORD)).toBe(454);
    expect(await tryLogin(b.starttlsPort, guesser, VICTIM, PASSWORD)).toBe(454);
    // The owner at another address is not affected.
    expect(await tryLogin(b.starttlsPort, HOME_IP, VICTIM, PASSWORD)).toBe(235);
  });

  it('never bans a phone repeating one old password on both nodes', async () => {
    const [a, b] = await cluster({ auth: { guard: { delayAfterFailures: 1000 } } });
    const phone = '198.51.100.33';
    const codes: (number | null)[] = [];
    for (let i = 0; i < 12; i++) {
      codes.push(await tryLogin((i % 2 === 0 ? a : b).starttlsPort, phone, VICTIM, 'the-password-before-last-month'));
      await new Promise((r) => setTimeout(r, 150));
    }
    // Each node counts the first try it saw (and learns the other's); the repeats are told the
    // password is stale (535 5.7.8 with the text that says so) and count nowhere.
    expect(codes).toEqual(Array(12).fill(535));
    // The repeats are refused before any password check, as repeats of a stale password.
    const seen = await a.gateway.store.events.query({ codes: ['smtp:auth-failed', 'smtp:auth-throttled'], account: VICTIM, limit: 20 });
    expect(seen.filter((e) => e.code === 'smtp:auth-failed')).toHaveLength(2);
    expect(seen.filter((e) => e.code === 'smtp:auth-throttled').map((e) => e.data.code)).toEqual(Array(10).fill('AUTH_STALE_PASSWORD'));
    await new Promise((r) => setTimeout(r, 1000));
    expect(await a.gateway.store.events.query({ codes: ['auth:pair-banned', 'auth:source-banned'], limit: 5 })).toEqual([]);
    expect(await tryLogin(b.starttlsPort, phone, VICTIM, PASSWORD)).toBe(235);
  });

  it('contains an attack that the balancer spreads over both nodes, with one incident and one alert', async () => {
    const [a, b] = await cluster();
    let accepted = 0;
    let attempts = 0;
    const restricted = async () => (await a.gateway.store.accounts.get(VICTIM))?.state === 'restricted';
    // One message every 100 ms at the most, whatever the machine's speed: the figures below depend
    // on how many messages pass while the other node's inputs are on their way (milliseconds on
    // the Redis channel; up to a second from the event record alone).
    for (let i = 0, next = Date.now(); i < 120 && !(await restricted()); i++, next += 100) {
      if (next > Date.now()) await new Promise((r) => setTimeout(r, next - Date.now()));
      const node = i % 2 === 0 ? a : b;
      attempts++;
      if ((await sendOnce(node.starttlsPort, `198.51.100.${10 + (i % 40)}`, spamMessage(VICTIM, i))) === 250) accepted++;
    }
    await a.gateway.policy.settled();
    await b.gateway.policy.settled();
    expect(await restricted()).toBe(true);
    const taken = await a.gateway.store.events.query({ codes: ['queue:accepted'], account: VICTIM, limit: 1000 });
    expect(taken.length).toBeLessThanOrEqual(accepted);
    // Half of the attack on each node, judged together: restricted at its 7th message, as one node
    // alone restricts it; from the event record alone, 8th or 9th; engines that learnt only their
    // own half took 13 or 14.
    expect(attempts).toBeLessThanOrEqual(7);
    // Both engines decide the restriction; the first to claim it acts, once for the cluster.
    const alerts = () => hop!.messages.filter((m) => m.rcpts.includes('it@example.co.jp')).length;
    expect(await waitFor(() => alerts() > 0, 5000)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    const incidents = await a.gateway.store.events.query({ codes: ['incident:restricted'], account: VICTIM, limit: 10 });
    expect(incidents).toHaveLength(1);
    expect(alerts()).toBe(1);
    expect(b.gateway.policy.engine.stateOf(VICTIM)).toBe('restricted');
    expect(a.gateway.policy.engine.stateOf(VICTIM)).toBe('restricted');
  });

  it('reports a list of stolen passwords spread over both nodes as one incident, without an alert per restricted account', { timeout: 60_000 }, async () => {
    const staff = Array.from({ length: 11 }, (_, i) => `staff${i}@example.co.jp`);
    const [a, b] = await cluster({}, staff);
    // The next hop is shared with the tests before: only what this one sends counts.
    const before = hop!.messages.length;
    for (const gw of [a, b]) for (const [i, account] of staff.entries()) feedHistory(gw.gateway.policy, { account, ip: `192.0.2.${20 + i}`, client: CLIENT, days: 21, contacts: CONTACTS });
    // One account after another, from fresh addresses of one provider in Vietnam, alternating over the nodes.
    for (const [i, account] of staff.entries()) {
      const started = Date.now();
      const t = proxiedTransport((i % 2 === 0 ? a : b).starttlsPort, `14.160.${10 + i}.7`, { user: account, pass: PASSWORD });
      await t.sendMail({ from: account, to: [`lead${i}@prospects${i}.example`, `lead${i}@prospects${i + 10}.example`], subject: `Document shared with you ${i}`, text: `Open the document: http://docs-share.example/${i}` }).catch(() => undefined);
      t.close();
      // Each node has learnt the other's last message before the next one (about a second).
      await new Promise((r) => setTimeout(r, Math.max(0, 1200 - (Date.now() - started))));
    }
    await a.gateway.policy.settled();
    await b.gateway.policy.settled();
    const restricted: string[] = [];
    for (const s of staff) if ((await a.gateway.store.accounts.get(s))?.state === 'restricted') restricted.push(s);
    expect(restricted.length).toBeGreaterThan(0);
    const text = (m: { raw: Buffer }) => Buffer.from(m.raw.toString().split('\r\n\r\n')[1].replace(/\r\n/g, ''), 'base64').toString('utf8');
    const toAdmins = () => hop!.messages.slice(before).filter((m) => m.rcpts.includes('it@example.co.jp')).map(text);
    expect(await waitFor(() => toAdmins().some((body) => body.includes('Restricted so far')), 5000)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    // One incident for the cluster: one opening, every report under one id, whichever node made it.
    const reports = await a.gateway.store.events.query({ codes: ['incident:shared-place'], limit: 100 });
    expect(new Set(reports.map((e) => e.data.incidentId)).size).toBe(1);
    expect(reports.filter((e) => e.data.update !== true)).toHaveLength(1);
    // No alert of its own for a restricted account of the list; its owner is told as ever.
    expect(toAdmins().filter((body) => /^At .+ Mailwarden restricted the account/m.test(body))).toEqual([]);
    for (const s of restricted) expect(hop!.messages.slice(before).some((m) => m.rcpts.includes(s) && text(m).includes('was suspended'))).toBe(true);
  });
});
