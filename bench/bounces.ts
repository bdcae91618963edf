/**
 * Bounce parsing throughput: parses the fixture corpus (every MTA and provider format, auto-replies,
 * complaints) over and over on one core and prints bounces parsed per second.
 *   node --import tsx bench/bounces.ts [seconds]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseBounce } from '../src/bounces/parse/index.js';

const dir = new URL('../test/fixtures/bounces/', import.meta.url);
const corpus = readdirSync(dir)
  .filter((name) => name.endsWith('.eml'))
  .map((name) => readFileSync(new URL(name, dir)));

async function parseAll(): Promise<number> {
  for (const raw of corpus) await parseBounce(raw);
  return corpus.length;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  for (let i = 0; i < 3; i++) await parseAll(); // warm up the JIT and the rule regexes
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  let parsed = 0;
  while (process.hrtime.bigint() < deadline) parsed += await parseAll();
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // per CPU second as well: on a busy machine the wall-clock rate measures the neighbours too
  const line = {
    bench: 'bounces',
    messages: parsed,
    seconds: Number(elapsed.toFixed(2)),
    perSecond: Math.round(parsed / elapsed),
    perCpuSecond: Math.round(parsed / cpuSeconds),
    corpus: corpus.length,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

await main();
