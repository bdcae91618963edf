/**
 * A gateway with the bounce listener on, a next hop that records what it receives, and the
 * pieces the bounce tests share: submitting through the gateway, building a DSN for a message
 * the next hop received, and mailing something to the bounce listener.
 */
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { PASSWORD, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { startNextHop, type NextHop, type ReceivedMessage } from '../../helpers/next-hop.js';

export const SECRET = 'bounce secret for the tests';
export const REPORTS = 'dmarc-reports@example.co.jp';
export const POSTMASTER = 'postmaster@bounces.example.co.jp';

export interface BounceWorld {
  gw: TestGateway;
  hop: NextHop;
  bouncePort: number;
  stop(): Promise<void>;
}

export async function startBounceWorld(accounts: string[], config: Record<string, unknown> = {}, other: Record<string, unknown> = {}): Promise<BounceWorld> {
  const hop = await startNextHop();
  const gw = await startTestGateway({
    nextHopPort: hop.port,
    accounts: accounts.map((address) => ({ address })),
    config: {
      admin: { enabled: false },
      ...other,
      bounces: { enabled: true, secret: SECRET, host: '127.0.0.1', port: 0, reportAddresses: [REPORTS, POSTMASTER], ...config },
    },
  });
  const bouncePort = gw.gateway.listeners.find((l) => l.name === 'bounce')?.port ?? 0;
  return {
    gw,
    hop,
    bouncePort,
    async stop() {
      await gw.stop();
      await hop.stop();
    },
  };
}

export function submitter(port: number, user: string) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user, pass: PASSWORD } });
}

/** Sends through the gateway and returns the queue id from the "250" reply. */
export async function submit(w: BounceWorld, from: string, to: string | string[], subject = 'お見積り'): Promise<string> {
  const info = await submitter(w.gw.starttlsPort, from).sendMail({ from, to, subject, text: '本文です。' });
  const id = /queued as ([0-9A-Z]+)/.exec(info.response)?.[1];
  if (!id) throw new Error(`no queue id in ${info.response}`);
  return id;
}

export async function waitFor<T>(find: () => T | undefined | false | Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await find();
    if (got) return got;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The copy the next hop received for one recipient (each recipient has its own return path). */
export function relayedTo(hop: NextHop, rcpt: string, subject?: string): ReceivedMessage | undefined {
  return hop.messages.find((m) => m.rcpts.includes(rcpt) && (!subject || m.raw.toString('utf8').includes(subject)));
}

export const messageIdOf = (raw: Buffer): string => /^Message-ID:\s*(<[^>]+>)/im.exec(raw.toString('utf8'))?.[1] ?? '';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/bounces/${name}`, import.meta.url), 'utf8');
const FIXTURE_RETURN_PATH = 'bounces+01jgx4k7q2w3e5r6t7y8u9i0pa=0=fsa=kgfhklx22w@bounces.example.co.jp';

/** A real DSN (or ARF report) rewritten to name our return path, Message-ID and recipient. */
export function notice(name: 'postfix-dsn-userunknown.eml' | 'arf-abuse.eml' | 'postfix-dsn-delayed.eml', o: { returnPath?: string; messageId: string; rcpt?: string }): Buffer {
  let text = fixture(name).split(FIXTURE_RETURN_PATH).join(o.returnPath ?? 'someone@example.co.jp');
  text = text.replace(/<01JGX4K7Q2W3E5R6T7Y8U9I0PA@gw\.example\.co\.jp>|<arf-orig-8@gw\.example\.co\.jp>/g, o.messageId);
  if (o.rcpt) text = text.split('kijitora@example.net').join(o.rcpt).split('hanako@hotmail.example').join(o.rcpt);
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'));
}

/** Mails raw bytes to the bounce listener with the null sender, as a remote MTA does. */
export async function mailBounce(port: number, to: string, raw: Buffer): Promise<string> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port, tls: { rejectUnauthorized: false }, ignoreTLS: false });
  const info = await t.sendMail({ envelope: { from: '', to: [to] }, raw });
  return info.response;
}
