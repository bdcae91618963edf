/**
 * DMARC report parsing: reports per second on a typical small report, and peak memory (RSS)
 * parsing one generated ~100 MB report. fast-xml-parser needs the whole document as a string, so
 * memory grows with the report: the default cap (64 MiB of XML) bounds it, and this bench raises
 * the cap to measure the 100 MB case. Run: `node --import tsx bench/dmarc.ts [MB]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDmarcReport } from '../src/domain/dmarc/index.js';

const here = import.meta.dirname;

function record(i: number): string {
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  return `<record><row><source_ip>${ip}</source_ip><count>${(i % 97) + 1}</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.co.jp</header_from></identifiers><auth_results><dkim><domain>example.co.jp</domain><selector>mw1</selector><result>pass</result></dkim><spf><domain>bounce.example.co.jp</domain><result>softfail</result></spf></auth_results></record>\n`;
}

/** A report of about `mb` megabytes: the header and N copies of a varied record. */
function generate(mb: number): { xml: Buffer; records: number } {
  const head = '<?xml version="1.0"?><feedback><report_metadata><org_name>bench</org_name><email>b@bench.example</email><report_id>1</report_id><date_range><begin>1767571200</begin><end>1767657599</end></date_range></report_metadata><policy_published><domain>example.co.jp</domain><p>none</p></policy_published>\n';
  const parts: string[] = [head];
  let size = head.length;
  let n = 0;
  while (size < mb * 1_000_000) {
    const r = record(n++);
    parts.push(r);
    size += r.length;
  }
  parts.push('</feedback>\n');
  return { xml: Buffer.from(parts.join('')), records: n };
}

async function throughput(): Promise<void> {
  const sample = readFileSync(join(here, '../test/fixtures/dmarc/google.xml'));
  const gz = readFileSync(join(here, '../test/fixtures/dmarc/google.xml.gz'));
  for (const [name, input] of [['xml', sample], ['gz', gz]] as const) {
    for (let i = 0; i < 200; i++) await parseDmarcReport(input);
    const n = 5000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await parseDmarcReport(input);
    const secs = (performance.now() - t0) / 1000;
    console.log(`small report (${name}, ${input.length} bytes): ${Math.round(n / secs)} reports/s`);
  }
}

async function large(mb: number): Promise<void> {
  const { xml, records } = generate(mb);
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  const report = await parseDmarcReport(xml, { maxInputBytes: xml.length + 1, maxXmlBytes: xml.length + 1, maxRecords: records + 1 });
  const secs = (performance.now() - t0) / 1000;
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(timer);
  const MB = (n: number): string => `${Math.round(n / 1024 / 1024)} MiB`;
  console.log(`large report: ${(xml.length / 1e6).toFixed(0)} MB, ${report.records.length} records, ${secs.toFixed(1)} s`);
  console.log(`  RSS before ${MB(base)} (input held in memory), peak ${MB(peak)}, growth ${MB(peak - base)}`);
}

await throughput();
await large(Number(process.argv[2] ?? 100));
