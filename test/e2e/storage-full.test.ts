import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startNextHop, type NextHop } from '../helpers/next-hop.js';

const SENDER = 'tanaka@example.co.jp';

/** A small file system of its own for the store (tmpfs, as root), or why there cannot be one. */
function smallDisk(): { dir: string; why: null } | { dir: null; why: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mw-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', dir], { stdio: 'pipe' });
    return { dir, why: null };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { dir: null, why: `cannot mount a small tmpfs for the store (${String((err as Error).message).split('\n')[0]}); run as root on Linux` };
  }
}

const disk = smallDisk();
if (disk.why) console.warn(`Full-disk test SKIPPED: ${disk.why}.`);

function send(port: number, i: number, size = 2_000) {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: SENDER, pass: PASSWORD } });
  return t
    .sendMail({ from: SENDER, to: `customer${i}@example.net`, subject: `Quote ${i}`, text: 'x'.repeat(size) })
    .then(
      (r) => ({ code: 250, response: r.response }),
      (e: { responseCode?: number; response?: string }) => ({ code: e.responseCode ?? 0, response: e.response ?? '' }),
    )
    .finally(() => t.close());
}

describe.skipIf(disk.dir === null)('a full disk under the store', () => {
  let hop: NextHop;
  let gw: TestGateway;
  const filler = join(disk.dir ?? '', 'filler');

  beforeAll(async () => {
    hop = await startNextHop();
    gw = await startTestGateway({ nextHopPort: hop.port, accounts: [{ address: SENDER }], config: { store: `sqlite:${join(disk.dir!, 'mailwarden.db')}` } });
  });
  afterAll(async () => {
    await gw?.stop();
    await hop?.stop();
    if (disk.dir) {
      execFileSync('umount', [disk.dir]);
      rmSync(disk.dir, { recursive: true, force: true });
    }
  });

  it('refuses a message with 452 4.3.1 while the disk is full, stays up, and accepts and delivers once there is space', async () => {
    expect((await send(gw.starttlsPort, 0)).code).toBe(250);
    // Fill what is left of the disk.
    try {
      writeFileSync(filler, Buffer.alloc(32 * 1024 * 1024));
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    const refused = await send(gw.starttlsPort, 1, 200_000);
    expect(refused.code).toBe(452);
    expect(refused.response).toMatch(/^452 4\.3\.1 Mail system storage is full/);
    // Nothing of the refused message is queued: the client keeps it and sends it again later.
    expect((await gw.gateway.store.queue.list({ limit: 100 })).flatMap((m) => m.recipients.map((r) => r.address))).not.toContain('customer1@example.net');
    unlinkSync(filler);
    const again = await send(gw.starttlsPort, 1, 200_000);
    expect(again.code).toBe(250);
    for (const end = Date.now() + 10_000; Date.now() < end && !hop.messages.some((m) => m.rcpts.includes('customer1@example.net')); ) await new Promise((r) => setTimeout(r, 50));
    expect(hop.messages.filter((m) => m.rcpts.includes('customer0@example.net'))).toHaveLength(1);
    expect(hop.messages.filter((m) => m.rcpts.includes('customer1@example.net'))).toHaveLength(1);
  });
});
