import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startDnsServer, type LocalDnsServer } from '../../helpers/dns-server.js';
import { createKey, dnsRecordFor } from '../../../src/delivery/dkim/index.js';

const root = join(import.meta.dirname, '../../..');
const entry = /process\.argv/.test(readFileSync(join(root, 'src/cli/main.ts'), 'utf8')) ? 'src/cli/main.ts' : 'test/unit/domain/cli-entry.ts';

let dns: LocalDnsServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mw-domain-cli-'));
  const key = await createKey(dataDir, 'example.co.jp', { type: 'ed25519', selector: 'mw1' });
  dns = await startDnsServer({
    'example.co.jp': { TXT: ['v=spf1 ip4:192.0.2.0/24 -all'], MX: [{ exchange: 'mx.example.co.jp', priority: 10 }] },
    'mx.example.co.jp': { A: ['192.0.2.1'] },
    [dnsRecordFor(key).name]: { TXT: [dnsRecordFor(key).value] },
    '_dmarc.example.co.jp': { TXT: ['v=DMARC1; p=none; rua=mailto:d@example.co.jp'] },
  });
});
afterAll(async () => {
  await dns.stop();
  await rm(dataDir, { recursive: true, force: true });
});

// The DNS server lives in this process, so the child must be spawned asynchronously.
async function cli(args: string[]) {
  const run = promisify(execFile);
  const res = await run(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: root, env: { ...process.env, MAILWARDEN_LANG: 'en' } });
  return res.stdout.split('\n').filter((l) => l !== '');
}

describe('mailwarden domain check', () => {
  it('prints one JSON finding per line with --json, checking the stored DKIM key against DNS', async () => {
    const lines = await cli(['domain', 'check', 'example.co.jp', '--json', '--dns-server', dns.address, '--data-dir', dataDir, '--sending-ip', '192.0.2.25']);
    const findings = lines.map((l) => JSON.parse(l));
    expect(findings.map((f) => f.code)).toEqual([
      'spf-lookups', 'spf-fail-all', 'spf-ip-covered', 'dkim-ok', 'dmarc-p-none', 'dmarc-rua', 'mx-ok', 'mta-sts-missing', 'tls-rpt-missing',
    ]);
    expect(findings[4].fix.ja).toContain('p=quarantine');
  });

  it('prints a table with the fix under each finding by default', async () => {
    const lines = await cli(['domain', 'check', 'example.co.jp', '--dns-server', dns.address, '--data-dir', dataDir]);
    expect(lines[0]).toMatch(/^SEVERITY\s+CHECK\s+FINDING$/);
    expect(lines).toContain('ok        dkim     The DKIM key mw1._domainkey.example.co.jp is published and matches the key in use.');
    expect(lines.some((l) => l.trimStart().startsWith('fix: '))).toBe(true);
  });
});
