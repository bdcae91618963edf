import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../bench/load.js';
import { initialise } from '../../src/app/init.js';
import { hashPassword } from '../../src/auth/password-hash.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { writeTestConfig } from '../helpers/gateway.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { startNextHop } from '../helpers/next-hop.js';

const USER = 'crash@example.co.jp';
const PASS = 'a passphrase for the crash test';
const TOTAL = 500;

describe('kill -9 in the middle of a load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mw-crash-'));
  let gw: GatewayProcess | undefined;
  afterAll(async () => {
    await gw?.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every message that got "250" after a restart: at least once, at most twice', { timeout: 240_000 }, async () => {
    const hop = await startNextHop();
    await initialise(dir, 'gw.test');
    // A slow next hop keeps part of the accepted mail in the queue when the gateway dies.
    writeTestConfig(dir, { nextHopPort: hop.port, config: { detection: { shadow: true }, delivery: { concurrency: 2, perDestination: 2 } } });
    const store = openSqliteStore(join(dir, 'data', 'mailwarden.db'));
    await store.accounts.create({ address: USER, name: '', passwordHash: await hashPassword(PASS) });
    await store.close();

    gw = await startGatewayProcess(dir);
    const first = gw;
    const accepted = new Set<number>();
    let killed: Promise<void> | null = null;
    await runLoad({
      port: gw.port, user: USER, pass: PASS, messages: TOTAL, size: 2048, connections: 10,
      rcpt: (i) => `r${i}@dest.example`,
      onAccepted: (i) => {
        accepted.add(i);
        if (accepted.size === TOTAL / 2 && !killed) killed = first.kill9();
      },
    });
    await killed;
    expect(accepted.size).toBeGreaterThanOrEqual(TOTAL / 2);
    expect(accepted.size).toBeLessThan(TOTAL);

    gw = await startGatewayProcess(dir);
    const idOf = (raw: Buffer) => /Message-ID: <bench-(\d+)-/i.exec(raw.toString('latin1'))?.[1];
    process.stderr.write(`accepted ${accepted.size}, relayed before restart ${hop.messages.length}\n`);
    const deadline = Date.now() + 120_000;
    const arrivedAll = () => {
      const seen = new Set(hop.messages.map((m) => Number(idOf(m.raw))));
      return [...accepted].every((i) => seen.has(i));
    };
    while (!arrivedAll() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const counts = new Map<number, number>();
    for (const m of hop.messages) counts.set(Number(idOf(m.raw)), (counts.get(Number(idOf(m.raw))) ?? 0) + 1);
    const missing = [...accepted].filter((i) => !counts.has(i));
    const tooMany = [...counts.entries()].filter(([, n]) => n > 2);
    expect(missing).toEqual([]);
    expect(tooMany).toEqual([]);
    await hop.stop();
  });
});
