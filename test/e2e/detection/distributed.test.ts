import { afterEach, describe, expect, it } from 'vitest';
import { spamMessage } from '../../helpers/attacker.js';
import { PASSWORD, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { feedHistory } from '../../helpers/history.js';
import { startNextHop, type NextHop } from '../../helpers/next-hop.js';
import { proxiedTransport } from '../../helpers/proxied-client.js';

const VICTIM = 'tanaka@example.co.jp';
const COLLEAGUES = Array.from({ length: 14 }, (_, i) => `staff${i}@example.co.jp`);
const CONTACTS = Array.from({ length: 25 }, (_, i) => `contact${i}@customer${i % 5}.example`);

async function setup(extra: Record<string, unknown> = {}): Promise<{ gw: TestGateway; hop: NextHop }> {
  const hop = await startNextHop({ rcptReply: (a) => (a.startsWith('invalid') ? '550 5.1.1 User unknown' : undefined) });
  const gw = await startTestGateway({
    nextHopPort: hop.port,
    accounts: [{ address: VICTIM }, ...COLLEAGUES.map((address) => ({ address }))],
    config: { submission: { trustedProxies: ['127.0.0.0/8'] }, delivery: { pollMs: 20 }, ...extra },
  });
  feedHistory(gw.gateway.policy, { account: VICTIM, ip: '192.0.2.10', client: 'Thunderbird 128', days: 21, contacts: CONTACTS });
  return { gw, hop };
}

/** One message over a fresh session from `ip`; the SMTP code of the outcome (250 when accepted). */
function sendOnce(port: number, ip: string, i: number): Promise<number> {
  const t = proxiedTransport(port, ip, { user: VICTIM, pass: PASSWORD });
  return t.sendMail(spamMessage(VICTIM, i)).then(
    () => 250,
    (e: { responseCode?: number }) => e.responseCode ?? 0,
  ).finally(() => t.close());
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (check()) return true;
  return check();
}

/**
 * A list of stolen passwords used from one place: `n` colleagues with three weeks of office mail,
 * then each, one after another, from a fresh address of one provider in Vietnam, one message to strangers.
 */
async function useList(gw: TestGateway, n: number): Promise<string[]> {
  const listed = COLLEAGUES.slice(0, n);
  for (const [i, account] of listed.entries()) feedHistory(gw.gateway.policy, { account, ip: `192.0.2.${20 + i}`, client: 'Thunderbird 128', days: 21, contacts: CONTACTS });
  for (const [i, account] of listed.entries()) {
    const t = proxiedTransport(gw.starttlsPort, `14.160.${10 + i}.7`, { user: account, pass: PASSWORD });
    await t.sendMail({ from: account, to: [`lead${i}@prospects${i}.example`, `lead${i}@prospects${i + 10}.example`], subject: `Document shared with you ${i}`, text: `Open the document: http://docs-share.example/${i}` }).catch(() => undefined);
    t.close();
  }
  await gw.gateway.policy.settled();
  return listed;
}

describe('attacks spread over many addresses', () => {
  let ctx: { gw: TestGateway; hop: NextHop } | undefined;
  afterEach(async () => {
    await ctx?.gw.stop();
    await ctx?.hop.stop();
  });

  it('contains a distributed attack from dozens of addresses within 50 messages', async () => {
    ctx = await setup();
    const { gw } = ctx;
    let accepted = 0;
    for (let i = 0; i < 120; i++) {
      const ip = `198.51.100.${10 + (i % 40)}`;
      if ((await sendOnce(gw.starttlsPort, ip, i)) === 250) accepted++;
      if ((await gw.gateway.store.accounts.get(VICTIM))?.state === 'restricted') break;
    }
    await gw.gateway.policy.settled();
    expect((await gw.gateway.store.accounts.get(VICTIM))?.state).toBe('restricted');
    const taken = await gw.gateway.store.events.query({ codes: ['queue:accepted'], account: VICTIM, limit: 1000 });
    expect(taken.length).toBeLessThanOrEqual(50);
    expect(accepted).toBeGreaterThanOrEqual(taken.length);
  });

  it('alerts the administrators, naming the accounts, when a list of stolen passwords is used from one new place', async () => {
    ctx = await setup({ notifications: { adminEmails: ['it@example.co.jp'], retries: 0 } });
    const { gw, hop } = ctx;
    const listed = await useList(gw, 5);
    const alerts = () => hop.messages.filter((m) => m.rcpts.includes('it@example.co.jp'));
    expect(await waitUntil(() => alerts().length > 0, 5000)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    // One alert for the incident: the fifth account is in the record, not in a second mail.
    expect(alerts()).toHaveLength(1);
    const raw = alerts()[0].raw.toString();
    expect(raw).toMatch(/X-Mailwarden-Incident: [0-9a-f-]{36}/);
    const body = Buffer.from(raw.split('\r\n\r\n')[1].replace(/\r\n/g, ''), 'base64').toString('utf8');
    expect(body).toMatch(/^At .+, 4 accounts were mailing only people they never mailed before from (network|country) \S+, a place new to each of them/m);
    for (const account of listed.slice(0, 4)) expect(body).toContain(`  - ${account}`);
    expect(body).toContain('アカウント (開始順):');
    const [incident] = await gw.gateway.store.events.query({ codes: ['incident:shared-place'] });
    expect(incident.account).toBeNull();
    expect((incident.data as { accounts: string[] }).accounts).toEqual(listed.slice(0, 4));
  });

  it('folds the restrictions of a list\'s accounts into its incident: each owner is told, the administrators in one update', async () => {
    ctx = await setup({ notifications: { adminEmails: ['it@example.co.jp'], retries: 0 } });
    const { gw, hop } = ctx;
    const listed = await useList(gw, 11);
    // From the tenth account at the place, a held message restricts its account.
    const restricted: string[] = [];
    for (const a of listed) if ((await gw.gateway.store.accounts.get(a))?.state === 'restricted') restricted.push(a);
    expect(restricted.length).toBeGreaterThan(0);
    const text = (m: { raw: Buffer }) => Buffer.from(m.raw.toString().split('\r\n\r\n')[1].replace(/\r\n/g, ''), 'base64').toString('utf8');
    const toAdmins = () => hop.messages.filter((m) => m.rcpts.includes('it@example.co.jp'));
    expect(await waitUntil(() => toAdmins().some((m) => text(m).includes('Restricted so far')), 5000)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    // The opening (4 accounts), the update at 8, the update telling the first restriction; no
    // alert of its own for a restricted account, whose owner gets the usual mail.
    const admin = toAdmins().map(text);
    expect(admin.filter((b) => /^At .+ Mailwarden restricted the account/m.test(b))).toEqual([]);
    expect(admin).toHaveLength(3);
    const update = admin.find((b) => b.includes('Restricted so far'))!;
    expect(update).toContain(`  - ${restricted[0]}`);
    for (const a of restricted) expect(hop.messages.some((m) => m.rcpts.includes(a) && text(m).includes('was suspended'))).toBe(true);
  });

  it('restricts the accounts of a list of stolen passwords sending one lure to colleagues, known and new, from a domestic provider', async () => {
    ctx = await setup({ notifications: { adminEmails: ['it@example.co.jp'], retries: 0 } });
    const { gw, hop } = ctx;
    const listed = COLLEAGUES.slice(0, 8);
    // Each writes to the next colleague every day, and never to the one after.
    for (const [i, account] of listed.entries()) feedHistory(gw.gateway.policy, { account, ip: `192.0.2.${20 + i}`, client: 'Thunderbird 128', days: 21, contacts: [COLLEAGUES[(i + 1) % 14], ...CONTACTS.slice(0, 6)] });
    const codes: number[] = [];
    for (const [i, account] of listed.entries()) {
      // A fresh exit of one Japanese consumer provider for each account; the same text from all.
      const t = proxiedTransport(gw.starttlsPort, `126.33.${10 + i}.7`, { user: account, pass: PASSWORD });
      for (let k = 0; k < 2; k++) {
        const lure = { from: account, to: [COLLEAGUES[(i + 1) % 14], COLLEAGUES[(i + 2 + k) % 14]], subject: '共有ドキュメント: 第3四半期の確認', text: '資料を共有しました。こちらから確認してください: http://docs-share.example/q3\n' };
        codes.push(await t.sendMail(lure).then(() => 250, (e: { responseCode?: number }) => e.responseCode ?? 0));
      }
      t.close();
    }
    await gw.gateway.policy.settled();
    // Each message carries a colleague the account writes to: before, all sixteen went out.
    expect(codes.filter((c) => c === 250).length).toBeLessThanOrEqual(8);
    const states = await Promise.all(listed.map(async (a) => (await gw.gateway.store.accounts.get(a))?.state));
    expect(states.slice(5)).toEqual(['restricted', 'restricted', 'restricted']);
    // The lure that tipped each over is in quarantine; the administrators are told.
    const held = await gw.gateway.store.queue.list({ state: 'held', limit: 100 });
    const heldFor = new Set(held.map((m) => m.account));
    for (const [i, a] of listed.entries()) if (states[i] === 'restricted') expect(heldFor.has(a), a).toBe(true);
    const [decision] = await gw.gateway.store.events.query({ codes: ['queue:held'], account: listed[5], limit: 1 });
    expect(JSON.stringify(decision.data)).toMatch(/same body [0-9a-f]{6}~[0-9a-z]+ from \d+ accounts within 6 hours, each from a network, country or IP not its own/);
    // One incident of the organisation, named by the text, and its updates: no alert per account.
    const text = (m: { raw: Buffer }) => Buffer.from(m.raw.toString().split('\r\n\r\n')[1].replace(/\r\n/g, ''), 'base64').toString('utf8');
    const toAdmins = () => hop.messages.filter((m) => m.rcpts.includes('it@example.co.jp')).map(text);
    expect(await waitUntil(() => toAdmins().some((b) => b.includes('Restricted so far')), 5000)).toBe(true);
    const admin = toAdmins();
    expect(admin[0]).toMatch(/^At .+, 3 accounts had sent one text \(body [0-9a-f]{6}~[0-9a-z]+\) to people they never mailed before within 6 hours/m);
    for (const a of listed.slice(0, 3)) expect(admin[0]).toContain(`  - ${a}`);
    expect(admin.filter((b) => /^At .+ Mailwarden restricted the account/m.test(b))).toEqual([]);
    const restricted = listed.filter((_, i) => states[i] === 'restricted');
    for (const a of restricted) expect(hop.messages.some((m) => m.rcpts.includes(a) && text(m).includes('was suspended'))).toBe(true);
  });

  it('keeps a password sprayer that then sends from reaching volume', { timeout: 180_000 }, async () => {
    // Progressive delays are off so the test runs in seconds; bans and spray detection stay on.
    ctx = await setup({ auth: { guard: { delayAfterFailures: 1000 } } });
    const { gw, hop } = ctx;
    const sprayer = '203.0.113.200';
    for (const colleague of COLLEAGUES) {
      const t = proxiedTransport(gw.starttlsPort, sprayer, { user: colleague, pass: 'Summer2026!' });
      await t.sendMail({ from: colleague, to: 'x@victims.example', text: 'x' }).catch(() => {});
      t.close();
    }
    let sent = 0;
    let refusedInARow = 0;
    // The attacker gives up after three refusals in a row (a ban or a restriction).
    for (let i = 0; i < 80 && refusedInARow < 3; i++) {
      const code = await sendOnce(gw.starttlsPort, sprayer, i);
      if (code === 250) {
        sent++;
        refusedInARow = 0;
      } else refusedInARow++;
    }
    await gw.gateway.policy.settled();
    await new Promise((r) => setTimeout(r, 500));
    const relayed = hop.messages.filter((m) => m.mailFrom && m.raw.toString().includes('Invoice overdue')).length;
    const restricted = (await gw.gateway.store.accounts.get(VICTIM))?.state === 'restricted';
    // Either the guard never lets the sprayer in, or the engine contains the account quickly.
    expect(sent === 0 || restricted).toBe(true);
    expect(relayed).toBeLessThanOrEqual(50);
  });
});
