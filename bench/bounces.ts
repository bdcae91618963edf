/**
 * Bounce parsing throughput: parses the fixture corpus (every MTA and provider format, auto-replies,
 * complaints) over and over on one core and prints bounces parsed per CPU second and per wall-clock
 * second. On a shared machine the CPU-time rate is the one to quote; the wall-clock rate measures
 * the neighbours too. `mime` compares, in the same run, the fast MIME reader with the full
 * mailparser reader it stands in for, so that the ratio holds however busy the machine is.
 *   node --import tsx bench/bounces.ts [seconds]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseBounce } from '../src/bounces/parse/index.js';
import { readMailFast } from '../src/bounces/parse/mime-fast.js';
import { readMailFull } from '../src/bounces/parse/mime-full.js';

const dir = fileURLToPath(new URL('../test/fixtures/bounces/', import.meta.url));
const corpus = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.eml') && statSync(dir + name).isFile())
  .map((name) => readFileSync(dir + name));

type Reader = (raw: Buffer) => Promise<unknown>;

async function pass(read: Reader): Promise<number> {
  for (const raw of corpus) await read(raw).catch(() => undefined);
  return corpus.length;
}

/** Runs `read` over the corpus until `seconds` have passed; CPU time is that of the whole process. */
async function measure(read: Reader, seconds: number): Promise<{ messages: number; wall: number; cpu: number }> {
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  let messages = 0;
  while (process.hrtime.bigint() < deadline) messages += await pass(read);
  const cpu = process.cpuUsage(cpuStart);
  return { messages, wall: Number(process.hrtime.bigint() - started) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** Alternates short runs of both readers, so that both see the same load. */
async function compareReaders(seconds: number): Promise<{ fast: number; full: number }> {
  const total = { fast: { m: 0, cpu: 0 }, full: { m: 0, cpu: 0 } };
  for (let i = 0; i < 10; i++) {
    const fast = await measure(readMailFast, seconds / 20);
    const full = await measure(readMailFull, seconds / 20);
    total.fast.m += fast.messages;
    total.fast.cpu += fast.cpu;
    total.full.m += full.messages;
    total.full.cpu += full.cpu;
  }
  return { fast: Math.round(total.fast.m / total.fast.cpu), full: Math.round(total.full.m / total.full.cpu) };
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  for (let i = 0; i < 3; i++) {
    await pass(parseBounce); // warm up the JIT and the rule regexes
    await pass(readMailFull);
  }
  const run = await measure(parseBounce, seconds);
  const mime = await compareReaders(Math.max(2, seconds / 2));
  const line = {
    bench: 'bounces',
    messages: run.messages,
    seconds: Number(run.wall.toFixed(2)),
    perSecond: Math.round(run.messages / run.wall),
    perCpuSecond: Math.round(run.messages / run.cpu),
    corpus: corpus.length,
    // MIME reading alone, messages per CPU second: the fast reader and the full mailparser reader
    mime: { fastPerCpuSecond: mime.fast, fullPerCpuSecond: mime.full, ratio: Number((mime.fast / mime.full).toFixed(1)) },
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

await main();
