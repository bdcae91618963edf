import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startNextHop, type NextHop } from '../helpers/next-hop.js';
import { SmtpScript } from '../helpers/smtp-script.js';

const USER = 'tanaka@example.co.jp';

function client(port: number, opts: { secure?: boolean; user?: string; pass?: string; pool?: boolean } = {}) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: opts.secure ?? false,
    requireTLS: !opts.secure,
    tls: { rejectUnauthorized: false },
    auth: { user: opts.user ?? USER, pass: opts.pass ?? PASSWORD },
    pool: opts.pool ?? false,
  });
}

async function waitFor(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('submission over real sockets', () => {
  let hop: NextHop;
  let gw: TestGateway;

  beforeAll(async () => {
    hop = await startNextHop();
    gw = await startTestGateway({
      nextHopPort: hop.port,
      accounts: [{ address: USER, aliases: ['sales@example.co.jp'] }],
      config: { detection: { shadow: true }, submission: { maxMessageBytes: 200_000 } },
    });
  });

  afterAll(async () => {
    await gw?.stop();
    await hop?.stop();
  });

  it('relays 100 messages sent over STARTTLS with AUTH, and every one arrives at the next hop', async () => {
    const t = client(gw.starttlsPort, { pool: true });
    const before = hop.messages.length;
    const replies: string[] = [];
    for (let i = 0; i < 100; i++) {
      const info = await t.sendMail({ from: USER, to: `customer${i}@example.net`, subject: `見積書 ${i}`, text: `本文 ${i}` });
      replies.push(info.response);
    }
    expect(replies.every((r) => /^250 2\.0\.0 Ok: queued as [0-9A-Z]+$/.test(r))).toBe(true);
    await waitFor(() => hop.messages.length - before >= 100);
    const got = hop.messages.slice(before).map((m) => m.rcpts[0]).sort();
    expect(new Set(got).size).toBe(100);
    const sample = hop.messages[before].raw.toString();
    expect(sample).toMatch(/^Received: from [\s\S]*?by gw\.test \(Mailwarden\) with ESMTPSA/);
  });

  it('accepts submission on the implicit-TLS port', async () => {
    const info = await client(gw.tlsPort, { secure: true }).sendMail({ from: USER, to: 'a@example.net', subject: 'x', text: 'y' });
    expect(info.response).toMatch(/^250 /);
  });

  it('never offers or accepts AUTH before TLS', async () => {
    const s = await SmtpScript.open(gw.starttlsPort);
    const ehlo = await s.send('EHLO client.test');
    expect(ehlo).toContain('STARTTLS');
    expect(ehlo).not.toMatch(/AUTH/);
    const auth = await s.authPlain(USER, PASSWORD);
    expect(auth).toMatch(/^5\d\d /);
    await s.starttls();
    expect(await s.send('EHLO client.test')).toMatch(/AUTH PLAIN LOGIN/);
    expect(await s.authPlain(USER, PASSWORD)).toMatch(/^235 /);
    s.close();
  });

  it('refuses a wrong password with 535 5.7.8, the same reply as for an unknown user', async () => {
    const wrong = client(gw.starttlsPort, { pass: 'not the password at all' });
    await expect(wrong.sendMail({ from: USER, to: 'a@example.net', text: 'x' })).rejects.toMatchObject({ responseCode: 535 });
    const unknown = client(gw.starttlsPort, { user: 'nobody@example.co.jp', pass: 'whatever it is' });
    const err = await unknown.sendMail({ from: USER, to: 'a@example.net', text: 'x' }).catch((e) => e);
    expect(err.responseCode).toBe(535);
    expect(err.response).toContain('5.7.8 Authentication credentials invalid');
  });

  it('refuses a foreign envelope sender and a foreign From header with 550 5.7.1 naming the address', async () => {
    const t = client(gw.starttlsPort);
    const env = await t.sendMail({ envelope: { from: 'ceo@example.co.jp', to: 'a@example.net' }, from: USER, text: 'x' }).catch((e) => e);
    expect(env.responseCode).toBe(550);
    expect(env.response).toContain('5.7.1 MAIL FROM address <ceo@example.co.jp> is not allowed');
    const hdr = await t.sendMail({ envelope: { from: USER, to: 'a@example.net' }, from: 'ceo@example.co.jp', text: 'x' }).catch((e) => e);
    expect(hdr.responseCode).toBe(550);
    expect(hdr.response).toContain('From header address <ceo@example.co.jp>');
    const alias = await t.sendMail({ from: 'sales@example.co.jp', to: 'a@example.net', text: 'alias is fine' });
    expect(alias.response).toMatch(/^250 /);
  });

  it('refuses an oversized message with 552 and keeps the session usable', async () => {
    const t = client(gw.starttlsPort);
    const err = await t.sendMail({ from: USER, to: 'a@example.net', text: 'x'.repeat(300_000) }).catch((e) => e);
    expect(err.responseCode).toBe(552);
  });

  it('refuses SMTP smuggling (bare LF around a dot line) with 5xx and never splits the message', async () => {
    const before = await gw.gateway.store.queue.counts();
    const s = await SmtpScript.open(gw.tlsPort, true);
    await s.send('EHLO client.test');
    expect(await s.authPlain(USER, PASSWORD)).toMatch(/^235 /);
    expect(await s.send(`MAIL FROM:<${USER}>`)).toMatch(/^250/);
    expect(await s.send('RCPT TO:<victim@example.net>')).toMatch(/^250/);
    expect(await s.send('DATA')).toMatch(/^354/);
    s.write(`From: ${USER}\r\nSubject: hi\r\n\r\nhello\n.\nMAIL FROM:<ceo@example.co.jp>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\nforged\r\n.\r\n`);
    const reply = await s.reply();
    expect(reply).toMatch(/^550 5\.5\.2 .*smuggling/i);
    s.close();
    const after = await gw.gateway.store.queue.counts();
    expect(after.queued + after.done + after.held).toBe(before.queued + before.done + before.held);
  });

  it('records auth attempts and submissions as events', async () => {
    const events = await gw.gateway.store.events.query({ codes: ['smtp:auth-ok', 'smtp:auth-failed', 'queue:accepted'], limit: 10_000 });
    const codes = new Set(events.map((e) => e.code));
    expect(codes).toEqual(new Set(['smtp:auth-ok', 'smtp:auth-failed', 'queue:accepted']));
    const submit = events.find((e) => e.code === 'queue:accepted')!.data;
    expect(submit).toMatchObject({ type: 'submit', account: USER, ip: '127.0.0.1' });
    expect(submit.bodyHash).toMatch(/^[0-9a-f]{32}$/);
  });
});
