import { Resolver } from 'node:dns/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { deliveryConfig } from '../../../src/delivery/config.js';
import { resolveRoute, type Route } from '../../../src/delivery/route.js';
import { startDnsServer, type LocalDnsServer } from '../../helpers/dns-server.js';
import { mapResolver } from './fixture.js';

const config = deliveryConfig({ mxPort: 2525, requireTls: ['Bank.example'] });
const hopsOf = (r: Route) => (r.ok ? r.hops.map((h) => `${h.name}=${h.address}:${h.port}/${h.tls}`) : r.result);

describe('next-hop resolution', () => {
  it('orders exchangers by preference and resolves each to its addresses, IPv4 first', async () => {
    const resolver = mapResolver({
      mx: { 'c.example': [{ exchange: 'mx2.c.example', priority: 20 }, { exchange: 'mx1.c.example.', priority: 10 }] },
      a: { 'mx1.c.example': ['192.0.2.1'], 'mx2.c.example': ['192.0.2.2', '192.0.2.3'] },
    });
    expect(hopsOf(await resolveRoute('c.example', config, resolver))).toEqual([
      'mx1.c.example=192.0.2.1:2525/opportunistic',
      'mx2.c.example=192.0.2.2:2525/opportunistic',
      'mx2.c.example=192.0.2.3:2525/opportunistic',
    ]);
  });

  it('requires TLS toward a requireTls domain, whatever the case of the configured name', async () => {
    const resolver = mapResolver({ mx: { 'bank.example': [{ exchange: 'mx.bank.example', priority: 0 }] }, a: { 'mx.bank.example': ['192.0.2.9'] } });
    expect(hopsOf(await resolveRoute('bank.example', config, resolver))).toEqual(['mx.bank.example=192.0.2.9:2525/required']);
  });

  it('fails permanently on a null MX, with 5.1.10', async () => {
    const route = await resolveRoute('n.example', config, mapResolver({ mx: { 'n.example': [{ exchange: '', priority: 0 }] } }));
    expect(route).toMatchObject({ ok: false, result: { disposition: 'failed', status: '5.1.10', reason: 'notaccept' } });
  });

  it('fails permanently when the domain has neither MX nor address', async () => {
    const route = await resolveRoute('gone.example', config, mapResolver({}));
    expect(route).toMatchObject({ ok: false, result: { disposition: 'failed', status: '5.1.2', reason: 'hostunknown' } });
  });

  it('defers when the exchanger names do not resolve (a fixable DNS mistake)', async () => {
    const resolver = mapResolver({ mx: { 'm.example': [{ exchange: 'missing.m.example', priority: 10 }] } });
    expect(await resolveRoute('m.example', config, resolver)).toMatchObject({ ok: false, result: { disposition: 'deferred', status: '4.4.3' } });
  });

  it('defers when the DNS answer does not come in time', async () => {
    const slow = { ...mapResolver({}), resolveMx: () => new Promise<never>(() => undefined) };
    const quick = deliveryConfig({ timeouts: { dnsMs: 50 } });
    expect(await resolveRoute('slow.example', quick, slow)).toMatchObject({ ok: false, result: { disposition: 'deferred', reply: expect.stringContaining('ETIMEOUT') } });
  });

  it('uses the configured relay in smarthost mode, with its TLS mode and credentials', async () => {
    const relay = deliveryConfig({ mode: 'smarthost', smarthost: { host: 'relay.example', port: 465, security: 'tls', user: 'gw', password: 'p' } });
    const route = await resolveRoute('any.example', relay, mapResolver({}));
    expect(route).toMatchObject({ ok: true, hops: [{ name: 'relay.example', port: 465, tls: 'implicit', auth: { user: 'gw', pass: 'p' }, rejectUnauthorized: true }] });
  });
});

describe('next-hop resolution over real DNS', () => {
  let dns: LocalDnsServer | undefined;
  afterEach(async () => {
    await dns?.stop();
    dns = undefined;
  });

  it('reads MX, A fallback, null MX and NXDOMAIN from a DNS server', async () => {
    dns = await startDnsServer({
      'c.example': { MX: [{ exchange: 'mx.c.example', priority: 10 }] },
      'mx.c.example': { A: ['192.0.2.1'] },
      'plain.example': { A: ['192.0.2.2'] },
      'null.example': { MX: [{ exchange: '.', priority: 0 }] },
      'broken.example': { SERVFAIL: true },
    });
    const resolver = new Resolver({ timeout: 500, tries: 1 });
    resolver.setServers([dns.address]);

    expect(hopsOf(await resolveRoute('c.example', config, resolver))).toEqual(['mx.c.example=192.0.2.1:2525/opportunistic']);
    expect(hopsOf(await resolveRoute('plain.example', config, resolver))).toEqual(['plain.example=192.0.2.2:2525/opportunistic']);
    expect(await resolveRoute('null.example', config, resolver)).toMatchObject({ ok: false, result: { status: '5.1.10' } });
    expect(await resolveRoute('nx.example', config, resolver)).toMatchObject({ ok: false, result: { disposition: 'failed', status: '5.1.2' } });
    expect(await resolveRoute('broken.example', config, resolver)).toMatchObject({ ok: false, result: { disposition: 'deferred' } });
  });
});
