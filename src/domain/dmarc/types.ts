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

/** Bounds on what a report may cost to read; every one is checked before the work it limits. */
export interface DmarcLimits {
  /** The file or message as given (compressed, or the whole email). */
  maxInputBytes: number;
  /** The XML after decompression. */
  maxXmlBytes: number;
  /** Records in one report. */
  maxRecords: number;
}

/**
 * The XML is parsed whole (fast-xml-parser has no streaming mode) at about 1 MB/s with ~14 bytes
 * of memory per byte of XML (bench/dmarc.ts). 32 MiB of XML is some 70,000 records, more than the
 * largest real reports, and bounds one report to roughly half a minute of CPU and 500 MiB.
 */
export const DEFAULT_LIMITS: DmarcLimits = {
  maxInputBytes: 32 * 1024 * 1024,
  maxXmlBytes: 32 * 1024 * 1024,
  maxRecords: 200_000,
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
