import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../../bench/load.js';
import { initialise } from '../../../src/app/init.js';
import { hashPassword } from '../../../src/auth/password-hash.js';
import { openPostgresStore } from '../../../src/storage/postgres/index.js';
import { TestSchemas } from '../../contract/postgres-schema.js';
import { writeTestConfig } from '../../helpers/gateway.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { startNextHop } from '../../helpers/next-hop.js';
import { waitFor } from './nodes.js';
import { dropPrefix, freshPrefix, redisUrl, servicesMissing } from './services.js';

const missing = await servicesMissing({ postgres: true, redis: true });

const USER = 'failover@example.co.jp';
const PASS = 'a passphrase for the failover test';
const TOTAL = 30;

/** A slow next hop: every chunk the gateway sends waits `delayMs`, so deliveries take seconds and leases are held meanwhile. */
function slowGate(upstreamPort: number, delayMs: number): Promise<{ port: number; server: Server }> {
  const server = createServer((client: Socket) => {
    const upstream = connect({ host: '127.0.0.1', port: upstreamPort });
    let chain = Promise.resolve();
    client.on('data', (d: Buffer) => (chain = chain.then(() => new Promise<void>((r) => setTimeout(() => (upstream.destroyed || upstream.write(d), r()), delayMs)))));
    upstream.pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server })));
}

describe.skipIf(missing !== null)('a node killed with kill -9 while holding leases', () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'mw-node-a-')), mkdtempSync(join(tmpdir(), 'mw-node-b-'))];
  const schemas = new TestSchemas();
  const keyPrefix = freshPrefix();
  const nodes: GatewayProcess[] = [];
  afterAll(async () => {
    for (const n of nodes) await n.stop().catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await dropPrefix(keyPrefix);
    await schemas.dropAll();
  });

  it('has its queued messages delivered by the other node once the leases expire', { timeout: 120_000 }, async () => {
    const storeUrl = await schemas.create();
    const hop = await startNextHop();
    const gate = await slowGate(hop.port, 150);
    const store = await openPostgresStore(storeUrl);
    await store.accounts.create({ address: USER, name: '', passwordHash: await hashPassword(PASS) });
    for (const dir of dirs) {
      await initialise(dir, 'gw.test');
      writeTestConfig(dir, {
        nextHopPort: gate.port,
        config: {
          store: storeUrl,
          redis: { url: redisUrl, keyPrefix },
          detection: { shadow: true },
          delivery: { leaseSeconds: 3, concurrency: 1, perDestination: 1, batchSize: 10 },
        },
      });
    }
    const a = await startGatewayProcess(dirs[0]);
    nodes.push(a);
    const b = await startGatewayProcess(dirs[1]);
    nodes.push(b);
    const ownerA = `${hostname()}:${a.child.pid}`;

    const load = await runLoad({ port: a.port, user: USER, pass: PASS, messages: TOTAL, size: 1024, connections: 3, rcpt: (i) => `r${i}@dest.example` });
    expect(load.accepted).toBe(TOTAL);

    const heldByA = async () => {
      const now = Date.now();
      return (await store.queue.list({ state: 'queued', limit: 1000 })).filter((m) => m.leaseOwner === ownerA && m.leaseUntil && Date.parse(m.leaseUntil) > now + 500);
    };
    expect(await waitFor(async () => (await heldByA()).length > 0, 10_000)).toBe(true);
    await a.kill9();
    const orphaned = (await store.queue.list({ state: 'queued', limit: 1000 })).filter((m) => m.leaseOwner === ownerA).map((m) => m.messageId);
    expect(orphaned.length).toBeGreaterThan(0);

    const idOf = (raw: Buffer) => /Message-ID: (<bench-\d+-\d+@bench\.test>)/i.exec(raw.toString('latin1'))?.[1];
    const arrived = () => new Set(hop.messages.map((m) => idOf(m.raw)));
    expect(await waitFor(() => arrived().size === TOTAL, 60_000, 100)).toBe(true);
    for (const id of orphaned) expect(arrived()).toContain(id);
    const counts = new Map<string | undefined, number>();
    for (const m of hop.messages) counts.set(idOf(m.raw), (counts.get(idOf(m.raw)) ?? 0) + 1);
    expect([...counts.values()].every((n) => n <= 2)).toBe(true);
    process.stderr.write(`failover: ${orphaned.length} messages leased by the killed node, all ${TOTAL} delivered\n`);
    await store.close();
    gate.server.close();
    await hop.stop();
  });
});
