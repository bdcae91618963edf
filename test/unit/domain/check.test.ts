import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as dnsPromises } from 'node:dns';
import { startDnsServer, type LocalDnsServer, type Zone } from '../../helpers/dns-server.js';
import { checkDomain, type Finding } from '../../../src/domain/check/index.js';
import { dnsRecordFor, generatePrivateKey, publicKeyValue } from '../../../src/delivery/dkim/index.js';

const gatewayIp = '192.0.2.25';
const rsaKey = generatePrivateKey('rsa');
const otherKey = generatePrivateKey('ed25519');
const rec = dnsRecordFor({ domain: 'good.example', selector: 'mw1', type: 'rsa', privateKey: rsaKey });

const zone: Zone = {
  'good.example': { TXT: ['v=spf1 include:_spf.good.example -all', 'google-site-verification=abc'], MX: [{ exchange: 'mx.good.example', priority: 10 }] },
  '_spf.good.example': { TXT: [`v=spf1 ip4:${gatewayIp}/32 ip6:2001:db8::/32 ~all`] },
  'mx.good.example': { A: ['192.0.2.10'] },
  'mw1._domainkey.good.example': { TXT: [rec.value] },
  '_dmarc.good.example': { TXT: ['v=DMARC1; p=reject; rua=mailto:dmarc@good.example'] },
  '_mta-sts.good.example': { TXT: ['v=STSv1; id=20260105T01'] },
  '_smtp._tls.good.example': { TXT: ['v=TLSRPTv1; rua=mailto:tls@good.example'] },

  // Everything wrong at once.
  'bad.example': { TXT: ['v=spf1 a mx include:l1.bad.example +all', 'v=spf1 -all'], MX: [{ exchange: 'gone.bad.example', priority: 5 }] },
  'gone.bad.example': {},
  'mw1._domainkey.bad.example': { TXT: [`v=DKIM1; k=ed25519; p=${publicKeyValue(otherKey)}`] },
  'old._domainkey.bad.example': { TXT: ['v=DKIM1; p='] },
  '_dmarc.bad.example': { TXT: ['v=DMARC1; p=none'] },
  '_mta-sts.bad.example': { TXT: ['v=STSv1; id=not valid!'] },

  // One SPF record, but 12 lookups (3 + 4 + 2 + 3) through nested includes, ending in ?all, not covering the gateway.
  'deep.example': { TXT: ['v=spf1 include:i1.deep.example include:i2.deep.example mx ?all'] },
  'i1.deep.example': { TXT: ['v=spf1 a mx exists:x.deep.example include:i3.deep.example -all'] },
  'i2.deep.example': { TXT: ['v=spf1 a mx ptr -all'] },
  'i3.deep.example': { TXT: ['v=spf1 a:h.deep.example mx -all'] },
  '_dmarc.deep.example': { TXT: ['v=DMARC1; p=quarantine; pct=25; sp=none; adkim=s; rua=mailto:d@deep.example'] },

  'broken.example': { SERVFAIL: true },
};

let dns: LocalDnsServer;
let resolver: dnsPromises.Resolver;

beforeAll(async () => {
  dns = await startDnsServer(zone);
  resolver = new dnsPromises.Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([dns.address]);
});
afterAll(() => dns.stop());

const codes = (fs: Finding[], check?: string): string[] => fs.filter((f) => !check || f.check === check).map((f) => f.code);

describe('checkDomain against a well-configured zone', () => {
  it('finds nothing above info, and covers every check', async () => {
    const fs = await checkDomain('good.example', {
      resolver,
      sendingIps: [gatewayIp, '2001:db8::25'],
      dkimSelectors: [{ selector: 'mw1', publicKey: publicKeyValue(rsaKey) }],
    });
    expect(fs.filter((f) => f.severity === 'warning' || f.severity === 'critical')).toEqual([]);
    expect(new Set(fs.map((f) => f.check))).toEqual(new Set(['spf', 'dkim', 'dmarc', 'mx', 'mta-sts', 'tls-rpt']));
    expect(codes(fs, 'spf')).toEqual(['spf-lookups', 'spf-fail-all', 'spf-ip-covered', 'spf-ip-covered']);
    expect(codes(fs, 'dkim')).toEqual(['dkim-ok']);
    expect(codes(fs, 'dmarc')).toEqual(['dmarc-p-reject', 'dmarc-rua']);
    expect(codes(fs, 'mta-sts')).toEqual(['mta-sts-record']);
    for (const f of fs) expect(f.message.ja.length).toBeGreaterThan(0);
  });
});

describe('checkDomain against broken zones', () => {
  it('flags multiple SPF records, a stale and a revoked DKIM key, p=none without rua, a dangling MX', async () => {
    const fs = await checkDomain('bad.example', {
      resolver,
      sendingIps: [gatewayIp],
      dkimSelectors: [{ selector: 'mw1', publicKey: publicKeyValue(rsaKey) }, 'old', 'missing'],
    });
    const spf = fs.find((f) => f.code === 'spf-multiple')!;
    expect(spf.severity).toBe('critical');
    expect(spf.fix.en).toMatch(/single/);
    expect(codes(fs, 'dkim')).toEqual(['dkim-mismatch', 'dkim-revoked', 'dkim-missing']);
    expect(fs.find((f) => f.code === 'dkim-mismatch')!.fix.en).toContain(`p=${publicKeyValue(rsaKey)}`);
    expect(codes(fs, 'dmarc')).toEqual(['dmarc-p-none', 'dmarc-no-rua']);
    expect(fs.find((f) => f.code === 'dmarc-p-none')!.fix.en).toMatch(/p=quarantine; pct=25/);
    expect(codes(fs, 'mx')).toEqual(['mx-ok', 'mx-no-address']);
    expect(codes(fs, 'mta-sts')).toEqual(['mta-sts-syntax']);
    expect(codes(fs, 'tls-rpt')).toEqual(['tls-rpt-missing']);
  });

  it('counts SPF lookups through nested includes and names the missing gateway address', async () => {
    const fs = await checkDomain('deep.example', { resolver, sendingIps: [gatewayIp] });
    const lookups = fs.find((f) => f.code === 'spf-too-many-lookups')!;
    expect(lookups.message.en).toContain('needs 12 DNS lookups');
    expect(codes(fs, 'spf')).toContain('spf-neutral-all');
    const notCovered = fs.find((f) => f.code === 'spf-ip-not-covered')!;
    expect(notCovered.fix.en).toContain(`ip4:${gatewayIp}`);
    expect(codes(fs, 'dmarc')).toEqual(['dmarc-pct-partial', 'dmarc-rua', 'dmarc-sp-none', 'dmarc-strict-alignment']);
    expect(codes(fs, 'dkim')).toEqual(['dkim-no-selectors']);
    expect(codes(fs, 'mx')).toEqual(['mx-missing']);
    expect(fs.find((f) => f.code === 'mta-sts-missing')!.fix.en).toMatch(/mode: testing/);
  });

  it('reports a domain that is absent as missing SPF and DMARC, with the records to publish', async () => {
    const fs = await checkDomain('absent.example', { resolver, sendingIps: [gatewayIp] });
    const spf = fs.find((f) => f.code === 'spf-missing')!;
    expect(spf.fix.en).toContain(`"v=spf1 ip4:${gatewayIp} -all"`);
    expect(spf.fix.ja).toContain('TXT');
    expect(fs.find((f) => f.code === 'dmarc-missing')!.fix.en).toContain('_dmarc.absent.example');
  });

  it('turns a failing DNS server into lookup-failed warnings instead of an exception', async () => {
    const fs = await checkDomain('broken.example', { resolver });
    expect(codes(fs, 'spf')).toEqual(['spf-lookup-failed']);
    expect(codes(fs, 'mx')).toEqual(['mx-lookup-failed']);
    expect(fs.every((f) => f.severity !== 'critical' || f.check === 'dkim' || f.check === 'dmarc')).toBe(true);
  });
});
