import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { authPlainLine, RawSession } from './raw-session.js';

const dir = mkdtempSync(join(tmpdir(), 'mw-bans-'));
const ATTACKER = '203.0.113.66';
const USER = 'tanaka@example.co.jp';

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'bans', ...args, '--config', join(dir, 'mailwarden.yaml')], {
    encoding: 'utf8',
    env: { ...process.env, MAILWARDEN_LANG: 'en' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const waitFor = async (cond: () => Promise<boolean>, ms = 5_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
};

describe('mailwarden bans list|lift', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway({
      dir,
      config: { submission: { trustedProxies: ['127.0.0.1'] }, auth: { guard: { baseDelayMs: 1, maxDelayMs: 5, sourceBanAfterFailures: 5 } } },
    });
    const s = await RawSession.open(gw.starttlsPort, ATTACKER);
    await s.pipeline(Array.from({ length: 8 }, (_, i) => authPlainLine(USER, `guess-${i}`)));
    s.close();
  }, 60_000);

  afterAll(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records each delay and the ban as events', async () => {
    const events = await gw.gateway.store.events.query({ codes: ['auth:delayed', 'auth:source-banned'] });
    expect(events.filter((e) => e.code === 'auth:delayed').length).toBeGreaterThan(0);
    expect(events.some((e) => e.code === 'auth:source-banned' && (e.data as { source: string }).source === ATTACKER)).toBe(true);
  });

  it('lists the running ban as JSON lines', () => {
    const r = cli(['list', '--json']);
    expect(r.code).toBe(0);
    const bans = r.out.trim().split('\n').map((l) => JSON.parse(l) as { source: string; account: string | null; until: string });
    const ban = bans.find((b) => b.source === ATTACKER && b.account === null);
    expect(ban).toBeDefined();
    expect(Date.parse(ban!.until)).toBeGreaterThan(Date.now());
  });

  it('refuses a lift without a valid source or account', () => {
    expect(cli(['lift', 'not-an-ip']).code).toBe(2);
    expect(cli(['bogus']).code).toBe(2);
  });

  it('lifts the ban: the list no longer shows it and the running gateway lets the address log in again', async () => {
    const r = cli(['lift', ATTACKER, '--reason', 'user at hotel confirmed by phone']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('Lifted: 203.0.113.66');
    expect(cli(['list', '--json']).out).not.toContain(ATTACKER);
    const unbanned = await waitFor(async () => {
      const s = await RawSession.open(gw.starttlsPort, ATTACKER);
      const [reply] = await s.pipeline([authPlainLine(USER, PASSWORD)]);
      s.close();
      return reply.startsWith('235');
    });
    expect(unbanned).toBe(true);
    const audit = await gw.gateway.store.audit.query({ limit: 10 });
    expect(audit.some((a) => a.action === 'auth.ban-lift' && a.target === ATTACKER)).toBe(true);
  }, 30_000);
});
