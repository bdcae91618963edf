import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createKey,
  dnsRecordFor,
  drainedAt,
  keyPath,
  listKeys,
  loadKey,
  noteSigned,
  publishedKeys,
  resolveDataDir,
  retireKey,
  rotateKey,
  signingKeys,
  sweepKeys,
} from '../../../../src/delivery/dkim/index.js';

let dataDir: string;
const day = 24 * 3600 * 1000;
const t0 = new Date('2026-01-05T00:00:00Z');

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mw-dkim-store-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the DKIM key store', () => {
  it('stores each key as <dataDir>/dkim/<domain>/<selector>.json readable by its owner only', async () => {
    const key = await createKey(dataDir, 'Example.CO.JP', { type: 'ed25519', selector: 's1', now: t0 });
    const path = join(dataDir, 'dkim', 'example.co.jp', 's1.json');
    expect(keyPath(dataDir, 'example.co.jp', 's1')).toBe(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(path, 'utf8'));
    expect(stored).toMatchObject({ type: 'ed25519', state: 'active', created: t0.toISOString() });
    expect(stored.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(await loadKey(dataDir, 'example.co.jp', 's1')).toEqual(key);
  });

  it('gives dated default selectors that do not collide', async () => {
    const a = await createKey(dataDir, 'example.co.jp', { type: 'rsa', now: t0 });
    const b = await createKey(dataDir, 'example.co.jp', { type: 'rsa', now: t0 });
    expect([a.selector, b.selector]).toEqual(['mw20260105r', 'mw20260105r2']);
  });

  it('rejects domains and selectors that could escape the key directory', async () => {
    await expect(createKey(dataDir, '../etc', { selector: 'x' })).rejects.toMatchObject({ code: 'DKIM_BAD_DOMAIN' });
    await expect(createKey(dataDir, 'example.com', { selector: '../../x' })).rejects.toMatchObject({ code: 'DKIM_BAD_SELECTOR' });
  });

  it('publishes RSA keys as SubjectPublicKeyInfo and Ed25519 keys as the bare 32 bytes', async () => {
    const rsa = await createKey(dataDir, 'example.com', { type: 'rsa', selector: 'r' });
    const ed = await createKey(dataDir, 'example.com', { type: 'ed25519', selector: 'e' });
    expect(dnsRecordFor(rsa).name).toBe('r._domainkey.example.com');
    expect(dnsRecordFor(rsa).value).toMatch(/^v=DKIM1; k=rsa; p=MIIBIjAN[A-Za-z0-9+/=]+$/);
    const p = dnsRecordFor(ed).value.split('p=')[1];
    expect(Buffer.from(p, 'base64')).toHaveLength(32);
  });

  it('takes the data directory from the flag, then MAILWARDEN_DATA_DIR, then ./data', () => {
    expect(resolveDataDir('/srv/a', { MAILWARDEN_DATA_DIR: '/srv/b' })).toBe('/srv/a');
    expect(resolveDataDir(undefined, { MAILWARDEN_DATA_DIR: '/srv/b' })).toBe('/srv/b');
    expect(resolveDataDir(undefined, {})).toBe(join(process.cwd(), 'data'));
  });
});

describe('key rotation', () => {
  it('makes the new key active and keeps the old one published while it drains', async () => {
    const old = await createKey(dataDir, 'example.com', { type: 'rsa', selector: 'old', now: t0 });
    const rotation = await rotateKey(dataDir, 'example.com', { type: 'rsa', selector: 'new', now: new Date(t0.getTime() + day) });
    expect(rotation.retiring.map((k) => k.selector)).toEqual([old.selector]);
    expect((await signingKeys(dataDir, 'example.com')).map((k) => k.selector)).toEqual(['new']);
    expect((await publishedKeys(dataDir, 'example.com')).map((k) => k.selector).sort()).toEqual(['new', 'old']);
  });

  it('withdraws a retiring key only after the drain time since its last signature', async () => {
    await createKey(dataDir, 'example.com', { type: 'rsa', selector: 'old', now: t0 });
    await rotateKey(dataDir, 'example.com', { type: 'rsa', selector: 'new', now: t0 });
    // A delivery process that still held the old key signed with it two days later.
    await noteSigned(dataDir, [{ domain: 'example.com', selector: 'old' }], new Date(t0.getTime() + 2 * day));
    const old = await loadKey(dataDir, 'example.com', 'old');
    expect(drainedAt(old!, 7 * day)?.toISOString()).toBe(new Date(t0.getTime() + 9 * day).toISOString());
    expect(await sweepKeys(dataDir, 'example.com', { now: new Date(t0.getTime() + 8 * day), drainMs: 7 * day })).toEqual([]);
    const swept = await sweepKeys(dataDir, 'example.com', { now: new Date(t0.getTime() + 10 * day), drainMs: 7 * day });
    expect(swept.map((k) => [k.selector, k.state])).toEqual([['old', 'retired']]);
    expect((await publishedKeys(dataDir, 'example.com')).map((k) => k.selector)).toEqual(['new']);
  });

  it('keeps an RSA and an Ed25519 key active side by side; rotating one leaves the other', async () => {
    await createKey(dataDir, 'example.com', { type: 'rsa', selector: 'r1' });
    await createKey(dataDir, 'example.com', { type: 'ed25519', selector: 'e1' });
    await rotateKey(dataDir, 'example.com', { type: 'ed25519', selector: 'e2' });
    expect((await signingKeys(dataDir, 'example.com')).map((k) => k.selector).sort()).toEqual(['e2', 'r1']);
  });

  it('refuses to retire the last active key unless forced', async () => {
    await createKey(dataDir, 'example.com', { type: 'rsa', selector: 'only' });
    await expect(retireKey(dataDir, 'example.com', 'only')).rejects.toMatchObject({ code: 'DKIM_LAST_ACTIVE' });
    const forced = await retireKey(dataDir, 'example.com', 'only', { force: true });
    expect(forced.state).toBe('retiring');
    expect(await listKeys(dataDir)).toHaveLength(1);
  });
});
