import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as dmarc } from '../../../src/cli/dmarc.js';
import { mailBounce, messageIdOf, notice, POSTMASTER, relayedTo, REPORTS, startBounceWorld, submit, waitFor, type BounceWorld } from './fixture.js';

const USER = 'tanaka@example.co.jp';
const BULKY = 'suzuki@example.co.jp';

/** Runs a CLI group in-process and returns what it printed on stdout. */
async function stdoutOf(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (chunks.push(String(c)), true));
  try {
    return { code: await fn(), out: chunks.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('bounce evidence, DMARC reports and bounce rates over real sockets', () => {
  let w: BounceWorld;

  beforeAll(async () => {
    // a declared bulk sender, so that the burst itself stays within the detection engine's limits
    w = await startBounceWorld([USER, BULKY], { rates: { minRecipients: 10, minHardBounces: 3 } }, { detection: { bulkSenders: [BULKY] } });
  });
  afterAll(async () => {
    await w?.stop();
  });

  it('turns a bounce for a message the gateway never sent into spoofing evidence that points to DMARC', async () => {
    const raw = notice('postfix-dsn-userunknown.eml', { messageId: '<forged-by-someone@example.co.jp>' });
    await mailBounce(w.bouncePort, POSTMASTER, raw);
    await w.gw.gateway.bounces!.intake.settled();
    const [e] = await w.gw.gateway.store.events.query({ codes: ['bounce:spoofing-evidence'] });
    expect(e.data).toMatchObject({
      reportingMta: 'mx.example.net',
      headerFrom: 'tanaka@example.co.jp',
      messageId: '<forged-by-someone@example.co.jp>',
      recipients: ['kijitora@example.net'],
      domain: 'example.co.jp',
    });
    const finding = e.data.finding as { en: string; ja: string };
    expect(finding.en).toContain('mailwarden domain check example.co.jp');
    expect(finding.en).toContain('mailwarden dmarc sources example.co.jp');
    expect(finding.ja).toContain('第三者が example.co.jp の名前で');
    expect((await w.gw.gateway.store.bounces.list({ kind: 'spoofing' })).length).toBe(1);
  });

  it('stores a DMARC report mailed to the report address, and "dmarc sources DOMAIN" shows it', async () => {
    const raw = readFileSync(new URL('../../fixtures/dmarc/small-provider-email-xml.eml', import.meta.url));
    await mailBounce(w.bouncePort, REPORTS, raw);
    await w.gw.gateway.bounces!.intake.settled();
    const [stored] = await w.gw.gateway.store.bounces.list({ kind: 'dmarc-report' });
    expect(stored.summary.report).toMatchObject({ orgName: 'mx.small-isp.example', policy: { domain: 'example.co.jp' } });
    const config = join(w.gw.dir, 'mailwarden.yaml');
    const { code, out } = await stdoutOf(() => dmarc(['sources', 'example.co.jp', '--json', '--config', config]));
    expect(code).toBe(0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.sourceIp === '192.0.2.25')).toBe(true);
    const other = await stdoutOf(() => dmarc(['sources', 'other.example', '--json', '--config', config]));
    expect(other.out).toBe('');
  });

  it('restricts an account whose mail hard-bounces past the restriction rate', async () => {
    const sent: { rcpt: string; id: string }[] = [];
    for (let i = 0; i < 20; i++) sent.push({ rcpt: `list${i}@example.net`, id: await submit(w, BULKY, `list${i}@example.net`, `burst ${i}`) });
    const copies = await waitFor(() => {
      const all = sent.map((s) => relayedTo(w.hop, s.rcpt));
      return all.every(Boolean) && all;
    });
    for (const copy of copies.slice(0, 3)) {
      await mailBounce(w.bouncePort, copy!.mailFrom, notice('postfix-dsn-userunknown.eml', { returnPath: copy!.mailFrom, messageId: messageIdOf(copy!.raw), rcpt: copy!.rcpts[0] }));
    }
    await w.gw.gateway.bounces!.intake.settled();
    await w.gw.gateway.policy.settled();
    const [e] = await w.gw.gateway.store.events.query({ codes: ['bounce:rate-restrict'], account: BULKY });
    expect(e.data).toMatchObject({ metric: 'bounce', count: 3, recipients: 20, threshold: 0.1 });
    expect((await w.gw.gateway.store.accounts.get(BULKY))?.state).toBe('restricted');
    expect((await w.gw.gateway.store.accounts.get(USER))?.state).not.toBe('restricted');
  });
});
