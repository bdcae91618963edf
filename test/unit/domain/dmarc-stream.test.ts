import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseDmarcReport, streamDmarcReport } from '../../../src/domain/dmarc/index.js';
import { largeReport, largeReportGz, recordsFor, totalCount } from '../../fixtures/dmarc/large-report.js';

const dir = join(import.meta.dirname, '../../fixtures/dmarc');
const fixture = (name: string): Buffer => readFileSync(join(dir, name));
const reports = readdirSync(dir).filter((f) => /\.(xml|gz|zip|eml)$/.test(f));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** `buf` as a stream cut at random places, down to single bytes (a BOM, a UTF-8 sequence, a tag split apart). */
async function* pieces(buf: Buffer, seed: number): AsyncGenerator<Buffer> {
  let s = seed;
  for (let i = 0; i < buf.length; ) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (s % (s % 3 === 0 ? 7 : 300));
    yield buf.subarray(i, i + n);
    i += n;
  }
}

async function outcome(input: Buffer | AsyncIterable<Uint8Array>): Promise<string> {
  try {
    return JSON.stringify(await parseDmarcReport(input));
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).message;
  }
}

/** Live heap (after collection) at its highest while `run` goes on; `sample` is called from inside it. */
async function peakLiveHeap(run: (sample: () => void) => Promise<void>): Promise<number> {
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  await run(() => {
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed - base);
  });
  return peak;
}

describe('parseDmarcReport on a stream', () => {
  it('gives the same report or error for every fixture however the stream is cut', async () => {
    for (const name of reports) {
      const whole = await outcome(fixture(name));
      for (const seed of [1, 2, 3]) expect(await outcome(pieces(fixture(name), seed)), `${name} cut with seed ${seed}`).toBe(whole);
    }
  });

  it('reads a UTF-16 report with a byte order mark, split between its two bytes', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fixture('mailru.xml').toString('utf8').replace(/^\uFEFF/, ''), 'utf16le')]);
    const r = await parseDmarcReport((async function* () {
      yield utf16.subarray(0, 1);
      yield utf16.subarray(1);
    })());
    expect(r).toEqual(await parseDmarcReport(fixture('mailru.xml')));
  });

  it('refuses a DOCTYPE split across two chunks', async () => {
    const xml = fixture('hostile-xxe.xml');
    const at = xml.indexOf('DOCTYPE') + 3;
    const split = (async function* () {
      yield xml.subarray(0, at);
      yield xml.subarray(at);
    })();
    await expect(parseDmarcReport(split)).rejects.toMatchObject({ code: 'DMARC_DOCTYPE' });
  });

  it('stops a streamed gzip bomb by its inflation ratio, long before the XML cap', async () => {
    await expect(parseDmarcReport(pieces(fixture('hostile-gzip-bomb.xml.gz'), 7))).rejects.toThrow(/decompression bomb/);
  });
});

describe('parseDmarcReport bounds what the parser holds', () => {
  const wrap = (inner: string): Buffer => Buffer.from(`<?xml version="1.0"?><feedback>${inner}</feedback>`);

  it('refuses a single text, tag or comment past the span limit instead of buffering it', async () => {
    const long = 'x'.repeat(2_000_000);
    for (const xml of [wrap(`<report_metadata><org_name>${long}</org_name></report_metadata>`), wrap(`<!--${long}-->`), wrap(`<x a="${long}"/>`)]) {
      await expect(parseDmarcReport(xml)).rejects.toMatchObject({ code: 'DMARC_TOO_LARGE' });
    }
  });

  it('refuses elements nested deeper than any report', async () => {
    await expect(parseDmarcReport(wrap('<a>'.repeat(100) + '</a>'.repeat(100)))).rejects.toMatchObject({ code: 'DMARC_TOO_LARGE' });
  });

  it('refuses a report past the record cap as soon as it is passed', async () => {
    await expect(parseDmarcReport(largeReport(50), { maxRecords: 10 })).rejects.toMatchObject({ code: 'DMARC_TOO_MANY_RECORDS' });
  });

  it('still names a missing header field before a broken record, as when the report was read whole', async () => {
    const xml = fixture('google.xml').toString().replace('<count>1240</count>', '<count>many</count>').replace(/<org_name>.*<\/org_name>/, '');
    await expect(parseDmarcReport(Buffer.from(xml))).rejects.toMatchObject({ code: 'DMARC_MISSING_FIELD' });
    await expect(parseDmarcReport(Buffer.from(xml.replace('<report_metadata>', '<report_metadata><org_name>x</org_name>')))).rejects.toMatchObject({
      code: 'DMARC_BAD_COUNT',
    });
  });
});

describe('a 32 MB report, generated and streamed', () => {
  const records = recordsFor(32_000_000);

  it('is read in full, record by record, its live heap and RSS growing by less than 4 and 8 MiB', async () => {
    let seen = 0;
    let sum = 0;
    let peakRss = 0;
    let result: Awaited<ReturnType<typeof streamDmarcReport>> | undefined;
    // A first, smaller report lets the heap and the compiled code reach their working size.
    await streamDmarcReport(largeReport(recordsFor(8_000_000)), () => undefined);
    const rss0 = process.memoryUsage.rss();
    const peak = await peakLiveHeap(async (sample) => {
      result = await streamDmarcReport(largeReport(records), (r) => {
        sum += r.count;
        if (++seen % 10_000 === 0) {
          sample();
          peakRss = Math.max(peakRss, process.memoryUsage.rss() - rss0);
        }
      });
    });
    expect(result).toMatchObject({ header: { orgName: 'bench', policy: { domain: 'example.co.jp' } }, records });
    expect([seen, sum]).toEqual([records, totalCount(records)]);
    expect(peak).toBeLessThan(4 * 1024 * 1024);
    expect(peakRss).toBeLessThan(8 * 1024 * 1024);
  });

  it('is read in full from gzip with the default limits, the memory kept being that of the records alone', async () => {
    gc();
    const base = process.memoryUsage().heapUsed;
    const report = await parseDmarcReport(largeReportGz(records));
    gc();
    expect(report.records).toHaveLength(records);
    expect(report.records.reduce((n, r) => n + r.count, 0)).toBe(totalCount(records));
    // About 420 bytes per parsed record; the XML alone is 430 bytes per record.
    expect(process.memoryUsage().heapUsed - base).toBeLessThan(records * 600);
  });
});
