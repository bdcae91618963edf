import type { Text } from '../core/i18n.js';
import type { ReplayEvent } from '../events/replay.js';

/**
 * Validation of replay input lines. Hand-written rather than a schema because replay must read
 * 100,000 events a second; it checks exactly what the engine relies on and nothing more.
 */
export type ParsedLine = { event: ReplayEvent } | { error: Text; params: Record<string, string> };

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
  const missing = firstMissing(o);
  if (missing === '#type') return { error: badType, params: { value: String(o.type) } };
  if (missing) return { error: badField, params: { field: missing } };
  return { event: o as unknown as ReplayEvent };
}

/** The first required field that is absent or of the wrong kind, or '#type' for an unknown type. */
function firstMissing(o: Record<string, unknown>): string | null {
  if (!isStr(o.ts) || Number.isNaN(Date.parse(o.ts))) return 'ts';
  if (!isStr(o.account)) return 'account';
  switch (o.type) {
    case 'submit':
      if (!isStr(o.ip)) return 'ip';
      if (!isStr(o.messageId)) return 'messageId';
      if (!Array.isArray(o.rcpts) || o.rcpts.length === 0 || !o.rcpts.every(isStr)) return 'rcpts';
      if (o.asn !== undefined && typeof o.asn !== 'number') return 'asn';
      return optionalStrings(o, ['mailFrom', 'headerFrom', 'subject', 'bodyHash', 'client', 'country']);
    case 'auth':
      if (!isStr(o.ip)) return 'ip';
      if (typeof o.ok !== 'boolean') return 'ok';
      if (o.asn !== undefined && typeof o.asn !== 'number') return 'asn';
      return optionalStrings(o, ['country']);
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

function optionalStrings(o: Record<string, unknown>, keys: string[]): string | null {
  for (const k of keys) if (o[k] !== undefined && typeof o[k] !== 'string') return k;
  return null;
}
