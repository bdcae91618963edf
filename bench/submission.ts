/**
 * Submission benchmark: N messages of S bytes over C connections with STARTTLS + AUTH through
 * a gateway (its own process, durable SQLite queue, detection engine running in shadow mode so
 * its cost is included) to a local next hop. Prints accepted and relayed msgs/s, DATA reply
 * latency (p50/p99) and the gateway's peak RSS.
 *   node --import tsx bench/submission.ts [--messages N] [--size BYTES] [--connections C]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initialise } from '../src/app/init.js';
import { hashPassword } from '../src/auth/password-hash.js';
import { openSqliteStore } from '../src/storage/sqlite/index.js';
import { writeTestConfig } from '../test/helpers/gateway.js';
import { startNextHop } from '../test/helpers/next-hop.js';
import { percentile, runLoad } from './load.js';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '20000' }, size: { type: 'string', default: '4096' }, connections: { type: 'string', default: '50' } },
});
const N = Number(values.messages);
const S = Number(values.size);
const C = Number(values.connections);
const USER = 'bench@example.co.jp';
const PASS = 'benchmark passphrase that is long enough';

async function startGatewayProcess(dir: string): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...(process.env.MW_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.MW_BENCH_PROFILE] : []), '--import', 'tsx', 'src/cli/main.ts', 'start', '--config', join(dir, 'mailwarden.yaml')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, MAILWARDEN_LANG: 'en' },
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /STARTTLS\)\s+\S+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${out}`)));
  });
  return {
    port,
    pid: child.pid!,
    stop: () => new Promise<void>((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))),
  };
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mw-bench-'));
  const hop = await startNextHop();
  await initialise(dir, 'bench.test');
  writeTestConfig(dir, {
    nextHopPort: hop.port,
    config: {
      detection: { shadow: true },
      submission: { maxClientsPerIp: C + 10, maxCommands: 1_000_000 },
      delivery: { concurrency: 20, perDestination: 20, pollMs: 20, batchSize: 200 },
    },
  });
  const store = openSqliteStore(join(dir, 'data', 'mailwarden.db'));
  await store.accounts.create({ address: USER, name: 'Bench', passwordHash: await hashPassword(PASS) });
  await store.close();
  const gw = await startGatewayProcess(dir);
  const t0 = performance.now();
  const load = await runLoad({ port: gw.port, user: USER, pass: PASS, messages: N, size: S, connections: C, rcpt: (i) => `rcpt${i % 1000}@dest${i % 7}.example` });
  while (hop.messages.length < load.accepted && performance.now() - t0 < 600_000) await new Promise((r) => setTimeout(r, 20));
  const relaySeconds = (performance.now() - t0) / 1000;
  const rss = peakRssMb(gw.pid);
  await gw.stop();
  await hop.stop();
  rmSync(dir, { recursive: true, force: true });
  const report = {
    benchmark: 'submission',
    date: new Date().toISOString(),
    machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}`,
    messages: N,
    sizeBytes: S,
    connections: C,
    accepted: load.accepted,
    refused: load.refused,
    acceptedPerSecond: Math.round(load.accepted / load.seconds),
    relayedPerSecond: Math.round(hop.messages.length / relaySeconds),
    relayed: hop.messages.length,
    dataReplyP50Ms: Number(percentile(load.latenciesMs, 50).toFixed(1)),
    dataReplyP99Ms: Number(percentile(load.latenciesMs, 99).toFixed(1)),
    gatewayPeakRssMb: rss,
  };
  if (load.firstReplies.length) process.stderr.write(`refusals: ${load.firstReplies.join(' | ')}\n`);
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
