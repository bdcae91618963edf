/**
 * The parsed XML tree to a DmarcReport. Reporters differ (one record or many, optional elements
 * left out or left empty, namespaces, odd spellings such as SPF "hardfail"), so every field is read
 * through the small accessors below, which never trust the shape.
 */
import { unescapeXml } from './xml.js';
import {
  DmarcParseError,
  type DkimAuthResult,
  type DmarcRecord,
  type DmarcReport,
  type OverrideReason,
  type PublishedPolicy,
  type SpfAuthResult,
} from './types.js';

type Node = Record<string, unknown>;

const T = {
  missing: { en: 'the report has no {field}', ja: 'レポートに {field} がありません' },
  badDate: { en: 'the report has an invalid {field}: {value}', ja: 'レポートの {field} が不正です: {value}' },
  badCount: { en: 'a record has an invalid count: {value}', ja: 'レコードの count が不正です: {value}' },
  tooMany: { en: 'the report has more than {max} records', ja: 'レポートのレコードが上限 {max} 件を超えています' },
};

/** One element or several: always a list. */
export function arr(v: unknown): unknown[] {
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

function node(v: unknown): Node {
  const first = Array.isArray(v) ? v[0] : v;
  return first && typeof first === 'object' ? (first as Node) : {};
}

/** Trimmed text of a leaf, or null when absent or empty. */
function text(v: unknown): string | null {
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined || first === null || typeof first === 'object') return null;
  const s = unescapeXml(String(first)).trim();
  return s === '' ? null : s;
}

/** Results are compared in lower case; "hardfail" is what some reporters write for SPF fail. */
function result(v: unknown): string | null {
  const s = text(v)?.toLowerCase() ?? null;
  return s === 'hardfail' ? 'fail' : s;
}

function required(v: unknown, field: string): string {
  const s = text(v);
  if (s === null) throw new DmarcParseError('DMARC_MISSING_FIELD', T.missing, { field });
  return s;
}

/** Epoch seconds to ISO 8601 without milliseconds; some reporters write "1706832000.0" or pad with spaces. */
function isoDate(v: unknown, field: string): string {
  const raw = required(v, field);
  const secs = Number(raw);
  if (!Number.isFinite(secs) || secs < 0 || secs > 253402300799) {
    throw new DmarcParseError('DMARC_BAD_DATE', T.badDate, { field, value: raw.slice(0, 40) });
  }
  return new Date(Math.floor(secs) * 1000).toISOString().replace('.000Z', 'Z');
}

function policyOf(p: Node): PublishedPolicy {
  const mode = (v: unknown): string => (text(v)?.toLowerCase() === 's' ? 's' : 'r');
  const policy = text(p.p)?.toLowerCase() ?? null;
  const pct = Number(text(p.pct) ?? 100);
  return {
    domain: required(p.domain, 'policy_published/domain').toLowerCase(),
    p: policy,
    sp: text(p.sp)?.toLowerCase() ?? policy,
    pct: Number.isFinite(pct) ? Math.min(100, Math.max(0, Math.round(pct))) : 100,
    adkim: mode(p.adkim),
    aspf: mode(p.aspf),
  };
}

function dkimResults(v: unknown): DkimAuthResult[] {
  return arr(v).map((d) => {
    const n = node(d);
    return { domain: text(n.domain)?.toLowerCase() ?? '', selector: text(n.selector), result: result(n.result) ?? 'none' };
  });
}

function spfResults(v: unknown): SpfAuthResult[] {
  return arr(v).map((s) => {
    const n = node(s);
    return { domain: text(n.domain)?.toLowerCase() ?? '', scope: text(n.scope)?.toLowerCase() ?? null, result: result(n.result) ?? 'none' };
  });
}

function reasonsOf(v: unknown): OverrideReason[] {
  return arr(v)
    .map((r) => node(r))
    // An empty <reason><type/></reason> appears in the wild; "other" is the schema's catch-all.
    .map((n) => ({ type: text(n.type)?.toLowerCase() ?? 'other', comment: text(n.comment) }));
}

function recordOf(r: Node): DmarcRecord {
  const row = node(r.row);
  const evaluated = node(row.policy_evaluated);
  const ids = node(r.identifiers);
  const auth = node(r.auth_results);
  const rawCount = text(row.count) ?? '';
  const count = Number(rawCount);
  if (!/^\s*\d+\s*$/.test(rawCount) || !Number.isSafeInteger(count)) {
    throw new DmarcParseError('DMARC_BAD_COUNT', T.badCount, { value: rawCount.slice(0, 40) });
  }
  return {
    sourceIp: required(row.source_ip, 'row/source_ip'),
    count,
    disposition: result(evaluated.disposition),
    dkim: result(evaluated.dkim),
    spf: result(evaluated.spf),
    headerFrom: text(ids.header_from)?.toLowerCase() ?? null,
    envelopeFrom: text(ids.envelope_from)?.toLowerCase() ?? null,
    reasons: reasonsOf(evaluated.reason),
    authResults: { dkim: dkimResults(auth.dkim), spf: spfResults(auth.spf) },
  };
}

export function reportOf(feedback: Node, maxRecords: number): DmarcReport {
  const meta = node(feedback.report_metadata);
  const range = node(meta.date_range);
  const records = arr(feedback.record);
  if (records.length > maxRecords) throw new DmarcParseError('DMARC_TOO_MANY_RECORDS', T.tooMany, { max: maxRecords });
  return {
    orgName: required(meta.org_name, 'report_metadata/org_name'),
    reportId: required(meta.report_id, 'report_metadata/report_id'),
    begin: isoDate(range.begin, 'date_range/begin'),
    end: isoDate(range.end, 'date_range/end'),
    policy: policyOf(node(feedback.policy_published)),
    records: records.map((r) => recordOf(node(r))),
  };
}
