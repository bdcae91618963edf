/**
 * SMTP AUTH throughput of a live gateway (in this process, SQLite store, loopback):
 *
 * 1. fresh: each login a new session (STARTTLS + AUTH PLAIN), every password verified with
 *    argon2id (credential cache off);
 * 2. cached: the same with the credential cache on (one argon2 run per account, then HMAC);
 * 3. absorbed: wrong guesses from banned sources, pipelined on raw sessions, refused by the
 *    guard before any hash: the rate of rejected attempts the gateway absorbs;
 * 4. check-fresh / check-cached: the credential check alone, without sockets and TLS.
 *
 *   node --import tsx bench/auth.ts [--logins 400] [--connections 16] [--guesses 20000]
 *
 * Prints one JSON line per measurement on stdout.
 */
import { parseArgs } from 'node:util';
import { authWork } from '../src/app/guard.js';
import { CredentialCache } from '../src/auth/credential-cache.js';
import { checkCredentials } from '../src/auth/credentials.js';
import { PASSWORD, startTestGateway, type TestGateway } from '../test/helpers/gateway.js';
import { authPlainLine, RawSession } from '../test/e2e/auth/raw-session.js';

const { values } = parseArgs({ options: { logins: { type: 'string' }, connections: { type: 'string' }, guesses: { type: 'string' } } });
const LOGINS = Number(values.logins ?? 400);
const CONNECTIONS = Number(values.connections ?? 16);
const GUESSES = Number(values.guesses ?? 20_000);
const ACCOUNTS = Array.from({ length: 16 }, (_, i) => `user${i}@example.co.jp`);

async function gateway(cacheSeconds: number): Promise<TestGateway> {
  return startTestGateway({
    accounts: ACCOUNTS.map((address) => ({ address })),
    config: { submission: { trustedProxies: ['127.0.0.1'], maxClientsPerIp: 1000 }, auth: { credentialCacheSeconds: cacheSeconds, guard: { baseDelayMs: 1, maxDelayMs: 5 } } },
  });
}

/** LOGINS sessions over CONNECTIONS lanes, each from an office address (allowed, never banned). */
async function logins(gw: TestGateway, label: string): Promise<void> {
  const hashes = authWork.argon2;
  let done = 0;
  let failed = 0;
  const started = performance.now();
  const lane = async (l: number) => {
    for (let i = l; i < LOGINS; i += CONNECTIONS) {
      const s = await RawSession.open(gw.starttlsPort, `198.18.${l}.${(i % 250) + 1}`);
      const [reply] = await s.pipeline([authPlainLine(ACCOUNTS[i % ACCOUNTS.length], PASSWORD)]);
      if (reply?.startsWith('235')) done++;
      else failed++;
      s.close();
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, l) => lane(l)));
  const seconds = (performance.now() - started) / 1000;
  print({ bench: 'auth', case: label, logins: done, failed, seconds: round(seconds), perSecond: round(done / seconds), argon2: authWork.argon2 - hashes });
}

/** Bans 20 sources, then measures how fast their further guesses are refused. */
async function absorbed(gw: TestGateway): Promise<void> {
  const sources = Array.from({ length: 20 }, (_, i) => `203.0.113.${i + 1}`);
  const sessions = await Promise.all(sources.map((ip) => RawSession.open(gw.starttlsPort, ip)));
  const guess = (s: number, i: number) => authPlainLine(ACCOUNTS[(s + i) % ACCOUNTS.length], `guess-${s}-${i}`);
  await Promise.all(sessions.map((session, s) => session.pipeline(Array.from({ length: 25 }, (_, i) => guess(s, i)))));
  const hashes = authWork.argon2;
  const perSession = Math.ceil(GUESSES / sessions.length);
  const started = performance.now();
  const replies = await Promise.all(sessions.map((session, s) => session.pipeline(Array.from({ length: perSession }, (_, i) => guess(s, 100 + i)))));
  const seconds = (performance.now() - started) / 1000;
  const all = replies.flat();
  const refused = all.filter((r) => r.startsWith('454')).length;
  sessions.forEach((s) => s.close());
  print({ bench: 'auth', case: 'absorbed', attempts: all.length, refusedBeforeHash: refused, seconds: round(seconds), perSecond: round(all.length / seconds), argon2: authWork.argon2 - hashes });
}

/** The credential check alone, without sockets or TLS: what one login costs the CPU. */
async function direct(gw: TestGateway): Promise<void> {
  const noApp = { match: async () => null };
  const req = (i: number) => ({ username: ACCOUNTS[i % ACCOUNTS.length], password: PASSWORD, ip: '198.18.0.1', mechanism: 'PLAIN' });
  for (const [label, cache, n] of [['fresh', undefined, 100], ['cached', new CredentialCache(), 20_000]] as const) {
    if (cache) for (let i = 0; i < ACCOUNTS.length; i++) await checkCredentials(gw.gateway.store, req(i), noApp, { cache });
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => checkCredentials(gw.gateway.store, req(i), noApp, { cache })));
    const seconds = (performance.now() - started) / 1000;
    print({ bench: 'auth', case: `check-${label}`, checks: n, seconds: round(seconds), perSecond: round(n / seconds) });
  }
}

function print(o: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(o)}\n`);
}

const round = (n: number) => Math.round(n * 10) / 10;

for (const [label, cache] of [['fresh', 0], ['cached', 300]] as const) {
  const gw = await gateway(cache);
  await logins(gw, label);
  if (label === 'cached') await absorbed(gw);
  if (label === 'cached') await direct(gw);
  await gw.stop();
}
