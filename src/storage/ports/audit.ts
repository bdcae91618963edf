import { createHash } from 'node:crypto';

/**
 * The audit log: who did what, when and why, for every administrative action and every
 * containment. Append-only; each entry carries the SHA-256 of its predecessor's hash and its
 * own canonical content, so an edited, deleted or inserted entry breaks the chain
 * (`mailwarden audit verify`).
 */
export interface AuditEntry {
  /** 1, 2, 3, ... without gaps: a gap is a deleted entry. */
  seq: number;
  ts: string;
  /** "admin:NAME", "cli:USER", "system:containment". */
  actor: string;
  /** e.g. "account.restrict", "quarantine.release", "session.sign-in". */
  action: string;
  /** What was acted on: an account address, a queue id, an admin name; "" when none. */
  target: string;
  reason: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type NewAuditEntry = Pick<AuditEntry, 'ts' | 'actor' | 'action' | 'target' | 'reason' | 'data'>;

export interface AuditQuery {
  afterSeq?: number;
  since?: string;
  until?: string;
  actor?: string;
  /** Prefix match: "account." finds every account action. */
  action?: string;
  target?: string;
  /** Case-insensitive substring of actor, action, target or reason. */
  text?: string;
  limit?: number;
  newestFirst?: boolean;
}

export interface AuditStore {
  /** Chains and stores the entry atomically (one writer at a time, across nodes). */
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  query(q: AuditQuery): Promise<AuditEntry[]>;
}

/** The previous hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The chain rule shared by every backend and by the verifier: H(prev hash + canonical entry). */
export function auditEntryHash(prevHash: string, e: Omit<AuditEntry, 'prevHash' | 'hash'>): string {
  const body = canonicalJson({ seq: e.seq, ts: e.ts, actor: e.actor, action: e.action, target: e.target, reason: e.reason, data: e.data });
  return createHash('sha256').update(prevHash + body, 'utf8').digest('hex');
}
