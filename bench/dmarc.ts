/**
 * DMARC report parsing: reports per CPU second on small reports in the fixtures' styles, and time
 * and memory for a generated ~100 MB report, as XML and as gzip, with the default limits. The
 * parser streams, so what grows with the report is the list of parsed records that
 * parseDmarcReport returns (reported as `recordsMiB`); `streamDmarcReport`, which hands the records
 * over one by one, shows the parser's own footprint. Each large case runs in a process of its own,
 * so that one does not inherit the heap another grew. On a shared machine quote the CPU figures.
 * JSON lines on stdout. Run: `node --import tsx bench/dmarc.ts [MB]`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { parseDmarcReport, streamDmarcReport, type DmarcRecord } from '../src/domain/dmarc/index.js';
import { recordsFor, recordXml, reportHead, reportTail } from '../test/fixtures/dmarc/large-report.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const fixtures = join(import.meta.dirname, '../test/fixtures/dmarc');
const MiB = (n: number): number => Math.round(n / 1024 / 1024);
const load = (): number => Number(loadavg()[0].toFixed(2));

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
}

function print(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'dmarc', ...line, load: load() })}\n`);
}

async function small(): Promise<void> {
  for (const name of ['google.xml', 'google.xml.gz', 'microsoft.zip', 'yahoo-email-gz.eml']) {
    const input = readFileSync(join(fixtures, name));
    for (let i = 0; i < 300; i++) await parseDmarcReport(input);
    const n = 5000;
    const [t0, c0] = [performance.now(), process.cpuUsage()];
    for (let i = 0; i < n; i++) await parseDmarcReport(input);
    const [secs, cpu] = [(performance.now() - t0) / 1000, cpuSeconds(c0)];
    print({ case: 'small', input: name, bytes: input.length, perSecond: Math.round(n / secs), perCpuSecond: Math.round(n / cpu) });
  }
}

/** Time, CPU and memory of one large parse; `keep` says whether the records are kept (as parseDmarcReport does). */
async function large(name: string, input: Buffer, xmlBytes: number, keep: boolean): Promise<void> {
  gc();
  const [heap0, rss0] = [process.memoryUsage().heapUsed, process.memoryUsage.rss()];
  let peak = rss0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const records: DmarcRecord[] = [];
  let seen = 0;
  const [t0, c0] = [performance.now(), process.cpuUsage()];
  let live = 0;
  await streamDmarcReport(input, (r) => {
    if (keep) records.push(r);
    // The XML path never waits on the event loop, so the timer alone would miss the peak.
    if (++seen % 2000 === 0) peak = Math.max(peak, process.memoryUsage.rss());
    // Without the records, what the parser itself holds: the heap after a collection, now and then.
    if (!keep && seen % 20_000 === 0) {
      gc();
      live = Math.max(live, process.memoryUsage().heapUsed - heap0);
    }
  });
  const [secs, cpu] = [(performance.now() - t0) / 1000, cpuSeconds(c0)];
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  gc();
  const recordsBytes = process.memoryUsage().heapUsed - heap0;
  print({
    case: 'large',
    input: name,
    recordsKept: keep,
    inputMB: Number((input.length / 1e6).toFixed(1)),
    xmlMB: Number((xmlBytes / 1e6).toFixed(1)),
    records: seen,
    seconds: Number(secs.toFixed(1)),
    cpuSeconds: Number(cpu.toFixed(1)),
    xmlMBPerCpuSecond: Number((xmlBytes / 1e6 / cpu).toFixed(1)),
    rssBeforeMiB: MiB(rss0),
    peakRssGrowthMiB: MiB(peak - rss0),
    recordsMiB: MiB(recordsBytes),
    bytesPerRecord: keep ? Math.round(recordsBytes / seen) : undefined,
    peakLiveHeapMiB: keep ? undefined : Number((live / 1024 / 1024).toFixed(1)),
  });
  records.length = 0;
}

const CASES = { xml: ['xml', true], gzip: ['gzip', true], 'xml-streamed': ['xml', false] } as const;

/** The generated report as the case's input, written straight into one buffer so that making it does not grow the heap. */
function inputFor(format: 'xml' | 'gzip', mb: number): { input: Buffer; xmlBytes: number } {
  const records = recordsFor(mb * 1e6);
  const xml = Buffer.allocUnsafe(reportHead.length + records * (recordXml(records).length + 1) + reportTail.length);
  let at = xml.write(reportHead);
  for (let i = 0; i < records; i++) at += xml.write(recordXml(i), at);
  at += xml.write(reportTail, at);
  return { input: format === 'gzip' ? gzipSync(xml.subarray(0, at)) : xml.subarray(0, at), xmlBytes: at };
}

async function largeCase(name: keyof typeof CASES, mb: number): Promise<void> {
  const [format, keep] = CASES[name];
  // The input is made before measuring and held, as a caller holding the file would.
  const { input, xmlBytes } = inputFor(format, mb);
  await large(format, input, xmlBytes, keep);
}

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  if (mode === '--case') return largeCase(arg as keyof typeof CASES, Number(process.argv[4]));
  await small();
  const mb = mode ?? '100';
  for (const name of Object.keys(CASES)) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--case', name, mb], { stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`large case ${name} failed (exit ${run.status ?? run.signal})`);
  }
}

await main();
