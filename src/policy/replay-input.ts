import type { Text } from '../core/i18n.js';
import type { ReplayEvent } from '../events/replay.js';
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
  const missing = Number.isNaN(ts) ? 'ts' : firstMissing(o);
  if (missing === '#type') return { error: badType, params: { value: String(o.type) } };
  if (missing) return { error: badField, params: { field: missing } };
  return { event: o as unknown as ReplayEvent, ts };
}

/** The first required field after `ts` that is absent or of the wrong kind, or '#type' for an unknown type. */
function firstMissing(o: Record<string, unknown>): string | null {
  if (!isStr(o.account)) return 'account';
  switch (o.type) {
    case 'submit':
      if (!isStr(o.ip)) return 'ip';
      if (!isStr(o.messageId)) return 'messageId';
      if (!Array.isArray(o.rcpts) || o.rcpts.length === 0 || !allStrings(o.rcpts)) return 'rcpts';
      if (o.asn !== undefined && typeof o.asn !== 'number') return 'asn';
      return optionalSubmitStrings(o);
    case 'auth':
      if (!isStr(o.ip)) return 'ip';
      if (typeof o.ok !== 'boolean') return 'ok';
      if (o.asn !== undefined && typeof o.asn !== 'number') return 'asn';
      return notString(o.country) ? 'country' : null;
    case 'bounce':
      if (!isStr(o.messageId)) return 'messageId';
      if (!isStr(o.status)) return 'status';
      return null;
    case 'credential':
      return o.kind === 'password' || o.kind === 'app-password' ? null : 'kind';
    default:
      return '#type';
  }
}

/** Optional fields by name rather than by a list of keys: `o[key]` is a slow look-up on objects of many shapes. */
function optionalSubmitStrings(o: Record<string, unknown>): string | null {
  if (notString(o.mailFrom)) return 'mailFrom';
  if (notString(o.headerFrom)) return 'headerFrom';
  if (notString(o.subject)) return 'subject';
  if (notString(o.bodyHash)) return 'bodyHash';
  if (notString(o.client)) return 'client';
  if (notString(o.country)) return 'country';
  return null;
}

/** Present and not a string. */
const notString = (v: unknown): boolean => v !== undefined && typeof v !== 'string';

function allStrings(list: unknown[]): boolean {
  for (const v of list) if (!isStr(v)) return false;
  return true;
}
