import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { startNextHop, type NextHop } from '../../helpers/next-hop.js';
import { RawSession } from './raw-session.js';

const PRINTER = '192.0.2.50';
const SENDER = 'scanner@example.co.jp';
const DEVICE = { name: 'mfp-3f', sources: [`${PRINTER}/32`], sender: SENDER, maxRecipients: 3, maxMessagesPerHour: 4 };

describe('devices that cannot authenticate', () => {
  let gw: TestGateway;
  let hop: NextHop;
  let devicePort: number;

  beforeAll(async () => {
    hop = await startNextHop();
    gw = await startTestGateway({
      nextHopPort: hop.port,
      config: {
        submission: { trustedProxies: ['127.0.0.1'], devicePort: 0 },
        auth: { devices: [DEVICE] },
        detection: { orgDomains: ['example.co.jp', 'example-group.jp'] },
      },
    });
    devicePort = gw.gateway.listeners.find((l) => l.name === 'device')!.port;
  });
  afterAll(async () => {
    await gw?.stop();
    await hop?.stop();
  });

  const open = (port: number, ip = PRINTER, tls = false) => RawSession.open(port, ip, tls);
  const scan = (from = SENDER) => `From: ${from}\r\nTo: tanaka@example.co.jp\r\nSubject: Scan 3F\r\n\r\nscanned document\r\n.`;

  it('accepts a scan from the printer in clear on the device port, attributed to device:mfp-3f', async () => {
    const s = await open(devicePort);
    expect((await s.command(`MAIL FROM:<${SENDER}>`))[0]).toMatch(/^250/);
    expect((await s.command('RCPT TO:<tanaka@example.co.jp>'))[0]).toMatch(/^250/);
    expect((await s.command('RCPT TO:<keiri@example-group.jp>'))[0]).toMatch(/^250/);
    expect((await s.command('DATA'))[0]).toMatch(/^354/);
    expect((await s.command(scan()))[0]).toMatch(/^250/);
    s.close();
    const [accepted] = await gw.gateway.store.events.query({ codes: ['queue:accepted', 'queue:held'] });
    expect(accepted.account).toBe('device:mfp-3f');
    expect(accepted.data).toMatchObject({ ip: PRINTER, mailFrom: SENDER });
  });

  it('never offers AUTH on the device port', async () => {
    const s = await open(devicePort);
    const [ehlo] = await s.command('EHLO printer.local');
    expect(ehlo).not.toMatch(/AUTH/);
    expect((await s.command('AUTH PLAIN AHgAeA=='))[0]).toMatch(/^5\d\d/);
    s.close();
  });

  it('refuses external recipients, other senders and a From header that is not the device', async () => {
    const s = await open(devicePort);
    expect((await s.command('MAIL FROM:<ceo@example.co.jp>'))[0]).toMatch(/^550 5\.7\.1/);
    expect((await s.command(`MAIL FROM:<${SENDER}>`))[0]).toMatch(/^250/);
    expect((await s.command('RCPT TO:<partner@example.net>'))[0]).toMatch(/^550 5\.7\.1 Device mfp-3f may send to internal recipients only/);
    expect((await s.command('RCPT TO:<tanaka@example.co.jp>'))[0]).toMatch(/^250/);
    expect((await s.command('DATA'))[0]).toMatch(/^354/);
    expect((await s.command(scan('ceo@example.co.jp')))[0]).toMatch(/^550/);
    s.close();
  });

  it('holds a device to its recipient cap', async () => {
    const s = await open(devicePort);
    await s.command(`MAIL FROM:<${SENDER}>`);
    for (const r of ['a', 'b', 'c']) expect((await s.command(`RCPT TO:<${r}@example.co.jp>`))[0]).toMatch(/^250/);
    expect((await s.command('RCPT TO:<d@example.co.jp>'))[0]).toMatch(/^452/);
    s.close();
  });

  it('lets no other address use the device port', async () => {
    const s = await open(devicePort, '192.0.2.51').catch(() => null);
    const reply = s ? (await s.replies(1, 2_000))[0] ?? '' : '';
    s?.close();
    expect(reply === '' || /^530|^421/.test(reply)).toBe(true);
  });

  it('requires TLS from the device on the ordinary submission port, then needs no AUTH', async () => {
    const plain = await open(gw.starttlsPort);
    expect((await plain.command(`MAIL FROM:<${SENDER}>`))[0]).toMatch(/^530/);
    plain.close();
    const s = await open(gw.starttlsPort, PRINTER, true);
    expect((await s.command(`MAIL FROM:<${SENDER}>`))[0]).toMatch(/^250/);
    s.close();
  });

  it('gives a temporary refusal past the hourly budget', async () => {
    const s = await open(devicePort);
    expect((await s.command(`MAIL FROM:<${SENDER}>`))[0]).toMatch(/^451 4\.7\.1/);
    s.close();
  });
});
