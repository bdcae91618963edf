import { DmarcParseError, parseDmarcReport, type DmarcReport } from '../domain/dmarc/index.js';
import { Headers } from 'mailsplit';
import libmime from 'libmime';
import { addresses, headerEndOf } from '../smtp/message.js';
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

/**
 * Whether a message read from a mailbox (no envelope) may be an aggregate report: its To, Cc,
 * Delivered-To or X-Original-To names a report address, or its subject is the one RFC 7489
 * §7.2.1.1 prescribes ("Report Domain: ... Submitter: ... Report-ID: ..."). Only then is it
 * parsed as a report; anything else is read as a bounce.
 */
export function mailboxReportHint(raw: Buffer, isReportAddress: (address: string) => boolean): boolean {
  const headers = new Headers(raw.subarray(0, headerEndOf(raw)));
  for (const key of ['to', 'cc', 'delivered-to', 'x-original-to']) {
    for (const line of headers.get(key)) if (addresses(line.slice(line.indexOf(':') + 1)).some(isReportAddress)) return true;
  }
  return /^\s*report\s+domain:/i.test(libmime.decodeWords(headers.getFirst('subject')));
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
