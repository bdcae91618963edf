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
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return { error: badJson, params: { detail: typeof obj } };
  const o = obj as Record<string, unknown>;
  // The time is read once here and handed to the engine with the event.
  const ts = isStr(o.ts) ? parseTimestamp(o.ts) : NaN;
  if (Number.isNaN(ts)) return missingField('ts');
  if (!isStr(o.account)) return missingField('account');
  const type = o.type;
  let missing: string | null;
  let event: ReplayEvent;
  if (type === 'submit') {
    const e = submitOf(o);
    missing = submitMissing(e);
    event = e;
  } else if (type === 'auth') {
    const e = authOf(o);
    missing = authMissing(e);
    event = e;
  } else if (type === 'bounce') {
    missing = !isStr(o.messageId) ? 'messageId' : !isStr(o.status) ? 'status' : null;
    event = o as unknown as BounceEvent;
  } else if (type === 'credential') {
    missing = o.kind === 'password' || o.kind === 'app-password' ? null : 'kind';
    event = o as unknown as CredentialEvent;
  } else return { error: badType, params: { value: String(type) } };
  return missing ? missingField(missing) : { event, ts };
}

const missingField = (field: string): ParsedLine => ({ error: badField, params: { field } });

/*
 * Submit and auth events, the bulk of any stream, are copied into objects of one fixed shape
 * before they are checked. Objects from JSON.parse take a different hidden class for every order
 * and subset of keys, and each engine function that reads them would slow down to a generic
 * look-up per field; copied once here, each field of the input is read once and every later read
 * is direct. Bounces and credential changes are rare and pass as parsed.
 */

function submitOf(o: Record<string, unknown>): SubmitEvent {
  return {
    ts: o.ts as string,
    type: 'submit',
    account: o.account as string,
    ip: o.ip as string,
    messageId: o.messageId as string,
    mailFrom: o.mailFrom as string,
    headerFrom: o.headerFrom as string,
    rcpts: o.rcpts as string[],
    size: o.size as number | undefined,
    subject: o.subject as string | undefined,
    bodyHash: o.bodyHash as string | undefined,
    client: o.client as string | undefined,
    country: o.country as string | undefined,
    asn: o.asn as number | undefined,
  };
}

function authOf(o: Record<string, unknown>): AuthEvent {
  return {
    ts: o.ts as string,
    type: 'auth',
    account: o.account as string,
    ip: o.ip as string,
    ok: o.ok as boolean,
    country: o.country as string | undefined,
    asn: o.asn as number | undefined,
  };
}

/** The first required field that is absent or of the wrong kind, in the order of the contract. */
function submitMissing(e: SubmitEvent): string | null {
  if (!isStr(e.ip)) return 'ip';
  if (!isStr(e.messageId)) return 'messageId';
  if (!Array.isArray(e.rcpts) || e.rcpts.length === 0 || !allStrings(e.rcpts)) return 'rcpts';
  if (e.asn !== undefined && typeof e.asn !== 'number') return 'asn';
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
  if (e.asn !== undefined && typeof e.asn !== 'number') return 'asn';
  return notString(e.country) ? 'country' : null;
}

/** Present and not a string. */
const notString = (v: unknown): boolean => v !== undefined && typeof v !== 'string';

function allStrings(list: unknown[]): boolean {
  for (const v of list) if (!isStr(v)) return false;
  return true;
}
