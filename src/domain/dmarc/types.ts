/**
 * The DMARC aggregate report as Mailwarden reads it (RFC 7489 appendix C, and the DMARCbis
 * aggregate-reporting schema). Field names follow the `mailwarden dmarc parse` contract in DESIGN.md.
 */
import type { Text } from '../../core/i18n.js';

export interface DkimAuthResult {
  domain: string;
  selector: string | null;
  result: string;
}

export interface SpfAuthResult {
  domain: string;
  /** `mfrom` or `helo`; absent in DMARCbis reports and from some reporters. */
  scope: string | null;
  result: string;
}

export interface OverrideReason {
  type: string;
  comment: string | null;
}

export interface DmarcRecord {
  sourceIp: string;
  count: number;
  /** What the receiver did: `none`, `quarantine` or `reject`. */
  disposition: string | null;
  /** DMARC-aligned DKIM result from policy_evaluated: `pass` or `fail`. */
  dkim: string | null;
  /** DMARC-aligned SPF result from policy_evaluated: `pass` or `fail`. */
  spf: string | null;
  headerFrom: string | null;
  envelopeFrom: string | null;
  reasons: OverrideReason[];
  authResults: { dkim: DkimAuthResult[]; spf: SpfAuthResult[] };
}

export interface PublishedPolicy {
  domain: string;
  p: string | null;
  /** The subdomain policy; RFC 7489 §6.3: when absent it is the same as `p`. */
  sp: string | null;
  /** RFC 7489 §6.3: 100 when absent (DMARCbis drops the tag, which means 100). */
  pct: number;
  adkim: string;
  aspf: string;
}

export interface DmarcReport {
  orgName: string;
  reportId: string;
  /** ISO 8601, UTC, from the report's epoch seconds. */
  begin: string;
  end: string;
  policy: PublishedPolicy;
  records: DmarcRecord[];
}

/** A report without its records, for readers that take the records one by one. */
export type DmarcReportHeader = Omit<DmarcReport, 'records'>;

/** Bounds on what a report may cost to read; every one is checked before the work it limits. */
export interface DmarcLimits {
  /** The input as given: XML or gzip is read as a stream, so this bounds time, not memory. */
  maxInputBytes: number;
  /** A ZIP archive or an email, which are read whole (the ZIP directory sits at the end; mailparser holds the message). */
  maxBufferedBytes: number;
  /** The XML after decompression, parsed as it arrives: bounds the time one report may take. */
  maxXmlBytes: number;
  /** Decompressed bytes per compressed byte past the first MiB: above this, gzip or ZIP is a bomb. */
  maxInflateRatio: number;
  /** Records in one report: they make up the result, the only part of the memory that grows with the report. */
  maxRecords: number;
}

/**
 * The XML is parsed as a stream (saxes), record by record, so memory does not follow the size of the
 * report: the parser holds one record and at most about a MiB of text at a time. What grows is the
 * list of parsed records, about 420 bytes each, as much as their XML (bench/dmarc.ts); 1,000,000
 * records is some 400 MiB. 512 MiB of XML takes about 40 s of CPU at the 13 MB/s measured. Real
 * reports compress 3 to 70 times, a gzip bomb about 1,000 times.
 */
export const DEFAULT_LIMITS: DmarcLimits = {
  maxInputBytes: 512 * 1024 * 1024,
  maxBufferedBytes: 32 * 1024 * 1024,
  maxXmlBytes: 512 * 1024 * 1024,
  maxInflateRatio: 250,
  maxRecords: 1_000_000,
};

/** Every failure has a stable code and a bilingual message; the CLI prints the message in the reader's language. */
export class DmarcParseError extends Error {
  constructor(
    readonly code: string,
    readonly text: Text,
    readonly params: Record<string, string | number> = {},
  ) {
    super(text.en.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)));
    this.name = 'DmarcParseError';
  }
}
