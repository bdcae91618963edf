/**
 * DMARC aggregate reports: `parseDmarcReport` reads one (XML, gzip, ZIP or an email carrying one)
 * within fixed limits; `summariseSources` turns reports into "who sends as this domain".
 */
import { unpack } from './unpack.js';
import { decodeXml, parseXml } from './xml.js';
import { reportOf } from './report.js';
import { DEFAULT_LIMITS, type DmarcLimits, type DmarcReport } from './types.js';

export * from './types.js';
export { summariseSources } from './sources.js';
export type { SourceSummary, SourceFinding, SourcesSummary } from './sources.js';

/** Parses one report. Throws DmarcParseError (with a stable `code`) for anything it will not read. */
export async function parseDmarcReport(input: Buffer, limits: Partial<DmarcLimits> = {}): Promise<DmarcReport> {
  const bounds = { ...DEFAULT_LIMITS, ...limits };
  const xml = await unpack(input, bounds);
  return reportOf(parseXml(decodeXml(xml)), bounds.maxRecords);
}
