/**
 * Multi-node benchmark: the same submission load through one gateway on SQLite, one on
 * PostgreSQL alone (the cost of the store), one on PostgreSQL with Redis (plus the cost of the
 * cluster policy), and two sharing PostgreSQL and Redis, the load split between them as a
 * balancer would. Each gateway is its own process; the detection
 * engine runs in shadow mode, so every message still costs its policy decision and, in the
 * cluster runs, the Redis admission script. Prints one JSON line per setup: accepted msgs/s
 * (end of DATA to "250", durable), relayed msgs/s (delivered to a local next hop), DATA reply
 * latency p50/p99.
 *   node --import tsx bench/cluster.ts [--messages N] [--size BYTES] [--connections C]
 *   env MAILWARDEN_TEST_POSTGRES, MAILWARDEN_TEST_REDIS override the local servers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initialise } from '../src/app/init.js';
import { hashPassword } from '../src/auth/password-hash.js';
import type { Store } from '../src/storage/ports/index.js';
import { openPostgresStore } from '../src/storage/postgres/index.js';
import { openSqliteStore } from '../src/storage/sqlite/index.js';
import { TestSchemas } from '../test/contract/postgres-schema.js';
import { dropPrefix, freshPrefix, redisUrl } from '../test/e2e/cluster/services.js';
import { writeTestConfig } from '../test/helpers/gateway.js';
import { startGatewayProcess, type GatewayProcess } from '../test/helpers/gateway-process.js';
import { startNextHop, type NextHop } from '../test/helpers/next-hop.js';
import { percentile, runLoad, type LoadResult } from './load.js';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '5000' }, size: { type: 'string', default: '4096' }, connections: { type: 'string', default: '40' } },
});
const N = Number(values.messages);
const S = Number(values.size);
const C = Number(values.connections);
const USER = 'bench@example.co.jp';
const PASS = 'benchmark passphrase that is long enough';

interface Setup {
  name: string;
  nodes: number;
  /** Every node on one PostgreSQL schema; otherwise the node's own SQLite file. */
  postgres: boolean;
  redis: boolean;
}

async function prepareDir(hop: NextHop, setup: Setup, storeUrl: string | null, keyPrefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mw-bench-cluster-'));
  await initialise(dir, 'bench.test');
  writeTestConfig(dir, {
    nextHopPort: hop.port,
    config: {
      ...(storeUrl ? { store: storeUrl } : {}),
      ...(setup.redis ? { redis: { url: redisUrl, keyPrefix } } : {}),
      detection: { shadow: true },
      submission: { maxClientsPerIp: C + 10, maxCommands: 1_000_000 },
      delivery: { concurrency: 20, perDestination: 20, pollMs: 20, batchSize: 200 },
    },
  });
  return dir;
}

async function createAccount(store: Store): Promise<void> {
  await store.accounts.create({ address: USER, name: 'Bench', passwordHash: await hashPassword(PASS) });
  await store.close();
}

/** Runs the load through the setup's nodes, connections split evenly; returns the report line. */
async function measure(setup: Setup, schemas: TestSchemas): Promise<Record<string, unknown>> {
  const hop = await startNextHop();
  const keyPrefix = freshPrefix();
  const storeUrl = setup.postgres ? await schemas.create() : null;
  const dirs: string[] = [];
  for (let i = 0; i < setup.nodes; i++) dirs.push(await prepareDir(hop, setup, storeUrl, keyPrefix));
  await createAccount(storeUrl ? await openPostgresStore(storeUrl) : openSqliteStore(join(dirs[0], 'data', 'mailwarden.db')));
  const nodes: GatewayProcess[] = [];
  for (const dir of dirs) nodes.push(await startGatewayProcess(dir));
  const t0 = performance.now();
  const share = (i: number) => Math.floor(N / setup.nodes) + (i < N % setup.nodes ? 1 : 0);
  const loads: LoadResult[] = await Promise.all(
    nodes.map((node, i) =>
      runLoad({ port: node.port, user: USER, pass: PASS, messages: share(i), size: S, connections: Math.max(1, Math.floor(C / setup.nodes)), rcpt: (k) => `rcpt${k % 1000}@dest${k % 7}.example` }),
    ),
  );
  const seconds = Math.max(...loads.map((l) => l.seconds));
  const accepted = loads.reduce((n, l) => n + l.accepted, 0);
  while (hop.messages.length < accepted && performance.now() - t0 < 600_000) await new Promise((r) => setTimeout(r, 20));
  const relaySeconds = (performance.now() - t0) / 1000;
  for (const node of nodes) await node.stop();
  await hop.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (setup.redis) await dropPrefix(keyPrefix);
  await schemas.dropAll();
  const latencies = loads.flatMap((l) => l.latenciesMs);
  const refusals = loads.flatMap((l) => l.firstReplies);
  if (refusals.length) process.stderr.write(`${setup.name} refusals: ${refusals.join(' | ')}\n`);
  return {
    benchmark: 'cluster',
    setup: setup.name,
    nodes: setup.nodes,
    messages: N,
    sizeBytes: S,
    connections: C,
    accepted,
    refused: loads.reduce((n, l) => n + l.refused, 0),
    acceptedPerSecond: Math.round(accepted / seconds),
    relayedPerSecond: Math.round(hop.messages.length / relaySeconds),
    dataReplyP50Ms: Number(percentile(latencies, 50).toFixed(1)),
    dataReplyP99Ms: Number(percentile(latencies, 99).toFixed(1)),
  };
}

async function main(): Promise<void> {
  const schemas = new TestSchemas();
  process.stderr.write(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}; ${N} messages of ${S} bytes over ${C} connections\n`);
  const setups: Setup[] = [
    { name: 'sqlite, 1 node', nodes: 1, postgres: false, redis: false },
    { name: 'postgres, 1 node (no redis)', nodes: 1, postgres: true, redis: false },
    { name: 'postgres + redis, 1 node', nodes: 1, postgres: true, redis: true },
    { name: 'postgres + redis, 2 nodes', nodes: 2, postgres: true, redis: true },
  ];
  for (const setup of setups) {
    const report = await measure(setup, schemas);
    process.stdout.write(`${JSON.stringify({ ...report, date: new Date().toISOString() })}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
