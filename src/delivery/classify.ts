/**
 * Result classification: a reply or an error from the next hop becomes delivered, deferred
 * (retry later) or failed (permanent, DSN). RFC 5321 §4.2.1 decides by the reply class; the
 * enhanced status code (RFC 3463) and a Sisimai reason name ride along for DSNs and events.
 */
import type { NodemailerError } from 'nodemailer/lib/errors.js';

export type Disposition = 'delivered' | 'deferred' | 'failed';

export interface Classified {
  disposition: Disposition;
  /** Basic reply code, null when no reply was received (connection, TLS, timeout). */
  code: number | null;
  /** Enhanced status code, e.g. "5.1.1"; derived from the reply class when the server sent none. */
  status: string;
  /** The text a person reads in events, the queue view and the DSN's Diagnostic-Code. */
  reply: string;
  /** Lower-case reason name of the Sisimai taxonomy. */
  reason: string;
}

const REPLY = /^([2-5]\d\d)[ -](?:([245])\.(\d{1,3})\.(\d{1,3})\b)?/;

/** Parses "550-5.1.1 ..." (multi-line replies included) into its code and enhanced status. */
export function parseReply(reply: string): { code: number | null; status: string | null } {
  const m = REPLY.exec(reply.trim());
  if (!m) return { code: null, status: null };
  const code = Number(m[1]);
  // RFC 3463 §2: the enhanced class must agree with the reply class; the reply code decides.
  const status = m[2] ? `${String(code)[0]}.${m[3]}.${m[4]}` : null;
  return { code, status };
}

/**
 * Reply text -> Sisimai reason, checked first: the same enhanced code means different things at
 * different receivers (Microsoft sends 5.1.10 for an unknown user, RFC 7505 uses it for null MX).
 */
const TEXT_REASONS: Array<[RegExp, string]> = [
  [/null MX/i, 'notaccept'],
  [/relay(?:ing)? (?:access )?(?:denied|not permitted)|not permitted to relay/i, 'norelaying'],
  [/spamhaus|spamcop|blocklist|blacklist|dnsbl|\brbl\b|listed|reputation|blocked/i, 'blocked'],
  [/\bspam\b/i, 'spamdetected'],
  [/virus|malware/i, 'virusdetected'],
  // A refused sender is "rejected" whatever the detail (domain not found, verify failed).
  [/sender verify failed|sender address rejected/i, 'rejected'],
  [/user unknown|unknown user|no such user|recipientnotfound|does not exist|address rejected: user/i, 'userunknown'],
  [/unrouteable address|domain not found|host not found/i, 'hostunknown'],
  [/quota|mailbox (?:is )?full|out of storage|insufficient storage/i, 'mailboxfull'],
  [/too many connections|rate limit|try again later|server busy|too many messages/i, 'speeding'],
];

/** Enhanced status -> Sisimai reason, most specific first (subject.detail, then subject). */
const STATUS_REASONS: Array<[RegExp, string]> = [
  [/^\d\.1\.[16]$/, 'hasmoved'],
  [/^\d\.1\.(?:[1235]|10)$/, 'userunknown'],
  [/^\d\.1\.[78]$/, 'rejected'],
  [/^\d\.2\.2$/, 'mailboxfull'],
  [/^\d\.2\.1$/, 'suspend'],
  [/^\d\.(?:2\.3|[23]\.4)$/, 'mesgtoobig'],
  [/^\d\.3\.[12]$/, 'systemfull'],
  [/^\d\.4\.7$/, 'expired'],
  [/^\d\.4\.[0-6]$/, 'networkerror'],
  [/^\d\.5\.3$/, 'exceedlimit'],
  [/^\d\.7\.1$/, 'blocked'],
  [/^\d\.7\.2\d$/, 'authfailure'],
  [/^\d\.7\.(?:[4-9]|1\d)$/, 'securityerror'],
  [/^\d\.7\.\d+$/, 'policyviolation'],
  [/^\d\.6\.\d+$/, 'contenterror'],
  [/^\d\.3\.\d+$/, 'systemerror'],
];

export function reasonFor(status: string, reply = ''): string {
  for (const [re, reason] of TEXT_REASONS) if (re.test(reply)) return reason;
  for (const [re, reason] of STATUS_REASONS) if (re.test(status)) return reason;
  return 'undefined';
}

/** A reply received for a recipient or for the message (RCPT TO, DATA, end of data). */
export function classifyReply(reply: string, command?: string): Classified {
  const text = reply.trim();
  const { code, status } = parseReply(text);
  if (code === null) return temporary(text || 'no reply from the next hop', '4.4.0', 'networkerror');
  const effective = status ?? `${String(code)[0]}.0.0`;
  let disposition: Disposition = code < 300 ? 'delivered' : code < 500 ? 'deferred' : 'failed';
  // RFC 5321 §4.5.3.1.10: some servers answer too many recipients with 552 instead of 452.
  if (code === 552 && command === 'RCPT TO' && /too many recipients/i.test(text)) disposition = 'deferred';
  // A 503 says the session was out of step, not that the message was refused.
  if (code === 503) disposition = 'deferred';
  return { disposition, code, status: effective, reply: text, reason: code < 300 ? '' : reasonFor(effective, text) };
}

function temporary(reply: string, status: string, reason: string): Classified {
  return { disposition: 'deferred', code: null, status, reply, reason };
}

/**
 * An error from the SMTP client. Failures of our own side of the session (TLS policy, relay
 * credentials) are never the recipient's fault: they defer, whatever reply code came with them,
 * so a misconfigured relay password or a missing STARTTLS never bounces a user's mail.
 */
export function classifyError(err: NodemailerError): Classified {
  const command = err.command ?? '';
  if (isTlsFailure(err)) {
    return temporary(`TLS required but not established: ${err.response ?? err.message}`, '4.7.10', 'securityerror');
  }
  if (err.code === 'EAUTH' || err.code === 'ENOAUTH' || command.startsWith('AUTH')) {
    return temporary(`authentication at the relay failed: ${err.response ?? err.message}`, '4.7.8', 'securityerror');
  }
  if (err.response && parseReply(err.response).code !== null) return classifyReply(err.response, command);
  const detail = err.originalCode ? `${err.originalCode}: ${err.message}` : err.message;
  if (err.code === 'ETIMEDOUT') return temporary(`timeout: ${detail}`, '4.4.2', 'networkerror');
  return temporary(`connection failed: ${detail}`, '4.4.1', 'networkerror');
}

/** STARTTLS refused, or the handshake failed (the socket reports it as an OpenSSL error). */
export function isTlsFailure(err: NodemailerError): boolean {
  if (err.code === 'ETLS' || err.command === 'STARTTLS') return true;
  return err.code === 'ESOCKET' && /\b(?:SSL|TLS)\b|ssl3?_|certificate|handshake/i.test(err.message);
}

export interface RetryPolicy {
  initialSeconds: number;
  factor: number;
  maxSeconds: number;
}

/** Delay before the next attempt after `attempts` earlier attempts (0 for the first retry). */
export function backoffSeconds(attempts: number, retry: RetryPolicy): number {
  const delay = retry.initialSeconds * Math.pow(retry.factor, Math.max(0, attempts));
  return Math.min(retry.maxSeconds, delay);
}
