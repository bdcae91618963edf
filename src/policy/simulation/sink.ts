import type { ReplayEvent, SubmitEvent } from '../../events/replay.js';
import type { Place } from './org.js';
import type { Rng } from './prng.js';

/** Attack messages carry this messageId prefix, so measurements can tell them apart (the engine never looks). */
export const ATTACK_ID_PREFIX = '<atk-';

interface Timed {
  ms: number;
  seq: number;
  ev: ReplayEvent;
}

/** Collects generated events and hands them back in time order (ties keep generation order). */
export class EventSink {
  private readonly items: Timed[] = [];
  private seq = 0;

  constructor(
    private readonly from: number,
    private readonly until: number,
  ) {}

  /** Events outside the simulated period are dropped, so every generator can ignore the edges. */
  push(ms: number, ev: Omit<ReplayEvent, 'ts'>): void {
    const at = Math.round(ms);
    if (at < this.from || at >= this.until) return;
    const stamped = { ts: new Date(at).toISOString(), ...ev } as ReplayEvent;
    this.items.push({ ms: at, seq: this.seq++, ev: stamped });
  }

  auth(ms: number, account: string, place: Place, ok = true): void {
    this.push(ms, { type: 'auth', account, ip: place.ip, ok, asn: place.asn, country: place.country } as Omit<ReplayEvent, 'ts'>);
  }

  submit(ms: number, s: Omit<SubmitEvent, 'ts' | 'type'>): void {
    this.push(ms, { type: 'submit', ...s } as Omit<ReplayEvent, 'ts'>);
  }

  bounce(ms: number, account: string, messageId: string, rcpt: string, status: string, reason: string): void {
    this.push(ms, { type: 'bounce', account, messageId, rcpt, status, reason } as Omit<ReplayEvent, 'ts'>);
  }

  sorted(): ReplayEvent[] {
    this.items.sort((a, b) => a.ms - b.ms || a.seq - b.seq);
    return this.items.map((t) => t.ev);
  }
}

/** Bounces arrive minutes after sending; an invalid address gives 5.1.1, a full mailbox 4.2.2. */
export function bouncesFor(sink: EventSink, rng: Rng, ms: number, s: { account: string; messageId: string; rcpts: string[] }, invalid: (r: string) => boolean): void {
  for (const rcpt of s.rcpts) {
    if (invalid(rcpt)) sink.bounce(ms + rng.int(60, 600) * 1000, s.account, s.messageId, rcpt, '5.1.1', 'userunknown');
    else if (rng.chance(0.002)) sink.bounce(ms + rng.int(300, 3600) * 1000, s.account, s.messageId, rcpt, '4.2.2', 'mailboxfull');
  }
}

export function messageId(rng: Rng, domain: string, prefix = '<'): string {
  return `${prefix}${rng.hex(16)}@${domain}>`;
}
