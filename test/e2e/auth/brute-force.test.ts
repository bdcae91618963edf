/**
 * A password-guessing campaign over real SMTP sessions: 2,000 wrong guesses from 50 addresses
 * (through the PROXY protocol) against 20 accounts, pipelined on raw sockets, while the owner of
 * another account keeps sending mail from the office.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authWork } from '../../../src/app/guard.js';
import { PASSWORD, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { startNextHop, type NextHop } from '../../helpers/next-hop.js';
import { proxiedTransport } from '../../helpers/proxied-client.js';
import { authPlainLine, RawSession } from './raw-session.js';

const SOURCES = Array.from({ length: 50 }, (_, i) => `203.0.113.${i + 1}`);
const TARGETS = Array.from({ length: 20 }, (_, i) => `user${String(i + 1).padStart(2, '0')}@example.co.jp`);
const GUESSES_PER_SOURCE = 40;
const OWNER = 'tanaka@example.co.jp';
const OFFICE_IP = '198.51.100.20';
// The guard's own defaults except the delay, cut from seconds to milliseconds so the campaign
// fits in a test run; bans and spray detection use the shipped thresholds.
const GUARD = { baseDelayMs: 10, maxDelayMs: 100 };
const SPRAY_ACCOUNTS = 10;

const GUESSES = ['Password1!', 'tanaka2024', 'Sh1nk1bus!', 'qwerty123', 'sakura2024', 'Welcome2025!', 'P@ssw0rd', 'mail2024'];

describe('2,000 guesses from 50 addresses against 20 accounts', () => {
  let gw: TestGateway;
  let hop: NextHop;
  const replies: string[] = [];
  let argon2Runs = 0;
  let ownerSent = 0;
  let elapsedMs = 0;

  beforeAll(async () => {
    hop = await startNextHop();
    gw = await startTestGateway({
      nextHopPort: hop.port,
      accounts: [OWNER, ...TARGETS].map((address) => ({ address })),
      config: { submission: { trustedProxies: ['127.0.0.1'], maxClientsPerIp: 100 }, auth: { guard: GUARD } },
    });
    const before = authWork.argon2;
    const started = Date.now();
    const attack = Promise.all(SOURCES.map((ip, s) => guessFrom(ip, s)));
    const owner = ownerSendsDuringAttack();
    [, ownerSent] = await Promise.all([attack, owner]);
    elapsedMs = Date.now() - started;
    argon2Runs = authWork.argon2 - before;
  }, 120_000);

  afterAll(async () => {
    await gw?.stop();
    await hop?.stop();
  });

  /** Each source sprays the accounts round-robin, as a guessing tool does, on two connections (alternate lines). */
  async function guessFrom(ip: string, s: number): Promise<void> {
    const lines = Array.from({ length: GUESSES_PER_SOURCE }, (_, i) =>
      authPlainLine(TARGETS[(s + i) % TARGETS.length], `${GUESSES[i % GUESSES.length]}${s}-${i}`),
    );
    const halves = [lines.filter((_, i) => i % 2 === 0), lines.filter((_, i) => i % 2 === 1)];
    await Promise.all(
      halves.map(async (part) => {
        const session = await RawSession.open(gw.starttlsPort, ip);
        replies.push(...(await session.pipeline(part)));
        session.close();
      }),
    );
  }

  /** The owner connects afresh for each message, as a phone does on every wake-up. */
  async function ownerSendsDuringAttack(): Promise<number> {
    let sent = 0;
    for (let i = 0; i < 5; i++) {
      const t = proxiedTransport(gw.starttlsPort, OFFICE_IP, { user: OWNER, pass: PASSWORD });
      const info = await t.sendMail({ from: OWNER, to: `customer${i}@example.net`, subject: `見積書 ${i}`, text: 'ご確認ください。' });
      if (info.accepted.length === 1) sent++;
      t.close();
      await new Promise((r) => setTimeout(r, 100));
    }
    return sent;
  }

  it('gets an answer to every guess within a minute, and no guess succeeds', () => {
    expect(replies).toHaveLength(SOURCES.length * GUESSES_PER_SOURCE);
    expect(replies.filter((r) => r.startsWith('235'))).toHaveLength(0);
    expect(elapsedMs).toBeLessThan(60_000);
  });

  it('bans every source', async () => {
    const events = await gw.gateway.store.events.query({ codes: ['auth:source-banned'], limit: 10_000 });
    const banned = new Set(events.map((e) => String((e.data as { source?: string }).source)));
    for (const ip of SOURCES) expect(banned.has(ip)).toBe(true);
  });

  it('refuses most guesses before any hash is computed: argon2 runs at most for the spray threshold per source', async () => {
    const throttled = replies.filter((r) => r.startsWith('454')).length;
    const bound = SOURCES.length * (SPRAY_ACCOUNTS + 2);
    expect(argon2Runs).toBeLessThanOrEqual(bound);
    expect(throttled).toBeGreaterThanOrEqual(SOURCES.length * GUESSES_PER_SOURCE - bound);
    expect(argon2Runs / replies.length).toBeLessThan(0.35);
  });

  it('lets the owner at the office send mail throughout the attack', async () => {
    expect(ownerSent).toBe(5);
    const ok = await gw.gateway.store.events.query({ codes: ['smtp:auth-ok'], limit: 100 });
    expect(ok.filter((e) => e.account === OWNER)).toHaveLength(5);
  });
});
