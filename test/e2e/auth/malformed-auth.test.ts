import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authWork } from '../../../src/app/guard.js';
import { PASSWORD, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { SmtpScript } from '../../helpers/smtp-script.js';

const USER = 'tanaka@example.co.jp';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('malformed AUTH', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway({ config: { auth: { guard: { baseDelayMs: 1, maxDelayMs: 5 } } } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  async function secured(): Promise<SmtpScript> {
    const s = await SmtpScript.open(gw.starttlsPort);
    await s.send('EHLO client.example');
    await s.starttls();
    await s.send('EHLO client.example');
    return s;
  }

  const failures = async () => (await gw.gateway.store.events.query({ codes: ['smtp:auth-failed'], limit: 10_000 })).length;
  const malformedFailures = async () =>
    (await gw.gateway.store.events.query({ codes: ['smtp:auth-failed', 'smtp:auth-throttled'], limit: 10_000 })).filter((e) => (e.data as { mechanism?: string }).mechanism === 'MALFORMED').length;

  it('refuses AUTH after a successful AUTH, and in the middle of a transaction, with 503', async () => {
    const s = await secured();
    expect(await s.authPlain(USER, PASSWORD)).toMatch(/^235/);
    expect(await s.authPlain(USER, PASSWORD)).toMatch(/^503/);
    expect(await s.send(`MAIL FROM:<${USER}>`)).toMatch(/^250/);
    expect(await s.send(`AUTH PLAIN ${b64(`\0${USER}\0${PASSWORD}`)}`)).toMatch(/^503/);
    expect(await s.send('RSET')).toMatch(/^250/);
    s.close();
  });

  const cases: [string, string[], RegExp][] = [
    ['bad base64', ['AUTH PLAIN !!!not*base64!!!'], /^501/],
    ['an empty token after the 334 prompt', ['AUTH PLAIN', ''], /^501/],
    ['a token without the NUL separators', [`AUTH PLAIN ${b64(`${USER}${PASSWORD}`)}`], /^501/],
    ['extra NUL bytes', [`AUTH PLAIN ${b64(`\0\0${USER}\0${PASSWORD}\0`)}`], /^501/],
    ['a NUL byte inside the user name', [`AUTH PLAIN ${b64(`\0tanaka\0@example.co.jp\0x`)}`], /^501/],
    ['an unknown mechanism', ['AUTH GSSAPI'], /^504/],
    ['a mechanism that is not offered', ['AUTH CRAM-MD5'], /^504/],
    ['an empty password', [`AUTH PLAIN ${b64(`\0${USER}\0`)}`], /^535/],
    ['a huge password (3,000 characters)', [`AUTH PLAIN ${b64(`\0${USER}\0${'x'.repeat(3_000)}`)}`], /^535/],
    ['an empty LOGIN user name', ['AUTH LOGIN', ''], /^501/],
  ];

  for (const [what, lines, expected] of cases) {
    it(`answers ${what} with ${expected.source.slice(1)} and counts it as a failed login, without hashing`, async () => {
      const s = await secured();
      const before = await failures();
      const hashes = authWork.argon2;
      let reply = '';
      for (const line of lines) reply = await s.send(line);
      expect(reply).toMatch(expected);
      await new Promise((r) => setTimeout(r, 150));
      expect(await failures()).toBe(before + 1);
      expect(authWork.argon2).toBe(hashes);
      s.close();
    });
  }

  it('drops a line longer than the command limit with 421 and keeps serving', async () => {
    const s = await secured();
    const reply = await s.send(`AUTH PLAIN ${'A'.repeat(10_000)}`);
    expect(reply).toMatch(/^421|^$/);
    s.close();
    const again = await secured();
    expect(await again.authPlain(USER, PASSWORD)).toMatch(/^235/);
    again.close();
  });

  it('refuses AUTH before TLS, never reading the password, and counts it', async () => {
    // counted as a failure, or refused outright once earlier garbage from this address was banned
    const before = await malformedFailures();
    const s = await SmtpScript.open(gw.starttlsPort);
    await s.send('EHLO client.example');
    expect(await s.authPlain(USER, PASSWORD)).toMatch(/^5\d\d/);
    s.close();
    await new Promise((r) => setTimeout(r, 150));
    expect(await malformedFailures()).toBe(before + 1);
  });

  it('bans a client that keeps sending garbage, as it would one guessing passwords', async () => {
    const s = await secured();
    for (let i = 0; i < 25; i++) await s.send('AUTH PLAIN !!!');
    await new Promise((r) => setTimeout(r, 300));
    // banned for the empty name it presents (a pair ban), then refused before any work
    const bans = await gw.gateway.store.events.query({ codes: ['auth:source-banned', 'auth:pair-banned'] });
    expect(bans.some((e) => (e.data as { source: string }).source === '127.0.0.1')).toBe(true);
    const throttled = await gw.gateway.store.events.query({ codes: ['smtp:auth-throttled'], limit: 10_000 });
    expect(throttled.length).toBeGreaterThan(5);
    s.close();
  });
});
