import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProxyHeader, parseProxyHeader } from '../../src/smtp/proxy-protocol.js';
import { PASSWORD, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startNextHop, type NextHop } from '../helpers/next-hop.js';
import { proxiedTransport } from '../helpers/proxied-client.js';
import { SmtpScript } from '../helpers/smtp-script.js';

const USER = 'tanaka@example.co.jp';

describe('PROXY protocol headers', () => {
  it('reads v1 and v2 headers for IPv4 and IPv6 and leaves the SMTP bytes after them', () => {
    for (const version of [1, 2] as const) {
      for (const address of ['203.0.113.5', '2001:db8::7']) {
        const header = buildProxyHeader(version, { address, port: 50123 }, { address: '127.0.0.1', port: 587 });
        const parsed = parseProxyHeader(Buffer.concat([header, Buffer.from('EHLO x\r\n')]));
        expect(parsed).toEqual({ consumed: header.length, address, port: 50123 });
      }
    }
  });

  it('waits for a partial header and refuses garbage', () => {
    const header = buildProxyHeader(2, { address: '198.51.100.1', port: 1 }, { address: '127.0.0.1', port: 2 });
    expect(parseProxyHeader(header.subarray(0, 10))).toBe('incomplete');
    expect(parseProxyHeader(header.subarray(0, 20))).toBe('incomplete');
    expect(parseProxyHeader(Buffer.from('PROXY TCP4 not-an-ip 127.0.0.1 1 2\r\n'))).toEqual({ error: expect.any(String) });
    expect(parseProxyHeader(Buffer.from('EHLO example.test\r\n'))).toEqual({ error: 'not a PROXY header' });
  });
});

describe('submission behind a load balancer', () => {
  let hop: NextHop;
  let gw: TestGateway;
  beforeAll(async () => {
    hop = await startNextHop();
    gw = await startTestGateway({ nextHopPort: hop.port, config: { detection: { shadow: true }, submission: { trustedProxies: ['127.0.0.1'] } } });
  });
  afterAll(async () => {
    await gw?.stop();
    await hop?.stop();
  });

  it('records the client address from a v1 or v2 header of a trusted balancer', async () => {
    await proxiedTransport(gw.starttlsPort, '203.0.113.5', { user: USER, pass: PASSWORD }, 2).sendMail({ from: USER, to: 'a@example.net', text: 'v2' });
    await proxiedTransport(gw.starttlsPort, '198.51.100.9', { user: USER, pass: PASSWORD }, 1).sendMail({ from: USER, to: 'b@example.net', text: 'v1' });
    const submits = await gw.gateway.store.events.query({ codes: ['queue:accepted'], limit: 10 });
    expect(submits.map((e) => e.data.ip)).toEqual(['203.0.113.5', '198.51.100.9']);
    const auths = await gw.gateway.store.events.query({ codes: ['smtp:auth-ok'], limit: 10 });
    expect(auths.map((e) => e.data.ip)).toEqual(['203.0.113.5', '198.51.100.9']);
  });
});

describe('a peer that is not a trusted balancer', () => {
  it('cannot claim an address: its PROXY line is an unknown SMTP command', async () => {
    const gw = await startTestGateway({ config: { detection: { shadow: true } } });
    try {
      const s = await SmtpScript.open(gw.starttlsPort);
      const reply = await s.send('PROXY TCP4 203.0.113.5 127.0.0.1 5000 587');
      expect(reply).toMatch(/^5\d\d /);
      s.close();
    } finally {
      await gw.stop();
    }
  });
});
