import type { SubmitEvent } from '../events/replay.js';

/**
 * Sender identity, the policy's first step: an account sends only as its own address or one of
 * its aliases, in the envelope (MAIL FROM) and in the From and Sender headers. A stolen password
 * then cannot send as the CEO or as a bank. The live gateway applies it during the SMTP session
 * (src/smtp/mail-from.identity.ts) with the aliases of its user store; `mailwarden replay` applies
 * it to each submission with the aliases of the detection configuration (`accounts.*.aliases`).
 * Either way the engine is told (`DetectionEngine.senderRefused`): one refusal is a
 * misconfigured client, a run of them is someone else using the password.
 */

export type SenderField = 'MAIL FROM' | 'From header' | 'Sender header';

/** Whether `address` (any case, surrounding spaces ignored) is `account` (lower case) or one of its aliases (lower case). */
export function allowedSender(address: string, account: string, aliases: readonly string[]): boolean {
  const a = address.trim().toLowerCase();
  return a === account || aliases.includes(a);
}

/** The reason a refused sender gives in verdicts, state changes and the event record. */
export function senderReason(address: string, field: SenderField): string {
  return `sender <${address}> (${field}) is not this account's address or one of its aliases`;
}

/**
 * Why a replayed submission would have been refused for its sender, or null. An account whose
 * name is not an address (a stream of user names) has nothing to compare with and passes, as does
 * an empty MAIL FROM (the null sender, refused by the gateway for another reason). A header value
 * with a display name (`Tanaka <tanaka@example.co.jp>`) is read for the address in brackets.
 */
export function senderRefusal(ev: SubmitEvent, aliases: readonly string[]): string | null {
  // Nearly every submission names the account itself, as the same string.
  if (ev.mailFrom === ev.account && ev.headerFrom === ev.account) return null;
  const account = ev.account.toLowerCase();
  if (!account.includes('@')) return null;
  if (ev.mailFrom !== '' && !allowedSender(ev.mailFrom, account, aliases)) return senderReason(ev.mailFrom.trim(), 'MAIL FROM');
  const from = bareAddress(ev.headerFrom);
  if (!allowedSender(from, account, aliases)) return senderReason(from, 'From header');
  return null;
}

/** The address of a header value: what stands between the last angle brackets, or the whole value. */
function bareAddress(value: string): string {
  const open = value.lastIndexOf('<');
  const close = value.lastIndexOf('>');
  return (open >= 0 && close > open ? value.slice(open + 1, close) : value).trim();
}
