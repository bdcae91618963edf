import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { startNextHop, type NextHop } from '../../helpers/next-hop.js';
import { proxiedTransport } from '../../helpers/proxied-client.js';
import { authPlainLine, RawSession } from './raw-session.js';

const USER = 'tanaka@example.co.jp';
const TOKYO = '133.11.0.1';
const HANOI = '14.160.1.1';

describe('login location and anomalies over SMTP', () => {
  let gw: TestGateway;
  let hop: NextHop;

  beforeAll(async () => {
    hop = await startNextHop();
    gw = await startTestGateway({ nextHopPort: hop.port, config: { submission: { trustedProxies: ['127.0.0.1'] }, detection: { shadow: true } } });
    for (let i = 0; i < 6; i++) {
      const s = await RawSession.open(gw.starttlsPort, TOKYO);
      expect((await s.pipeline([authPlainLine(USER, PASSWORD)]))[0]).toMatch(/^235/);
      s.close();
    }
    const t = proxiedTransport(gw.starttlsPort, HANOI, { user: USER, pass: PASSWORD });
    await t.sendMail({ from: USER, to: 'partner@example.net', subject: 'invoice', text: 'see attachment' });
    t.close();
    await new Promise((r) => setTimeout(r, 200));
  }, 60_000);

  afterAll(async () => {
    await gw?.stop();
    await hop?.stop();
  });

  it('records the country and network of each login and each submission, as the detection engine reads them', async () => {
    const ok = await gw.gateway.store.events.query({ codes: ['smtp:auth-ok'] });
    expect(ok[0].data).toMatchObject({ ip: TOKYO, country: 'JP', asn: 2501 });
    expect(ok.at(-1)!.data).toMatchObject({ ip: HANOI, country: 'VN', asn: 45899 });
    const [accepted] = await gw.gateway.store.events.query({ codes: ['queue:accepted', 'queue:held'] });
    expect(accepted.data).toMatchObject({ ip: HANOI, country: 'VN', asn: 45899 });
  });

  it('reports the first login from Vietnam, its network, and the impossible travel from Japan', async () => {
    const [anomaly, ...more] = await gw.gateway.store.events.query({ codes: ['auth:anomaly'] });
    expect(more).toHaveLength(0);
    expect(anomaly.account).toBe(USER);
    const data = anomaly.data as { kinds: string[]; findings: { kind: string; en: string; ja: string }[] };
    expect(data.kinds).toEqual(expect.arrayContaining(['new-country', 'new-network', 'new-ip', 'impossible-travel']));
    expect(data.findings.find((f) => f.kind === 'new-country')?.en).toBe(`first login from Vietnam, network AS45899 (VNPT Corp), address ${HANOI}`);
    expect(data.findings.find((f) => f.kind === 'new-country')?.ja).toContain('ベトナム からの初めてのログイン');
  });
});
