import { OFFICE, phonePlace, TZ_OFFSET_MS, type Organisation, type Person, type Place } from './org.js';
import type { Rng } from './prng.js';
import { bouncesFor, messageId, type EventSink } from './sink.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SUBJECTS = ['お見積りの件', '打ち合わせ日程のご相談', '資料送付のご連絡', 'Re: ご確認のお願い', '議事録の共有', 'ご注文ありがとうございます', 'Meeting follow-up', '納期について'];

/** Local (JST) weekday of a simulated day: 0 Sunday ... 6 Saturday. */
export function weekday(org: Organisation, day: number): number {
  return new Date(org.start + day * DAY + TZ_OFFSET_MS).getUTCDay();
}

/**
 * One person's ordinary mail over the whole period: working days at the office (sometimes at
 * home, sometimes abroad), a few evening and weekend messages from the phone, typos at login,
 * a password change.
 */
export function simulatePerson(org: Organisation, p: Person, rng: Rng, sink: EventSink): void {
  for (let day = 0; day < org.days; day++) {
    const midnight = org.start + day * DAY;
    if (p.passwordChangeDay === day) sink.push(midnight + 8 * HOUR + rng.int(0, 3600) * 1000, { type: 'credential', account: p.address, kind: 'password' } as never);
    const wd = weekday(org, day);
    const working = wd >= 1 && wd <= 5;
    if (working) workingDay(org, p, rng, sink, day);
    else if (rng.chance(0.12)) fewFromPhoneOrHome(org, p, rng, sink, midnight + rng.int(10, 21) * HOUR, rng.int(1, 3));
    if (working && p.phone && rng.chance(0.2)) fewFromPhoneOrHome(org, p, rng, sink, midnight + rng.int(19, 22) * HOUR, rng.int(1, 2));
  }
}

function onTrip(p: Person, day: number): boolean {
  return p.trip !== null && day >= p.trip.startDay && day < p.trip.startDay + p.trip.days;
}

function workingDay(org: Organisation, p: Person, rng: Rng, sink: EventSink, day: number): void {
  const trip = onTrip(p, day) ? p.trip : null;
  // A traveller works local hours: shift from JST to the local time of the trip.
  const shift = trip ? (9 - trip.utcOffset) * HOUR : 0;
  const begin = org.start + day * DAY + shift + 9 * HOUR;
  const place: Place = trip ? trip.place : p.home && rng.chance(0.15) ? p.home : p.office;
  const first = begin - rng.int(0, 45) * MINUTE;
  if (rng.chance(0.03)) sink.auth(first - rng.int(5, 60) * 1000, p.address, place, false);
  sink.auth(first, p.address, place);
  const count = Math.max(1, Math.round(p.perDay * (0.5 + rng.next())));
  const times = Array.from({ length: count }, () => begin + rng.next() * 9.5 * HOUR).sort((a, b) => a - b);
  let last = 0;
  for (const t of times) {
    // People do not send two messages in the same second; keep a realistic minimum gap.
    const at = Math.max(t, last + rng.int(20, 90) * 1000);
    last = at;
    const fromPhone = p.phone !== null && rng.chance(0.08);
    const where = fromPhone && p.phone ? phonePlace(rng, p.phone) : place;
    if (fromPhone || rng.chance(0.25)) sink.auth(at - rng.int(1, 5) * 1000, p.address, where);
    sendOrdinary(org, p, rng, sink, at, where, fromPhone ? p.phoneClient : p.client);
  }
}

function fewFromPhoneOrHome(org: Organisation, p: Person, rng: Rng, sink: EventSink, at: number, n: number): void {
  const usePhone = p.phone !== null && (p.home === null || rng.chance(0.6));
  const place = usePhone && p.phone ? phonePlace(rng, p.phone) : p.home ?? OFFICE;
  sink.auth(at - 3000, p.address, place);
  for (let i = 0; i < n; i++) sendOrdinary(org, p, rng, sink, at + i * rng.int(2, 20) * MINUTE, place, usePhone ? p.phoneClient : p.client);
}

/** Mostly the usual people, sometimes a colleague list, now and then someone new. */
export function pickRecipients(org: Organisation, p: Person, rng: Rng): string[] {
  const roll = rng.next();
  const n = roll < 0.6 ? 1 : roll < 0.9 ? rng.int(2, 3) : roll < 0.99 ? rng.int(4, 8) : rng.int(15, 40);
  const out = new Set<string>();
  const uniformBook = p.role === 'accounting';
  // Draws, not distinct results, are bounded: a short colleague list must not loop forever.
  for (let draw = 0; draw < n * 4 && out.size < n; draw++) {
    const r = rng.next();
    if (n > 8 || r < 0.35) out.add(rng.pick(p.colleagues.length ? p.colleagues : [p.address]));
    else if (r < 0.96) out.add(uniformBook ? rng.pick(p.book) : rng.zipf(p.book));
    else {
      const fresh = `${rng.pick(['info', 'contact', 'k.mori', 'h.ogawa', 'sales'])}.${rng.hex(4)}@${rng.pick(p.book).split('@')[1]}`;
      p.book.push(fresh);
      out.add(fresh);
    }
  }
  return [...out];
}

function sendOrdinary(org: Organisation, p: Person, rng: Rng, sink: EventSink, at: number, place: Place, client: string): void {
  const rcpts = pickRecipients(org, p, rng);
  const s = {
    account: p.address,
    ip: place.ip,
    asn: place.asn,
    country: place.country,
    messageId: messageId(rng, org.domain),
    mailFrom: p.address,
    headerFrom: p.address,
    rcpts,
    size: rng.int(2_000, 400_000),
    subject: rng.pick(SUBJECTS),
    bodyHash: rng.hex(16),
    client,
  };
  sink.submit(at, s);
  bouncesFor(sink, rng, at, s, (r) => !r.endsWith(org.domain) && rng.chance(0.003));
}
