import { promises as dnsPromises } from 'node:dns';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { createKey, dnsRecordFor } from '../../src/delivery/dkim/index.js';
import { startDnsServer, type LocalDnsServer } from '../helpers/dns-server.js';
import { PASSWORD, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startNextHop, type NextHop } from '../helpers/next-hop.js';

describe('mail relayed by the gateway', () => {
  let gw: TestGateway | undefined;
  let hop: NextHop | undefined;
  let dns: LocalDnsServer | undefined;
  afterAll(async () => {
    await gw?.stop();
    await hop?.stop();
    await dns?.stop();
  });

  it('arrives at the next hop with RSA and Ed25519 DKIM signatures that verify, and a signed return path', async () => {
    hop = await startNextHop();
    gw = await startTestGateway({ nextHopPort: hop.port, config: { detection: { shadow: true }, bounces: { enabled: true, port: 0, secret: 'return-path-secret' } } });
    dns = await startDnsServer({});
    for (const type of ['rsa', 'ed25519'] as const) {
      const key = await createKey(join(gw.dir, 'data'), 'example.co.jp', { type });
      const record = dnsRecordFor(key);
      dns.zone[record.name] = { TXT: [record.value] };
    }
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: gw.starttlsPort, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: 'tanaka@example.co.jp', pass: PASSWORD } });
    await t.sendMail({ from: 'tanaka@example.co.jp', to: 'customer@example.net', subject: '見積書の送付', text: 'お世話になっております。' });
    const end = Date.now() + 15_000;
    while (hop.messages.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const received = hop.messages[0];
    expect(received.mailFrom).toMatch(/^bounces\+[a-z0-9=.-]+@bounces\.example\.co\.jp$/);
    const resolver = new dnsPromises.Resolver();
    resolver.setServers([dns.address]);
    const result = await dkimVerify(received.raw, { resolver: (name: string, type: string) => resolver.resolve(name, type) as Promise<any> });
    const byAlgo = Object.fromEntries(result.results.map((r) => [(r as unknown as { algo: string }).algo, r.status.result]));
    expect(byAlgo).toEqual({ 'rsa-sha256': 'pass', 'ed25519-sha256': 'pass' });
  });
});
