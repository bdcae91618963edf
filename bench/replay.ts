/**
 * `mailwarden replay` as an administrator runs it: the built CLI in a process of its own, on
 * streams written by `mailwarden simulate`, output to a file.
 *   node --import tsx bench/replay.ts [--accounts 400] [--days 180] [--seed 4] [--runs 3] [--one-core]
 * Prints, per run, wall-clock time, the process's CPU time and events per second (with and
 * without the start-up, measured on an empty stream), and beside them how fast plain
 * `JSON.parse` reads the same lines in this process: the machine's speed at that moment, so that
 * runs on a noisy machine can be compared as "JSON.parse calls per event". The CLI must be built
 * (`npm ci` does it; after a change, `npm run build`). `--one-core` pins each
 * replay process to CPU 0 with taskset, so that V8's compiler and collector threads share that one
 * core with the engine instead of running beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { accounts: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' }, runs: { type: 'string' }, 'one-core': { type: 'boolean' } } });
const accounts = values.accounts ?? '400';
const days = values.days ?? '180';
const seed = values.seed ?? '4';
const runs = Number(values.runs ?? 3);
const oneCore = values['one-core'] === true;
const cli = join(import.meta.dirname, '..', 'bin', 'mailwarden.js');
const dir = mkdtempSync(join(tmpdir(), 'mw-replay-bench-'));
let lastChildCpu = 0;

try {
  const events = join(dir, 'events.jsonl');
  const config = join(dir, 'detection.yaml');
  const sim = run(['simulate', '--accounts', accounts, '--days', days, '--seed', seed, '--attack', 'blast', '--attack', 'mixed', '--write-config', config], events);
  if (sim.status !== 0) throw new Error(`simulate failed: ${sim.stderr}`);
  const lines = readFileSync(events, 'utf8').split('\n').filter((l) => l !== '');
  writeFileSync(join(dir, 'empty.jsonl'), '');
  console.log(`stream: simulate --accounts ${accounts} --days ${days} --seed ${seed} (blast, mixed): ${lines.length} events${oneCore ? '; replay pinned to one core' : ''}`);
  for (let i = 0; i < runs; i++) {
    const start = timed(['replay', '--config', config, join(dir, 'empty.jsonl')], oneCore);
    const full = timed(['replay', '--config', config, events], oneCore);
    const parse = jsonParseRate(lines);
    const eps = lines.length / full.wall;
    const epsNoStart = lines.length / Math.max(1e-3, full.wall - start.wall);
    console.log(
      JSON.stringify({
        run: i + 1,
        events: lines.length,
        wallSeconds: round(full.wall),
        cpuSeconds: round(full.cpu),
        startSeconds: round(start.wall),
        eventsPerSecond: Math.round(eps),
        eventsPerSecondAfterStart: Math.round(epsNoStart),
        jsonParseLinesPerSecond: Math.round(parse),
        jsonParseCallsPerEvent: round(parse / epsNoStart),
      }),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function run(args: string[], stdoutFile: string, pinned = false): ReturnType<typeof spawnSync> {
  const fd = openSync(stdoutFile, 'w');
  const command = pinned ? ['taskset', '-c', '0', process.execPath] : [process.execPath];
  try {
    return spawnSync(command[0], [...command.slice(1), cli, ...args], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 });
  } finally {
    closeSync(fd);
  }
}

/** Wall-clock and CPU time (user + system, as the kernel counts the finished child) of one CLI run. */
function timed(args: string[], pinned: boolean): { wall: number; cpu: number } {
  childCpu();
  const t0 = performance.now();
  const r = run(args, join(dir, 'out.jsonl'), pinned);
  const wall = (performance.now() - t0) / 1000;
  if (r.error) throw new Error(`cannot run replay: ${r.error.message}${pinned ? ' (--one-core needs taskset, from util-linux)' : ''}`);
  if (r.status !== 0) throw new Error(`replay failed: ${String(r.stderr)}`);
  return { wall, cpu: childCpu() };
}

/** CPU seconds of finished children since the previous call (cutime + cstime of /proc/self/stat). */
function childCpu(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // cutime and cstime: fields 16 and 17 of /proc/PID/stat, counted from the state field (3).
  const ticks = Number(fields[13]) + Number(fields[14]);
  const seconds = ticks / 100;
  const delta = seconds - lastChildCpu;
  lastChildCpu = seconds;
  return delta;
}

/** Lines per second of plain JSON.parse, best of three passes. */
function jsonParseRate(input: string[]): number {
  let best = 0;
  for (let pass = 0; pass < 3; pass++) {
    const t0 = performance.now();
    for (const line of input) JSON.parse(line);
    best = Math.max(best, input.length / ((performance.now() - t0) / 1000));
  }
  return best;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
