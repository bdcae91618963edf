/**
 * DMARC aggregate reports: `parseDmarcReport` reads one (XML, gzip, ZIP or an email carrying one)
 * within fixed limits; `streamDmarcReport` hands its records over one by one instead of keeping
 * them; `summariseSources` turns reports into "who sends as this domain".
 */
import { unpack, type DmarcInput } from './unpack.js';
import { readXml } from './xml.js';
import { TreeBuilder } from './tree.js';
import { FEEDBACK, headerOf, RecordReader } from './report.js';
import { DEFAULT_LIMITS, type DmarcLimits, type DmarcRecord, type DmarcReport, type DmarcReportHeader } from './types.js';

export * from './types.js';
export type { DmarcInput } from './unpack.js';
export { summariseSources } from './sources.js';
export type { SourceSummary, SourceFinding, SourcesSummary } from './sources.js';

/**
 * Reads one report as a stream, calling `onRecord` for each record as soon as it is read, so that
 * memory does not grow with the report. Resolves to the header and the number of records; a
 * report that turns out bad after some records were handed over still rejects, and those records
 * are to be dropped.
 */
export async function streamDmarcReport(
  input: DmarcInput,
  onRecord: (record: DmarcRecord) => void,
  limits: Partial<DmarcLimits> = {},
): Promise<{ header: DmarcReportHeader; records: number }> {
  const bounds = { ...DEFAULT_LIMITS, ...limits };
  const records = new RecordReader(bounds.maxRecords, onRecord);
  const tree = new TreeBuilder('feedback', FEEDBACK, 'record', (value) => records.add(value));
  await readXml(await unpack(input, bounds), tree);
  // As when the report was read whole: the header's errors come before any record's.
  const header = headerOf(tree.root);
  return { header, records: records.finish() };
}

/** Parses one report. Throws DmarcParseError (with a stable `code`) for anything it will not read. */
export async function parseDmarcReport(input: DmarcInput, limits: Partial<DmarcLimits> = {}): Promise<DmarcReport> {
  const records: DmarcRecord[] = [];
  const { header } = await streamDmarcReport(input, (r) => records.push(r), limits);
  return { ...header, records };
}
