/**
 * What the guard is asked and what it answers. Codes are stable: the SMTP layer maps them to
 * replies (through the error catalogue's AUTH_THROTTLED and AUTH_STALE_PASSWORD), and the event
 * codes feed the audit log and the detection engine.
 */
import type { Text } from '../../core/i18n.js';

export interface AttemptInput {
  /** Client address as seen by the listener (after PROXY protocol). */
  ip: string;
  /** The login name as given in AUTH, whether or not such an account exists. */
  account: string;
  /** Milliseconds since the epoch; the guard's clock when omitted. */
  now?: number;
  /** `attemptKey(password)`: lets the guard recognise one stale password repeated. */
  attemptKey?: string;
}

export interface RecordInput extends AttemptInput {
  ok: boolean;
}

export type DecisionCode =
  | 'auth:source-banned'
  | 'auth:pair-banned'
  | 'auth:account-locked'
  | 'auth:stale-password'
  | 'auth:account-under-attack'
  | 'auth:throttled';

/** Error-catalogue entry for the SMTP reply (src/errors/catalogue.ts). */
export type DecisionError = 'AUTH_THROTTLED' | 'AUTH_STALE_PASSWORD';

export interface GuardDecision {
  action: 'allow' | 'delay' | 'deny';
  /** For 'delay': wait this long before verifying the credentials. */
  delayMs?: number;
  /** For a ban: how long until the same attempt could be allowed. */
  retryAfterMs?: number;
  code?: DecisionCode;
  error?: DecisionError;
  reason?: Text;
  /** A notable occurrence to log (the first repeat of a stale password). */
  event?: GuardEvent;
}

export type GuardEventCode =
  | 'auth:source-banned'
  | 'auth:pair-banned'
  | 'auth:spray-detected'
  | 'auth:stuffing-detected'
  | 'auth:account-locked'
  | 'auth:account-reset'
  | 'auth:stale-password'
  | 'auth:delayed';

export interface GuardEvent {
  code: GuardEventCode;
  ts: number;
  /** The source key (IPv4 address or IPv6 prefix). */
  source?: string;
  account?: string;
  /** Failures, accounts or sources counted, depending on the code. */
  count?: number;
  /** When a ban ends. */
  until?: number;
  /** For auth:delayed: how long the attempt was held before its credentials were checked. */
  delayMs?: number;
  /** Set when the source is on the allow-list (reported, but not banned). */
  allowListed?: boolean;
}

export interface RecordResult {
  events: GuardEvent[];
  /** True when this failure repeated a password that had already failed for this account. */
  stale?: boolean;
  code?: 'auth:stale-password';
  reason?: Text;
}
