import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { feedHistory } from '../../helpers/history.js';
import { startNextHop, type NextHop } from '../../helpers/next-hop.js';
import { blast, SPAM_SUBJECT } from '../../helpers/attacker.js';
import { proxiedTransport } from '../../helpers/proxied-client.js';

const VICTIM = 'tanaka@example.co.jp';
const OFFICE_IP = '192.0.2.10';
const CONTACTS = Array.from({ length: 25 }, (_, i) => `contact${i}@customer${i % 5}.example`);

interface Hook {
  server: Server;
  url: string;
  calls: { headers: Record<string, unknown>; body: any }[];
}

async function startHook(): Promise<Hook> {
  const calls: Hook['calls'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push({ headers: req.headers, body: JSON.parse(body) });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, calls };
}

async function setup(): Promise<{ gw: TestGateway; hop: NextHop; hook: Hook }> {
  const hook = await startHook();
  // The next hop refuses the invalid addresses of a harvested list, as real MX hosts do.
  const hop = await startNextHop({ rcptReply: (a) => (a.startsWith('invalid') ? '550 5.1.1 User unknown' : undefined) });
  const gw = await startTestGateway({
    nextHopPort: hop.port,
    config: {
      submission: { trustedProxies: ['127.0.0.1'] },
      delivery: { pollMs: 20 },
      notifications: { adminEmails: ['it@example.co.jp'], webhooks: [{ url: hook.url, format: 'json', secret: 'hook-secret' }], retries: 0 },
    },
  });
  feedHistory(gw.gateway.policy, { account: VICTIM, ip: OFFICE_IP, client: 'Thunderbird 128', days: 21, contacts: CONTACTS });
  return { gw, hop, hook };
}

describe('live containment of a compromised account', () => {
  let ctx: Awaited<ReturnType<typeof setup>> | undefined;
  afterEach(async () => {
    await ctx?.gw.stop();
    await ctx?.hop.stop();
    ctx?.hook.server.close();
  });

  it('stops the leaked-password blast from a new foreign IP within 2 seconds, with at most 5 spam relayed', async () => {
    ctx = await setup();
    const { gw, hop, hook } = ctx;
    await blast({ port: gw.starttlsPort, ip: '203.0.113.77', user: VICTIM, pass: PASSWORD, count: 200, perSecond: 20 });
    await gw.gateway.policy.settled();
    const account = await gw.gateway.store.accounts.get(VICTIM);
    expect(account?.state).toBe('restricted');
    const restricted = (await gw.gateway.store.events.query({ codes: ['incident:restricted'], account: VICTIM }))[0];
    const subs = await gw.gateway.store.events.query({ codes: ['queue:accepted', 'queue:held', 'policy:refused'], account: VICTIM, limit: 100 });
    expect(Date.parse(restricted.ts) - Date.parse(subs[0].ts)).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 1000));
    const relayedSpam = hop.messages.filter((m) => m.raw.toString().includes(SPAM_SUBJECT));
    expect(relayedSpam.length).toBeLessThanOrEqual(5);
    const held = await gw.gateway.store.queue.list({ state: 'held', account: VICTIM });
    for (const m of held) expect((await gw.gateway.store.queue.getRaw(m.id))!.toString()).toContain('Invoice overdue');
    const alert = hop.messages.find((m) => m.rcpts.includes('it@example.co.jp'));
    expect(alert?.raw.toString()).toContain('X-Mailwarden-Incident');
    await expect.poll(() => hook.calls.length).toBe(1);
    expect(hook.calls[0].body).toMatchObject({ type: 'incident.opened', incident: { account: VICTIM, state: 'restricted' } });
    expect(hook.calls[0].headers['x-mailwarden-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('contains a hijacked client at the usual office IP sending uniform mail to novel recipients within 50 messages', async () => {
    ctx = await setup();
    const { gw } = ctx;
    const result = await blast({ port: gw.starttlsPort, ip: OFFICE_IP, user: VICTIM, pass: PASSWORD, count: 120, perSecond: 5, client: 'Thunderbird 128' });
    await gw.gateway.policy.settled();
    expect((await gw.gateway.store.accounts.get(VICTIM))?.state).toBe('restricted');
    const accepted = await gw.gateway.store.events.query({ codes: ['queue:accepted'], account: VICTIM });
    expect(accepted.length).toBeLessThanOrEqual(50);
    expect(result.refusedAt).not.toBeNull();
  });

  it('refuses a stolen password used to send as the CEO, and restricts the account after nine tries', async () => {
    ctx = await setup();
    const { gw, hop, hook } = ctx;
    const t = proxiedTransport(gw.starttlsPort, OFFICE_IP, { user: VICTIM, pass: PASSWORD });
    const replies: string[] = [];
    for (let i = 0; i < 12; i++) {
      const err = await t
        .sendMail({ envelope: { from: VICTIM, to: CONTACTS[i] }, from: '社長 <ceo@example.co.jp>', to: CONTACTS[i], subject: '至急: 振込のお願い', text: '本日中に下記口座へ振込をお願いします。', headers: { 'X-Mailer': 'Thunderbird 128' } })
        .catch((e: { response: string }) => e);
      replies.push(String((err as { response: string }).response));
    }
    t.close();
    await gw.gateway.policy.settled();
    expect(replies.slice(0, 9).every((r) => r.includes('550 5.7.1 From header address <ceo@example.co.jp> is not allowed'))).toBe(true);
    // After the ninth the account is restricted and its password must be changed: the next logins fail.
    expect(replies.slice(9).every((r) => r.startsWith('535 5.7.8'))).toBe(true);
    expect((await gw.gateway.store.accounts.get(VICTIM))?.state).toBe('restricted');
    const refusals = await gw.gateway.store.events.query({ codes: ['policy:sender-refused'], account: VICTIM });
    expect(refusals).toHaveLength(9);
    expect(refusals[0].data).toMatchObject({ type: 'sender-refused', field: 'From header', address: 'ceo@example.co.jp', ip: OFFICE_IP });
    expect(hop.messages.filter((m) => m.raw.toString().includes('ceo@example.co.jp') && !m.raw.toString().includes('X-Mailwarden-Incident'))).toEqual([]);
    await expect.poll(() => hook.calls.length).toBe(1);
    expect(JSON.stringify(hook.calls[0].body)).toContain('is not this account');
  });

  it('lets the owner keep sending ordinary mail from the office, and tells nobody', async () => {
    ctx = await setup();
    const { gw, hook } = ctx;
    const t = proxiedTransport(gw.starttlsPort, OFFICE_IP, { user: VICTIM, pass: PASSWORD });
    for (let i = 0; i < 6; i++) {
      const info = await t.sendMail({ from: VICTIM, to: CONTACTS[i], subject: `Re: 打ち合わせ ${i}`, text: `ご確認ください ${i}`, headers: { 'X-Mailer': 'Thunderbird 128' } });
      expect(info.response).toMatch(/^250 /);
    }
    t.close();
    await gw.gateway.policy.settled();
    expect((await gw.gateway.store.accounts.get(VICTIM))?.state).toBe('active');
    expect(hook.calls).toEqual([]);
  });
});
