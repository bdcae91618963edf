import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as dnsPromises } from 'node:dns';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { startDnsServer, type LocalDnsServer } from '../../../helpers/dns-server.js';
import { createKey, dnsRecordFor, signMessage, signingKeys, type DkimKey } from '../../../../src/delivery/dkim/index.js';

const message = Buffer.from(
  [
    'From: Tanaka <tanaka@example.co.jp>',
    'To: customer@example.net',
    'Subject: =?UTF-8?B?6KaL56mN5pu444Gu6YCB5LuY?=',
    'Date: Mon, 05 Jan 2026 09:00:00 +0900',
    'Message-ID: <m1@example.co.jp>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    'Please find the quotation attached.',
    '',
  ].join('\r\n'),
);

let dns: LocalDnsServer;
let dataDir: string;
let rsa: DkimKey;
let ed: DkimKey;

function resolverFor(server: LocalDnsServer) {
  const r = new dnsPromises.Resolver();
  r.setServers([server.address]);
  return (name: string, type: string) => r.resolve(name, type) as Promise<any>;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mw-dkim-'));
  rsa = await createKey(dataDir, 'example.co.jp', { type: 'rsa', selector: 'mwr' });
  ed = await createKey(dataDir, 'example.co.jp', { type: 'ed25519', selector: 'mwe' });
  dns = await startDnsServer({});
  for (const key of [rsa, ed]) {
    const rec = dnsRecordFor(key);
    dns.zone[rec.name] = { TXT: [rec.value] };
  }
});

afterAll(async () => {
  await dns.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('signMessage', () => {
  it('adds an RSA and an Ed25519 signature that both verify against the published records', async () => {
    const signed = await signMessage(message, { domain: 'example.co.jp', keys: await signingKeys(dataDir, 'example.co.jp') });
    expect(signed.subarray(signed.length - message.length).equals(message)).toBe(true);
    const result = await dkimVerify(signed, { resolver: resolverFor(dns) });
    const byAlgo = Object.fromEntries(result.results.map((r) => [(r as unknown as { algo: string }).algo, r.status.result]));
    expect(byAlgo).toEqual({ 'rsa-sha256': 'pass', 'ed25519-sha256': 'pass' });
    expect(result.results.every((r) => r.signingDomain === 'example.co.jp' && r.status.aligned)).toBe(true);
  });

  it('signs with the RSA key alone when no Ed25519 key exists', async () => {
    const signed = await signMessage(message, { domain: 'example.co.jp', keys: [rsa] });
    const result = await dkimVerify(signed, { resolver: resolverFor(dns) });
    expect(result.results.map((r) => [r.selector, r.status.result])).toEqual([['mwr', 'pass']]);
  });

  it('produces a signature that fails once the body is altered in transit', async () => {
    const signed = await signMessage(message, { domain: 'example.co.jp', keys: [ed] });
    const tampered = Buffer.from(signed.toString('utf8').replace('quotation', 'invoice'));
    const result = await dkimVerify(tampered, { resolver: resolverFor(dns) });
    // mailauth reports a body-hash mismatch as "neutral" (RFC 6376 §6.1.3 leaves the wording open): anything but pass.
    expect(result.results[0].status.result).not.toBe('pass');
    expect(result.results[0].status.comment).toMatch(/body hash/i);
  });

  it('fails verification when the published record holds another key', async () => {
    const other = await createKey(dataDir, 'example.co.jp', { type: 'rsa', selector: 'stale' });
    dns.zone['stale._domainkey.example.co.jp'] = { TXT: [dnsRecordFor(rsa).value] };
    const signed = await signMessage(message, { domain: 'example.co.jp', keys: [other] });
    const result = await dkimVerify(signed, { resolver: resolverFor(dns) });
    expect(result.results[0].status.result).not.toBe('pass');
  });

  it('refuses to sign without any key, with a stable error code', async () => {
    await expect(signMessage(message, { domain: 'example.co.jp', keys: [] })).rejects.toMatchObject({ code: 'DKIM_NO_KEY' });
  });
});
