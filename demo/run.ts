/**
 * `npm run demo`: the incident, replayed live on this machine. A gateway on the embedded
 * default with a local next hop; a few weeks of an employee's ordinary mail, then today's
 * ordinary mail over SMTP; then the leaked-password blast from a foreign address (2,000
 * messages at 20 a second, 30% invalid recipients). Prints what happened.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { say, type Lang } from '../src/core/i18n.js';
import { blast, SPAM_SUBJECT } from '../test/helpers/attacker.js';
import { PASSWORD, startTestGateway } from '../test/helpers/gateway.js';
import { feedHistory } from '../test/helpers/history.js';
import { startNextHop } from '../test/helpers/next-hop.js';
import { proxiedTransport } from '../test/helpers/proxied-client.js';
import { texts as t } from './texts.js';

const VICTIM = 'tanaka@example.co.jp';
const OFFICE_IP = '192.0.2.10';
const ATTACKER_IP = '203.0.113.77';
const CONTACTS = Array.from({ length: 25 }, (_, i) => `contact${i}@customer${i % 5}.example`);
const lang: Lang = (process.env.MAILWARDEN_LANG ?? process.env.LANG ?? '').startsWith('ja') ? 'ja' : 'en';
const out = (text: (typeof t)[keyof typeof t], params: Record<string, string | number> = {}) => process.stdout.write(`${say(text, params, lang)}\n`);

async function main(): Promise<void> {
  const webhook: unknown[] = [];
  const hookServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => (webhook.push(JSON.parse(body)), res.end('ok')));
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', () => r()));
  const hop = await startNextHop({ rcptReply: (a) => (a.startsWith('invalid') ? '550 5.1.1 User unknown' : undefined) });
  const gw = await startTestGateway({
    nextHopPort: hop.port,
    accounts: [{ address: VICTIM }, { address: 'suzuki@example.co.jp' }],
    config: {
      submission: { trustedProxies: ['127.0.0.1'] },
      delivery: { pollMs: 20 },
      notifications: { adminEmails: ['it@example.co.jp'], webhooks: [{ url: `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/`, format: 'json' }], retries: 0 },
    },
  });
  out(t.started, { port: gw.starttlsPort, hop: hop.port });
  feedHistory(gw.gateway.policy, { account: VICTIM, ip: OFFICE_IP, client: 'Thunderbird 128', days: 21, contacts: CONTACTS });
  out(t.history);

  const office = proxiedTransport(gw.starttlsPort, OFFICE_IP, { user: VICTIM, pass: PASSWORD });
  for (let i = 0; i < 8; i++) {
    await office.sendMail({ from: VICTIM, to: CONTACTS[i], subject: `Re: 打ち合わせ ${i}`, text: `ご確認ください。${i}`, headers: { 'X-Mailer': 'Thunderbird 128' } });
  }
  office.close();
  await waitFor(() => hop.messages.length >= 8);
  out(t.normal, { count: 8, relayed: hop.messages.length });

  out(t.attack, { ip: ATTACKER_IP });
  const result = await blast({ port: gw.starttlsPort, ip: ATTACKER_IP, user: VICTIM, pass: PASSWORD, count: 2000, perSecond: 20 });
  await gw.gateway.policy.settled();
  await new Promise((r) => setTimeout(r, 1500));
  await report(gw, hop.messages, result, webhook);
  await gw.stop();
  await hop.stop();
  hookServer.close();
}

async function report(gw: Awaited<ReturnType<typeof startTestGateway>>, relayed: { rcpts: string[]; raw: Buffer }[], result: Awaited<ReturnType<typeof blast>>, webhook: unknown[]): Promise<void> {
  const store = gw.gateway.store;
  const subs = await store.events.query({ codes: ['queue:accepted', 'queue:held', 'policy:refused'], account: VICTIM, limit: 100_000 });
  const firstSpam = subs.find((e) => String(e.data.subject) === SPAM_SUBJECT);
  const restricted = (await store.events.query({ codes: ['incident:restricted'], account: VICTIM }))[0];
  const spamRelayed = relayed.filter((m) => m.raw.toString().includes(SPAM_SUBJECT)).length;
  const held = await store.queue.list({ state: 'held', account: VICTIM });
  out(t.summary);
  out(t.attempted, { attempted: result.attempted, accepted: result.accepted });
  out(t.relayed, { count: spamRelayed });
  if (restricted && firstSpam) out(t.seconds, { seconds: ((Date.parse(restricted.ts) - Date.parse(firstSpam.ts)) / 1000).toFixed(2) });
  if (restricted) out(t.reasons, { reasons: (restricted.data.reasons as string[]).join('\n    ') });
  out(t.quarantine, { count: held.length });
  const alert = relayed.find((m) => m.rcpts.includes('it@example.co.jp'));
  const subject = alert ? /^Subject: (.*)$/m.exec(alert.raw.toString())?.[1] ?? '' : '';
  out(alert ? t.alertMail : t.noAlert, { subject: decodeSubject(subject) });
  out(t.webhook, { count: webhook.length });
  const account = await store.accounts.get(VICTIM);
  out(t.state, { state: account?.state ?? '?' });
}

function decodeSubject(s: string): string {
  const m = /=\?UTF-8\?B\?([^?]+)\?=/i.exec(s);
  return m ? Buffer.from(m[1], 'base64').toString('utf8') : s;
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
