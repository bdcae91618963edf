import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as bounceCli } from '../../../src/cli/bounce.js';
import { run as suppressionCli } from '../../../src/cli/suppression.js';
import { SmtpScript } from '../../helpers/smtp-script.js';
import { makeReturnPath } from '../../../src/bounces/return-path.js';
import { mailBounce, messageIdOf, notice, relayedTo, SECRET, startBounceWorld, submit, submitter, waitFor, type BounceWorld } from './fixture.js';

const USER = 'tanaka@example.co.jp';

async function stdoutOf(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (chunks.push(String(c)), true));
  try {
    return { code: await fn(), out: chunks.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('bounce listener over real sockets', () => {
  let w: BounceWorld;

  beforeAll(async () => {
    w = await startBounceWorld([USER], {});
  });
  afterAll(async () => {
    await w?.stop();
  });

  it('ties a hard bounce to its message and recipient, suppresses the address, and refuses the next submission to it', async () => {
    const observe = vi.spyOn(w.gw.gateway.policy, 'observe');
    const id = await submit(w, USER, ['kijitora@example.net', 'ok@example.net'], 'hard bounce test');
    const copy = await waitFor(() => relayedTo(w.hop, 'kijitora@example.net', 'hard bounce test'));
    expect(copy.mailFrom).toMatch(/^bounces\+[a-z0-9-]+=0=[a-z0-9]+=[a-z2-7]{10}@bounces\.example\.co\.jp$/);
    const messageId = messageIdOf(copy.raw);

    const reply = await mailBounce(w.bouncePort, copy.mailFrom, notice('postfix-dsn-userunknown.eml', { returnPath: copy.mailFrom, messageId }));
    expect(reply).toMatch(/^250 2\.0\.0 Bounce received as /);
    await w.gw.gateway.bounces!.intake.settled();

    const queued = await w.gw.gateway.store.queue.get(id);
    expect(queued?.recipients.map((r) => [r.address, r.status])).toEqual([
      ['kijitora@example.net', 'bounced'],
      ['ok@example.net', 'delivered'],
    ]);
    const [event] = await w.gw.gateway.store.events.query({ codes: ['bounce:received'], account: USER });
    expect(event.data).toEqual({ ts: event.ts, type: 'bounce', account: USER, messageId, rcpt: 'kijitora@example.net', status: '5.1.1', reason: 'userunknown' });
    expect(observe).toHaveBeenCalledWith(event.data);
    expect(await w.gw.gateway.store.suppression.get('kijitora@example.net')).toMatchObject({ reason: 'userunknown', status: '5.1.1', sourceQueueId: id, createdBy: 'bounce' });
    const [stored] = await w.gw.gateway.store.bounces.list({ account: USER });
    expect(stored).toMatchObject({ state: 'handled', kind: 'bounce', queueId: id, source: 'smtp' });

    const refused = await submitter(w.gw.starttlsPort, USER).sendMail({ from: USER, to: 'kijitora@example.net', subject: 'again', text: 'x' }).catch((e: { responseCode?: number; response?: string }) => e);
    expect(refused).toMatchObject({ responseCode: 550 });
    expect((refused as { response: string }).response).toMatch(
      /^550 5\.1\.1 <kijitora@example\.net>: suppressed after a hard bounce on \d{4}-\d\d-\d\d \(userunknown\); ask your IT administrator to remove it$/,
    );
  });

  it('lists the bounce and the suppression from the CLI, and lifting the suppression lets mail through again', async () => {
    const config = join(w.gw.dir, 'mailwarden.yaml');
    const bounces = await stdoutOf(() => bounceCli(['list', '--json', '--account', USER, '--config', config]));
    const [first] = bounces.out.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; summary: { recipients: { address: string; reason: string }[] } });
    expect(first.kind).toBe('bounce');
    expect(first.summary.recipients[0]).toMatchObject({ address: 'kijitora@example.net', reason: 'userunknown', suppressed: true });
    const listed = await stdoutOf(() => suppressionCli(['list', '--json', '--config', config]));
    expect(JSON.parse(listed.out.trim())).toMatchObject({ address: 'kijitora@example.net', createdBy: 'bounce' });
    expect((await stdoutOf(() => suppressionCli(['remove', 'kijitora@example.net', '--reason', 'mailbox restored', '--config', config]))).code).toBe(0);
    await submit(w, USER, 'kijitora@example.net', 'after removal');
    const [audit] = await w.gw.gateway.store.audit.query({ action: 'suppression.' });
    expect(audit).toMatchObject({ action: 'suppression.remove', target: 'kijitora@example.net', reason: 'mailbox restored' });
  });

  it('records a complaint against the recipient and feeds it to the engine as a bounce with reason feedback', async () => {
    const observe = vi.spyOn(w.gw.gateway.policy, 'observe');
    const id = await submit(w, USER, 'hanako@hotmail.example', 'complaint test');
    const copy = await waitFor(() => relayedTo(w.hop, 'hanako@hotmail.example', 'complaint test'));
    const messageId = messageIdOf(copy.raw);
    await mailBounce(w.bouncePort, copy.mailFrom, notice('arf-abuse.eml', { returnPath: copy.mailFrom, messageId }));
    await w.gw.gateway.bounces!.intake.settled();
    expect((await w.gw.gateway.store.queue.get(id))?.recipients[0].status).toBe('complaint');
    const [event] = await w.gw.gateway.store.events.query({ codes: ['bounce:complaint'] });
    expect(event.data).toMatchObject({ type: 'bounce', account: USER, messageId, rcpt: 'hanako@hotmail.example', reason: 'feedback' });
    expect(observe).toHaveBeenCalledWith(event.data);
    expect(await w.gw.gateway.store.suppression.has('hanako@hotmail.example')).toBe(false);
  });

  it('refuses a forged return path with 5.7.1 and records it', async () => {
    const forged = makeReturnPath({ secret: 'not our secret', bounceDomain: 'bounces.example.co.jp', queueId: 'abc123', rcptIndex: 0 });
    const err = await mailBounce(w.bouncePort, forged, Buffer.from('Subject: x\r\n\r\nx\r\n')).catch((e: { responseCode?: number; response?: string }) => e);
    expect(err).toMatchObject({ responseCode: 550 });
    expect((err as { response: string }).response).toMatch(/^550 5\.7\.1 .*signature does not match/);
    const events = await waitFor(() => w.gw.gateway.store.events.query({ codes: ['bounce:forged-token'] }).then((e) => e.length > 0 && e));
    expect(events[0].data).toMatchObject({ address: forged, reason: 'forged' });
  });

  it('refuses an expired return path with 5.7.1 and records it', async () => {
    const old = makeReturnPath({ secret: SECRET, bounceDomain: 'bounces.example.co.jp', queueId: 'abc123', rcptIndex: 0, now: new Date(Date.now() - 30 * 86_400_000) });
    const err = await mailBounce(w.bouncePort, old, Buffer.from('Subject: x\r\n\r\nx\r\n')).catch((e: { responseCode?: number; response?: string }) => e);
    expect((err as { response: string }).response).toMatch(/^550 5\.7\.1 .*expired \(older than 14 days\)/);
    await waitFor(() => w.gw.gateway.store.events.query({ codes: ['bounce:expired-token'] }).then((e) => e.length > 0));
  });

  it('offers STARTTLS like any MX, and never AUTH, before or after TLS', async () => {
    const s = await SmtpScript.open(w.bouncePort);
    const ehlo = await s.send('EHLO mx.example.net');
    expect(ehlo).toContain('STARTTLS');
    expect(ehlo).not.toContain('AUTH');
    await s.starttls();
    expect(await s.send('EHLO mx.example.net')).not.toContain('AUTH');
    expect(await s.send('AUTH PLAIN AGp1bmsAanVuaw==')).toMatch(/^5\d\d /);
    s.close();
  });

  it('is not an open relay: any other recipient is refused with 5.1.1', async () => {
    for (const to of ['victim@example.org', 'tanaka@example.co.jp', 'bounces+nonsense@bounces.example.co.jp']) {
      const err = await mailBounce(w.bouncePort, to, Buffer.from('Subject: relay?\r\n\r\nx\r\n')).catch((e: { responseCode?: number; response?: string }) => e);
      expect((err as { response: string }).response).toMatch(/^550 5\.1\.1 <.*>: no such bounce address/);
    }
    expect(w.hop.messages.some((m) => m.raw.toString().includes('relay?'))).toBe(false);
  });
});
