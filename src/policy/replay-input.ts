import type { Text } from '../core/i18n.js';
import type { AuthEvent, BounceEvent, CredentialEvent, ReplayEvent, SubmitEvent } from '../events/replay.js';
import { parseTimestamp } from './timestamp.js';

/**
 * Validation of replay input lines. Hand-written rather than a schema because replay must read
 * 100,000 events a second; it checks exactly what the engine relies on and nothing more.
 */
export type ParsedLine = { event: ReplayEvent; ts: number } | { error: Text; params: Record<string, string> };

const badJson: Text = { en: 'not a JSON object ({detail})', ja: 'JSON オブジェクトではありません ({detail})' };
const badField: Text = { en: 'field "{field}" is missing or invalid', ja: 'フィールド "{field}" がないか不正です' };
const badType: Text = { en: 'unknown event type "{value}"', ja: '不明なイベント種別 "{value}" です' };

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function parseReplayLine(line: string): ParsedLine {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (err) {
    return { error: badJson, params: { detail: (err as Error).message } };
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return { error: badJson, params: { detail: obj === null ? 'null' : Array.isArray(obj) ? 'array' : typeof obj } };
  const o = obj as Record<string, unknown>;
  // The time is read once here and handed to the engine with the event.
  const ts = isStr(o.ts) ? parseTimestamp(o.ts) : NaN;
  if (Number.isNaN(ts)) return missingField('ts');
  if (!isStr(o.account)) return missingField('account');
  const type = o.type;
  if (type !== 'submit' && type !== 'auth' && type !== 'bounce' && type !== 'credential') return { error: badType, params: { value: String(type) } };
  let event: ReplayEvent;
  let missing: string | null;
  if (type === 'submit') {
    const e = submitOf(o);
    missing = submitMissing(e);
    event = e;
  } else if (type === 'auth') {
    const e = authOf(o);
    missing = authMissing(e);
    event = e;
  } else if (type === 'bounce') {
    const e = bounceOf(o);
    missing = bounceMissing(e);
    event = e;
  } else {
    const e = credentialOf(o);
    missing = credentialMissing(e);
    event = e;
  }
  return missing ? missingField(missing) : { event, ts };
}

const missingField = (field: string): ParsedLine => ({ error: badField, params: { field } });

/*
 * Every event is copied into an object of one fixed shape, whatever its type, before it is
 * checked. Objects from JSON.parse take a different hidden class for every order and subset of
 * keys, and each engine function that reads them would slow down to a generic look-up per field;
 * copied once here, each field of the input is read once and every later read is direct. One
 * shape for all four types (`shaped`), because the engine first reads `type` of every event: the
 * first bounce or credential change of a stream in a shape of its own threw away the compiled
 * code of the whole per-event path. Each type is read by its own function, so that each of those
 * sees only the few hidden classes of its own type's lines. Fields of other types stay undefined.
 */

function submitOf(o: Record<string, unknown>): SubmitEvent {
  return shaped(o.ts, 'submit', o.account, o.ip, undefined, o.messageId, o.mailFrom, o.headerFrom, o.rcpts, o.size, o.subject, o.bodyHash, o.client, o.country, o.asn, undefined, undefined, undefined, undefined) as SubmitEvent;
}

function authOf(o: Record<string, unknown>): AuthEvent {
  return shaped(o.ts, 'auth', o.account, o.ip, o.ok, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, o.country, o.asn, undefined, undefined, undefined, undefined) as AuthEvent;
}

function bounceOf(o: Record<string, unknown>): BounceEvent {
  return shaped(o.ts, 'bounce', o.account, undefined, undefined, o.messageId, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, o.rcpt, o.status, o.reason, undefined) as BounceEvent;
}

function credentialOf(o: Record<string, unknown>): CredentialEvent {
  return shaped(o.ts, 'credential', o.account, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, o.kind) as CredentialEvent;
}

/** The one object shape of every event read from a replay stream (the union of the four types). */
function shaped(
  ts: unknown,
  type: ReplayEvent['type'],
  account: unknown,
  ip: unknown,
  ok: unknown,
  messageId: unknown,
  mailFrom: unknown,
  headerFrom: unknown,
  rcpts: unknown,
  size: unknown,
  subject: unknown,
  bodyHash: unknown,
  client: unknown,
  country: unknown,
  asn: unknown,
  rcpt: unknown,
  status: unknown,
  reason: unknown,
  kind: unknown,
): ReplayEvent {
  return { ts, type, account, ip, ok, messageId, mailFrom, headerFrom, rcpts, size, subject, bodyHash, client, country, asn, rcpt, status, reason, kind } as ReplayEvent;
}

/** The first required field that is absent or of the wrong kind, in the order of the contract. */
function submitMissing(e: SubmitEvent): string | null {
  if (!isStr(e.ip)) return 'ip';
  if (!isStr(e.messageId)) return 'messageId';
  if (!Array.isArray(e.rcpts) || e.rcpts.length === 0 || !allStrings(e.rcpts)) return 'rcpts';
  if (e.asn !== undefined && !isAsn(e.asn)) return 'asn';
  if (notString(e.mailFrom)) return 'mailFrom';
  if (notString(e.headerFrom)) return 'headerFrom';
  if (notString(e.subject)) return 'subject';
  if (notString(e.bodyHash)) return 'bodyHash';
  if (notString(e.client)) return 'client';
  if (notString(e.country)) return 'country';
  return null;
}

function authMissing(e: AuthEvent): string | null {
  if (!isStr(e.ip)) return 'ip';
  if (typeof e.ok !== 'boolean') return 'ok';
  if (e.asn !== undefined && !isAsn(e.asn)) return 'asn';
  return notString(e.country) ? 'country' : null;
}

function bounceMissing(e: BounceEvent): string | null {
  if (!isStr(e.messageId)) return 'messageId';
  return isStr(e.status) ? null : 'status';
}

function credentialMissing(e: CredentialEvent): string | null {
  return e.kind === 'password' || e.kind === 'app-password' ? null : 'kind';
}

/** An autonomous system number: a whole number of 32 bits (not 1e400, which JSON reads as Infinity). */
const isAsn = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff;

/** Present and not a string. */
const notString = (v: unknown): boolean => v !== undefined && typeof v !== 'string';

function allStrings(list: unknown[]): boolean {
  for (const v of list) if (!isStr(v)) return false;
  return true;
}
