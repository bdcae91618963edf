import type { ReplayEvent } from '../../events/replay.js';
import { weekday } from './legit.js';
import type { Organisation, Person } from './org.js';
import { Rng } from './prng.js';
import { EventSink } from './sink.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const CONSUMER = ['gmail.com', 'yahoo.co.jp', 'icloud.com', 'docomo.ne.jp', 'outlook.jp', 'ezweb.ne.jp'];

/**
 * Honest patterns the simulated organisation does not have, to see what the engine makes of them
 * (`bench/sweep.ts --grid honest`). The first four are ordinary work; the last four are campaigns
 * by a person that look like a hijacked client at the same desk (docs/detection.md).
 */
export const HONEST_EXTRAS = [
  'support desk',
  'desk around the clock',
  'back from two weeks away',
  'announcement in one message',
  'sales push',
  'greeting to every contact',
  'invoices, a text each',
  'invoices with one text',
] as const;
export type HonestExtra = (typeof HONEST_EXTRAS)[number];

/** The day (from the start) on which the one-day patterns happen: after two weeks of history. */
const EVENT_DAY = 16;

/**
 * The organisation's stream with the extra patterns, each played by `perPattern` ordinary members
 * of staff (no trip abroad), and who plays which. Support desks and round-the-clock desks do only
 * that from the first day; the people back from two weeks away send nothing while away.
 */
export function withHonestExtras(org: Organisation, events: readonly ReplayEvent[], seed: number, perPattern = 5): { events: ReplayEvent[]; owner: Map<string, HonestExtra> } {
  if (org.days <= EVENT_DAY + 1) throw new Error(`the extra honest patterns need more than ${EVENT_DAY + 1} days`);
  const rng = new Rng(seed * 91);
  const sink = new EventSink(org.start, org.start + org.days * DAY);
  const people = org.people.filter((p) => p.role === 'staff' && p.trip === null);
  if (people.length < HONEST_EXTRAS.length * perPattern) throw new Error(`the extra honest patterns need ${HONEST_EXTRAS.length * perPattern} members of staff`);
  const owner = new Map<string, HonestExtra>();
  const at = (d: number, h: number) => org.start + d * DAY + h * HOUR;
  let n = 0;
  const send = (p: Person, ms: number, rcpts: string[], subject: string, bodyHash = rng.hex(16)): void =>
    sink.submit(ms, { account: p.address, ip: p.office.ip, asn: p.office.asn, country: p.office.country, messageId: `<honest${n++}@${org.domain}>`, mailFrom: p.address, headerFrom: p.address, rcpts, subject, bodyHash, size: 5000, client: p.client });
  const run = (p: Person, start: number, rcpts: readonly string[], gap: () => number, subject: () => string, body: () => string): void => {
    sink.auth(start - MINUTE, p.address, p.office);
    let t = start;
    for (const r of rcpts) send(p, (t += gap()), [r], subject(), body());
  };
  HONEST_EXTRAS.forEach((pattern, k) => {
    for (let i = 0; i < perPattern; i++) {
      const p = people[people.length - 1 - (k * perPattern + i)];
      owner.set(p.address, pattern);
      const template = rng.hex(16);
      switch (pattern) {
        case 'support desk':
          for (let d = 0; d < org.days; d++) {
            if ([0, 6].includes(weekday(org, d))) continue;
            sink.auth(at(d, 9) - MINUTE, p.address, p.office);
            for (let m = rng.int(30, 60); m > 0; m--) send(p, at(d, 9 + rng.next() * 9), [`user${rng.hex(6)}@${rng.pick(CONSUMER)}`], 'Re: お問い合わせ');
          }
          break;
        case 'desk around the clock':
          for (let d = 0; d < org.days; d++)
            for (let h = 0; h < 24; h++) {
              if (h % 8 === 0) sink.auth(at(d, h) - MINUTE, p.address, p.office);
              for (let m = rng.int(1, 4); m > 0; m--) send(p, at(d, h + rng.next()), [rng.chance(0.2) ? `user${rng.hex(6)}@${rng.pick(CONSUMER)}` : rng.pick(p.book)], `Re: ${rng.hex(4)}`);
            }
          break;
        case 'back from two weeks away':
          run(p, at(EVENT_DAY, 9), Array.from({ length: 40 }, () => rng.zipf(p.book)), () => rng.int(1, 5) * MINUTE, () => `Re: ${rng.hex(4)}`, () => rng.hex(16));
          break;
        case 'announcement in one message':
          sink.auth(at(EVENT_DAY, 10) - MINUTE, p.address, p.office);
          send(p, at(EVENT_DAY, 10), [...p.colleagues, ...p.book].slice(0, 60), '事務所移転のお知らせ');
          break;
        case 'sales push': {
          const leads = Array.from({ length: 40 }, () => `${rng.pick(['info', 'sales', 'k.ito'])}.${rng.hex(4)}@lead${rng.int(1, 400)}.example.jp`);
          run(p, at(EVENT_DAY - 1 + (i % 3), 13), leads, () => rng.int(2, 4) * MINUTE, () => '新サービスのご紹介', () => rng.hex(16));
          break;
        }
        case 'greeting to every contact':
          run(p, at(EVENT_DAY, 13), p.book, () => rng.int(60, 120) * 1000, () => '異動のご挨拶', () => template);
          break;
        default:
          // The simulator's month-end run (one invoice per customer, 20-90 s apart), by someone whose
          // address book is not all mailed yet: a text of its own each, or one template text.
          run(p, at(EVENT_DAY, 13), p.book.slice(0, 60), () => rng.int(20, 90) * 1000, () => '請求書送付のご案内', () => (pattern === 'invoices with one text' ? template : rng.hex(16)));
      }
    }
  });
  const away = (ev: ReplayEvent): boolean => {
    const who = owner.get(ev.account);
    if (who === 'support desk' || who === 'desk around the clock') return true;
    const t = Date.parse(ev.ts);
    return who === 'back from two weeks away' && t >= org.start + 2 * DAY && t < org.start + EVENT_DAY * DAY;
  };
  return { events: mergeEvents(events.filter((ev) => ev.type === 'bounce' || !away(ev)), sink.sorted()), owner };
}

/** Two streams in time order as one (the first one's event first on a tie). */
export function mergeEvents(first: readonly ReplayEvent[], second: readonly ReplayEvent[]): ReplayEvent[] {
  const out: ReplayEvent[] = [];
  let j = 0;
  for (const ev of first) {
    while (j < second.length && second[j].ts < ev.ts) out.push(second[j++]);
    out.push(ev);
  }
  while (j < second.length) out.push(second[j++]);
  return out;
}
