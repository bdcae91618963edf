import { auditEntryHash, GENESIS_HASH, type AuditEntry, type NewAuditEntry } from '../storage/ports/audit.js';
import type { AuditStore } from '../storage/ports/index.js';

/**
 * Writing and checking the audit chain. Every administrative action goes through `recordAudit`,
 * from the API, the CLI and containment alike, so one verifier covers them all.
 */
export type AuditInput = Omit<NewAuditEntry, 'ts' | 'data' | 'target' | 'reason'> & Partial<Pick<NewAuditEntry, 'ts' | 'data' | 'target' | 'reason'>>;

export function recordAudit(audit: AuditStore, e: AuditInput): Promise<AuditEntry> {
  return audit.append({ ts: e.ts ?? new Date().toISOString(), actor: e.actor, action: e.action, target: e.target ?? '', reason: e.reason ?? '', data: e.data ?? {} });
}

export type Tamper = 'changed' | 'deleted' | 'inserted' | 'relinked';

export interface VerifyResult {
  ok: boolean;
  entries: number;
  /** The hash of the last entry: write it down elsewhere to detect truncation later. */
  head: string;
  problem?: { kind: Tamper; seq: number; detail: string };
}

const PAGE = 5000;

/**
 * Walks the chain from the first entry. An entry whose content no longer matches its own hash
 * was changed, unless it matches under the number before its own (then it was renumbered to make
 * room for an inserted entry); a gap in the numbering is a deletion; a link that skips the entry
 * before it also marks that one as inserted; any other broken link is reported as relinked.
 * Truncation at the end cannot be seen from inside the log: compare `head` with a copy.
 */
export async function verifyAuditChain(audit: AuditStore): Promise<VerifyResult> {
  let prev: AuditEntry | null = null;
  let beforePrev: AuditEntry | null = null;
  let count = 0;
  for (let afterSeq = 0; ; ) {
    const page = await audit.query({ afterSeq, limit: PAGE });
    if (page.length === 0) break;
    for (const e of page) {
      const problem = check(e, prev, beforePrev);
      if (problem) return { ok: false, entries: count, head: prev?.hash ?? GENESIS_HASH, problem };
      beforePrev = prev;
      prev = e;
      count++;
    }
    afterSeq = page[page.length - 1].seq;
  }
  return { ok: true, entries: count, head: prev?.hash ?? GENESIS_HASH };
}

function check(e: AuditEntry, prev: AuditEntry | null, beforePrev: AuditEntry | null): VerifyResult['problem'] | undefined {
  const { prevHash, hash, ...content } = e;
  const expectedSeq = (prev?.seq ?? 0) + 1;
  const expectedPrev = prev?.hash ?? GENESIS_HASH;
  if (auditEntryHash(prevHash, content) !== hash) {
    // Numbers are hashed, so an entry slipped in before this one shows as this one renumbered.
    if (prev && auditEntryHash(prevHash, { ...content, seq: e.seq - 1 }) === hash) {
      return { kind: 'inserted', seq: prev.seq, detail: `entry ${prev.seq} was added later; the entries after it were renumbered` };
    }
    return { kind: 'changed', seq: e.seq, detail: 'content does not match its hash' };
  }
  if (e.seq > expectedSeq) {
    return { kind: 'deleted', seq: expectedSeq, detail: `entries ${expectedSeq}..${e.seq - 1} are missing` };
  }
  if (prevHash === expectedPrev) return undefined;
  if (prev && prevHash === (beforePrev?.hash ?? GENESIS_HASH)) {
    return { kind: 'inserted', seq: prev.seq, detail: `entry ${prev.seq} was not in the chain that entry ${e.seq} continues` };
  }
  return { kind: 'relinked', seq: e.seq, detail: 'its link to the previous entry is broken' };
}

const CSV_COLUMNS = ['seq', 'ts', 'actor', 'action', 'target', 'reason', 'data', 'prevHash', 'hash'] as const;

/**
 * RFC 4180 CSV; a cell starting with = + - @ is prefixed with a quote so that a spreadsheet
 * never runs a formula planted in a reason or an address (CSV injection).
 */
export function auditCsv(entries: AuditEntry[]): string {
  const cell = (v: unknown): string => {
    let s = typeof v === 'string' ? v : JSON.stringify(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of entries) lines.push(CSV_COLUMNS.map((c) => cell(e[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
