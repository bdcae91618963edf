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
      if (!Array.isArray(o.rcpts) || o.rcpts.length === 0 || !o.rcpts.every(isStr)) return 'rcpts';
      if (o.asn !== undefined && typeof o.asn !== 'number') return 'asn';
      return optionalStrings(o, SUBMIT_OPTIONAL);
    case 'auth':
      if (!isStr(o.ip)) return 'ip';
      if (typeof o.ok !== 'boolean') return 'ok';
      if (o.asn !== undefined && typeof o.asn !== 'number') return 'asn';
      return optionalStrings(o, AUTH_OPTIONAL);
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

const SUBMIT_OPTIONAL = ['mailFrom', 'headerFrom', 'subject', 'bodyHash', 'client', 'country'];
const AUTH_OPTIONAL = ['country'];

function optionalStrings(o: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const k of keys) if (o[k] !== undefined && typeof o[k] !== 'string') return k;
  return null;
}
