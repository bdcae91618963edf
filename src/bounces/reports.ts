import { DmarcParseError, parseDmarcReport, type DmarcReport } from '../domain/dmarc/index.js';
import type { InboundOutcome, Store } from '../storage/ports/index.js';

/**
 * DMARC aggregate reports mailed to a report address (the domain's rua=). They are kept in the
 * bounce store with the parsed report as the summary, so `mailwarden dmarc sources` reads them
 * without parsing every message again.
 */
export async function dmarcReportOf(raw: Buffer): Promise<DmarcReport | null> {
  try {
    return await parseDmarcReport(raw);
  } catch (err) {
    // not a report (a bounce or a person writing to the address): the caller reads it as a bounce
    if (err instanceof DmarcParseError) return null;
    throw err;
  }
}

export async function recordReport(report: DmarcReport, receivedAt: string, inboundId: string, store: Store): Promise<InboundOutcome> {
  const data = { orgName: report.orgName, reportId: report.reportId, domain: report.policy.domain, begin: report.begin, end: report.end, records: report.records.length, inboundId };
  await store.events.append({ ts: receivedAt, code: 'bounce:dmarc-report', account: null, data });
  return { state: 'handled', kind: 'dmarc-report', account: null, queueId: null, summary: { report }, error: null };
}

/** Stored reports, newest first, one per (reporter, report id), for one domain or for all. */
export async function storedReports(store: Store, domains: string[] = []): Promise<DmarcReport[]> {
  const wanted = new Set(domains.map((d) => d.toLowerCase()));
  const seen = new Set<string>();
  const out: DmarcReport[] = [];
  for (const m of await store.bounces.list({ kind: 'dmarc-report', newestFirst: true, limit: 10_000 })) {
    const report = m.summary.report as DmarcReport | undefined;
    if (!report) continue;
    const key = `${report.orgName}\u0000${report.reportId}`;
    if (seen.has(key) || (wanted.size > 0 && !wanted.has(report.policy.domain.toLowerCase()))) continue;
    seen.add(key);
    out.push(report);
  }
  return out;
}
