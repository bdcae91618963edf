/** Event builders shared by the detection engine tests. */
import type { AuthEvent, BounceEvent, SubmitEvent } from '../../../src/events/replay.js';
import { detectionConfigSchema, type DetectionConfig } from '../../../src/policy/config.js';
import { DetectionEngine } from '../../../src/policy/engine.js';

export const T0 = Date.parse('2026-01-05T00:00:00Z');
export const OFFICE = '198.51.100.10';
export const at = (ms: number): string => new Date(T0 + ms).toISOString();
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

let n = 0;

export function submit(account: string, ms: number, rcpts: string[], extra: Partial<SubmitEvent> = {}): SubmitEvent {
  n++;
  return {
    ts: at(ms),
    type: 'submit',
    account,
    ip: OFFICE,
    messageId: `<t${n}@example.co.jp>`,
    mailFrom: account,
    headerFrom: account,
    rcpts,
    subject: `subject ${n}`,
    bodyHash: `body${n}`,
    client: 'Microsoft Outlook 16.0',
    asn: 64500,
    country: 'JP',
    ...extra,
  };
}

export function auth(account: string, ms: number, extra: Partial<AuthEvent> = {}): AuthEvent {
  return { ts: at(ms), type: 'auth', account, ip: OFFICE, ok: true, asn: 64500, country: 'JP', ...extra };
}

export function bounce(account: string, ms: number, messageId: string, rcpt: string, status = '5.1.1'): BounceEvent {
  return { ts: at(ms), type: 'bounce', account, messageId, rcpt, status };
}

export function engine(overrides: Record<string, unknown> = {}): DetectionEngine {
  return new DetectionEngine(config(overrides));
}

export function config(overrides: Record<string, unknown> = {}): DetectionConfig {
  return detectionConfigSchema.parse({ orgDomains: ['example.co.jp'], ...overrides });
}

export const contacts = Array.from({ length: 12 }, (_, i) => `contact${i}@customer${i % 4}.example`);

/**
 * Gives an account a week of ordinary history from the office: a few messages a working hour to
 * its usual contacts, so that it has a profile, known recipients and an established network.
 */
export function warmUp(e: DetectionEngine, account: string, days = 7): number {
  for (let d = 0; d < days; d++) {
    e.process(auth(account, d * DAY + 9 * HOUR - MIN));
    for (let h = 9; h < 17; h++) {
      e.process(submit(account, d * DAY + h * HOUR + 5 * MIN, [contacts[(d + h) % 12]]));
      e.process(submit(account, d * DAY + h * HOUR + 35 * MIN, [contacts[(d + h + 5) % 12], `colleague${h}@example.co.jp`]));
    }
  }
  return days * DAY;
}
