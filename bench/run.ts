/**
 * `npm run bench`: every benchmark, one after the other, each in its own process so one does
 * not warm or starve the next. Results are JSON lines on stdout; record them with the machine
 * and date in docs/benchmarks.md. Pass names to run a subset: `npm run bench -- submission`.
 *   MW_BENCH_MESSAGES overrides the submission benchmark's message count (default 20,000).
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

const all: Record<string, string[]> = {
  submission: ['bench/submission.ts', '--messages', process.env.MW_BENCH_MESSAGES ?? '20000', '--size', '4096', '--connections', '50'],
  detection: ['bench/detection.ts'],
  independent: ['bench/independent.ts', '--geo'],
  moving: ['bench/moving.ts', '--patient'],
  replay: ['bench/replay.ts'],
  bounces: ['bench/bounces.ts'],
  dmarc: ['bench/dmarc.ts'],
  password: ['bench/password.ts'],
  auth: ['bench/auth.ts'],
  cluster: ['bench/cluster.ts'],
  split: ['bench/split.ts'],
  follower: ['bench/follower.ts'],
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(all);
process.stderr.write(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}; date: ${new Date().toISOString()}\n`);
let failed = 0;
for (const name of names) {
  const args = all[name];
  if (!args) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${Object.keys(all).join(', ')}\n`);
    failed++;
    continue;
  }
  process.stderr.write(`\n== ${name}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', ...args], { stdio: 'inherit', timeout: 20 * 60_000 });
  if (run.status !== 0) {
    process.stderr.write(`benchmark ${name} failed (exit ${run.status ?? run.signal})\n`);
    failed++;
  }
}
process.exitCode = failed ? 1 : 0;
