/**
 * The parsed XML trees to a DmarcReport. Reporters differ (one record or many, optional elements
 * left out or left empty, namespaces, odd spellings such as SPF "hardfail"), so every field is read
 * through the small accessors below, which never trust the shape. FEEDBACK lists every element
 * they read; the tree builder keeps no other.
 */
import type { Field, Node, Shape } from './tree.js';
import {
  DmarcParseError,
  type DkimAuthResult,
  type DmarcRecord,
  type DmarcReportHeader,
  type OverrideReason,
  type PublishedPolicy,
  type SpfAuthResult,
} from './types.js';

const LEAF: Field = {};
const leaves = (...names: string[]): Shape => Object.fromEntries(names.map((n) => [n, LEAF]));

const RECORD: Shape = {
  row: {
    shape: {
      ...leaves('source_ip', 'count'),
      policy_evaluated: { shape: { ...leaves('disposition', 'dkim', 'spf'), reason: { many: true, shape: leaves('type', 'comment') } } },
    },
  },
  identifiers: { shape: leaves('header_from', 'envelope_from') },
  auth_results: {
    shape: { dkim: { many: true, shape: leaves('domain', 'selector', 'result') }, spf: { many: true, shape: leaves('domain', 'scope', 'result') } },
  },
};

export const FEEDBACK: Shape = {
  report_metadata: { shape: { ...leaves('org_name', 'report_id'), date_range: { shape: leaves('begin', 'end') } } },
  policy_published: { shape: leaves('domain', 'p', 'sp', 'pct', 'adkim', 'aspf') },
  record: { many: true, shape: RECORD },
};

const T = {
  missing: { en: 'the report has no {field}', ja: 'レポートに {field} がありません' },
  badDate: { en: 'the report has an invalid {field}: {value}', ja: 'レポートの {field} が不正です: {value}' },
  badCount: { en: 'a record has an invalid count: {value}', ja: 'レコードの count が不正です: {value}' },
  tooMany: { en: 'the report has more than {max} records', ja: 'レポートのレコードが上限 {max} 件を超えています' },
  notFeedback: {
    en: 'the XML is not a DMARC aggregate report (no <feedback> element)',
    ja: 'XML が DMARC 集計レポートではありません (<feedback> 要素がありません)',
  },
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
  const s = String(first).trim();
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

/** The <feedback> root as read: an element with children, or the document is no report. */
export function headerOf(root: unknown): DmarcReportHeader {
  if (!root || typeof root !== 'object') throw new DmarcParseError('DMARC_NOT_REPORT', T.notFeedback);
  const feedback = root as Node;
  const meta = node(feedback.report_metadata);
  const range = node(meta.date_range);
  return {
    orgName: required(meta.org_name, 'report_metadata/org_name'),
    reportId: required(meta.report_id, 'report_metadata/report_id'),
    begin: isoDate(range.begin, 'date_range/begin'),
    end: isoDate(range.end, 'date_range/end'),
    policy: policyOf(node(feedback.policy_published)),
  };
}

/**
 * The <record> elements as they stream in, read as a list of them was read before: a lone empty
 * <record/> is no record, past `maxRecords` the report is refused at once, and the first record
 * that cannot be read fails the report, but only once its header has been checked.
 */
export class RecordReader {
  /** <record> elements seen. */
  private seen = 0;
  private loneEmpty = false;
  private failure: DmarcParseError | null = null;

  constructor(
    private readonly maxRecords: number,
    private readonly onRecord: (record: DmarcRecord) => void,
  ) {}

  add(value: unknown): void {
    this.seen++;
    if (this.seen === 1 && value === '') return void (this.loneEmpty = true);
    if (this.seen > this.maxRecords) throw new DmarcParseError('DMARC_TOO_MANY_RECORDS', T.tooMany, { max: this.maxRecords });
    if (this.loneEmpty) this.read('');
    this.loneEmpty = false;
    this.read(value);
  }

  private read(value: unknown): void {
    if (this.failure) return;
    let record: DmarcRecord;
    try {
      record = recordOf(node(value));
    } catch (err) {
      if (!(err instanceof DmarcParseError)) throw err;
      this.failure = err;
      return;
    }
    this.onRecord(record);
  }

  /** Records read; throws the first record's error, if any. */
  finish(): number {
    if (this.failure) throw this.failure;
    return this.loneEmpty ? 0 : this.seen;
  }
}
