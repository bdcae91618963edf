import type { Organisation, Person, Place } from './org.js';
import type { Rng } from './prng.js';
import { attackerPlace, emit, spamRecipients, type AttackPlan, type MORE_ATTACKS, type Shape } from './attacks.js';
import type { EventSink } from './sink.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type MoreKind = (typeof MORE_ATTACKS)[number];

/** Japanese consumer broadband: where a residential proxy in the victim's own country exits. */
const JP_RESIDENTIAL = [
  { asn: 4713, prefix: '153.139' },
  { asn: 2516, prefix: '106.73' },
  { asn: 17676, prefix: '126.33' },
  { asn: 2527, prefix: '220.101' },
];

/**
 * Ways a stolen password is abused that the engine was not tuned on: each removes one of the
 * signals the classic attacks give away (external recipients, many messages, a foreign origin,
 * new recipients only, a single account, one text).
 */
export function simulateMoreAttack(org: Organisation, plan: AttackPlan & { kind: MoreKind }, rng: Rng, sink: EventSink): void {
  const shape = moreShape(org, plan, rng);
  if (plan.kind === 'sleeper') lurk(plan, shape.place(0), rng, sink);
  emit(org, plan, shape, rng, sink);
}

/**
 * The password checked from the attacker's IP three days before any mail is sent, and logins
 * again on each of the two days after (a mailbox being read, a session kept alive): by the day of
 * the blast the place has been "used" over days, and the probation that the first login started
 * has run out.
 */
function lurk(plan: AttackPlan, place: Place, rng: Rng, sink: EventSink): void {
  for (const daysBefore of [3, 2, 1]) sink.auth(plan.at - daysBefore * DAY - rng.int(1, 3) * HOUR - rng.int(0, 59) * MINUTE, plan.victim.address, place);
}

function moreShape(org: Organisation, plan: AttackPlan & { kind: MoreKind }, rng: Rng): Shape {
  const v = plan.victim;
  const bodies = [rng.hex(16), rng.hex(16), rng.hex(16)];
  const subjects = ['Invoice overdue - action required', 'Your parcel is waiting', 'Re: payment confirmation'];
  const foreign = attackerPlace(rng);
  const common = { subject: (i: number) => subjects[i % 3], body: (i: number) => bodies[i % 3], session: 100, client: v.client, invalidShare: 0.3 };
  // One lure to 1-3 of the people the victim writes to: nobody new, nothing bounces.
  const lure = { rcpts: () => rng.int(1, 3), recipients: (n: number) => pickDistinct(rng, v.book, n), subject: () => subjects[2], body: () => bodies[0], invalidShare: 0 };
  switch (plan.kind) {
    // Internal phishing: a "password expiry" lure to colleagues, who trust a colleague's address.
    case 'internal': {
      const staff = org.people.filter((p) => p !== v).map((p) => p.address);
      return { ...common, place: () => foreign, gap: () => rng.int(3, 8) * SECOND, count: 300, rcpts: () => rng.int(1, 3), recipients: (n) => pickDistinct(rng, staff, n), subject: () => 'パスワードの有効期限のお知らせ', body: () => bodies[0], invalidShare: 0 };
    }
    // Few messages, each with a long BCC list: the message count stays tiny.
    case 'bcc':
      return { ...common, place: () => foreign, gap: () => rng.int(60, 180) * SECOND, count: 40, rcpts: () => rng.int(30, 99) };
    // One message every few minutes to one new address, for days, from one new IP abroad.
    case 'drip':
      return { ...common, place: () => foreign, gap: () => rng.int(3, 8) * MINUTE, count: 1000, rcpts: () => 1, client: undefined, invalidShare: 0.25 };
    // A residential proxy in Japan on an ISP the victim does not use, with the victim's client string.
    case 'proxy': {
      const exits = residentialExits(rng, v);
      return { ...common, place: (i) => exits[Math.floor(i / 30) % exits.length], gap: () => rng.int(5, 15) * SECOND, count: 800, rcpts: () => rng.int(1, 3) };
    }
    // At 3 a.m. from the victim's own office IP and client (a machine left on, and infected).
    case 'night':
      return { ...common, place: () => v.office, gap: () => rng.int(2, 5) * SECOND, count: 1000, rcpts: () => rng.int(1, 3) };
    // One IP abroad sending for five stolen accounts at once, each of them slowly.
    case 'multi': {
      const accounts = [v, ...plan.accomplices];
      return { ...common, place: () => foreign, account: (i) => accounts[i % accounts.length], gap: () => rng.int(10, 30) * SECOND, count: 500, rcpts: () => rng.int(1, 2), client: undefined };
    }
    // A list of twenty stolen passwords worked through from one provider abroad: a fresh IP for
    // each account, two messages from each, one a minute, a different text on each; no account
    // alone sends more than a traveller writing to someone new.
    case 'list': {
      const accounts = [v, ...plan.accomplices];
      const places = accounts.map((_, j) => ({ ...foreign, ip: `${foreign.ip.split('.').slice(0, 2).join('.')}.${(j * 7) % 256}.${rng.int(1, 254)}` }));
      const who = (i: number) => Math.floor(i / 2) % accounts.length;
      const texts = { subject: () => `Re: ${rng.hex(6)}`, body: () => rng.hex(16) };
      return { ...common, ...texts, place: (i) => places[who(i)], account: (i) => accounts[who(i)], gap: () => rng.int(50, 70) * SECOND, count: 2 * accounts.length, rcpts: () => rng.int(1, 2), client: undefined };
    }
    // Lateral phishing with a list of twenty stolen passwords, through a residential proxy in
    // Japan (a fresh exit for each account): two messages from each, one a minute, one lure for
    // all, each to a colleague the account writes to and one it never did. Nothing goes outside,
    // and every message carries someone the account knows.
    case 'lateral': {
      const accounts = [v, ...plan.accomplices];
      const exits = residentialExits(rng, v);
      const staff = org.people.map((p) => p.address);
      let current = v;
      const recipients = (): string[] => {
        const known = current.colleagues.length > 0 ? rng.pick(current.colleagues) : null;
        const strangers = staff.filter((a) => a !== current.address && !current.colleagues.includes(a));
        return known === null ? [rng.pick(strangers)] : [known, rng.pick(strangers)];
      };
      return {
        ...common,
        place: (i) => exits[Math.floor(i / 2) % exits.length],
        account: (i) => (current = accounts[Math.floor(i / 2) % accounts.length]),
        gap: () => rng.int(50, 70) * SECOND,
        count: 2 * accounts.length,
        rcpts: () => 2,
        recipients,
        subject: () => '共有ドキュメント: 第3四半期の確認',
        body: () => bodies[0],
        client: undefined,
        invalidShare: 0,
      };
    }
    // The victim's usual IP and client, each message to real contacts and to harvested addresses.
    case 'mixed':
      return { ...common, place: () => v.office, gap: () => rng.int(10, 30) * SECOND, count: 500, rcpts: () => rng.int(2, 4), recipients: (n) => mixedRecipients(rng, v, n), harvested: (r) => !v.book.includes(r) };
    // A different subject and body on every message: no same-content signal at all.
    case 'random':
      return { ...common, place: () => foreign, gap: () => rng.int(4, 10) * SECOND, count: 600, rcpts: () => rng.int(1, 3), subject: () => `Re: ${rng.hex(6)}`, body: () => rng.hex(16) };
    // The victim's own address book phished from a new IP abroad: only people the victim writes
    // to, one lure, a message every few seconds. No harvested list, so no novelty and no bounces.
    case 'contacts':
      return { ...common, ...lure, place: () => foreign, gap: () => rng.int(2, 6) * SECOND, count: 300, client: undefined };
    // The same lure to the same people through a residential proxy in Japan (as `proxy`) with the
    // victim's client string: no new country, and a provider home to colleagues.
    case 'contacts-proxy': {
      const exits = residentialExits(rng, v);
      return { ...common, ...lure, place: (i) => exits[Math.floor(i / 30) % exits.length], gap: () => rng.int(10, 40) * SECOND, count: 300 };
    }
    // The incident's blast from an IP abroad that logged in on each of the three days before
    // (see lurk): the place is no longer new, and no probation is running.
    case 'sleeper':
      return { ...common, place: () => foreign, gap: () => 50, count: 2000, rcpts: () => rng.int(1, 3), client: undefined };
    // Malware in the victim's own client, paced under every hourly limit: a different text on each
    // message to 1-3 harvested addresses, one every 5-15 minutes, day and night.
    case 'trickle':
      return { ...common, place: () => v.office, gap: () => rng.int(5, 15) * MINUTE, count: 400, rcpts: () => rng.int(1, 3), subject: () => `Re: ${rng.hex(6)}`, body: () => rng.hex(16), invalidShare: 0.2 };
    // Malware answering the threads it found in the victim's mailbox, from the victim's own desk
    // and client: each message a "Re:" to a conversation of its own, to 1-2 of the people the
    // victim writes to, every 10-30 seconds. Nobody new, nothing bounces, no text twice.
    case 'threads':
      return {
        ...common,
        place: () => v.office,
        gap: () => rng.int(10, 30) * SECOND,
        count: 400,
        rcpts: () => rng.int(1, 2),
        recipients: (n) => pickDistinct(rng, v.book, n),
        subject: () => `Re: ${rng.hex(6)}`,
        body: () => rng.hex(16),
        invalidShare: 0,
      };
    // A harvested list worked from one new address abroad, paced up over days so that no hour
    // stands out at first: 5 messages the first day, twice as many each day after, up to 200 a
    // day, spread over 10:00-17:00 JST; a new text to 1-2 addresses each, 20 % invalid.
    case 'ramp': {
      const times = rampTimes();
      return {
        ...common,
        place: () => foreign,
        gap: (i) => times[i + 1] - times[i],
        count: times.length - 1,
        rcpts: () => rng.int(1, 2),
        subject: () => `Re: ${rng.hex(6)}`,
        body: () => rng.hex(16),
        client: undefined,
        invalidShare: 0.2,
      };
    }
  }
}

/** Offsets (ms from the attack's start) of the `ramp` attack's messages, and one past the last. */
function rampTimes(): number[] {
  const out: number[] = [];
  for (let day = 0, n = 5; day < 8; day++, n = Math.min(200, n * 2)) for (let i = 0; i < n; i++) out.push(day * DAY + Math.floor((i * 7 * HOUR) / n));
  out.push(8 * DAY);
  return out;
}

/** Forty exit IPs of one Japanese consumer ISP that the victim does not use at home. */
function residentialExits(rng: Rng, v: Person): Place[] {
  const net = rng.pick(JP_RESIDENTIAL.filter((n) => n.asn !== v.home?.asn));
  return Array.from({ length: 40 }, () => ({ ip: `${net.prefix}.${rng.int(0, 255)}.${rng.int(1, 254)}`, asn: net.asn, country: 'JP' }));
}

function pickDistinct(rng: Rng, from: string[], n: number): string[] {
  const out = new Set<string>();
  for (let draw = 0; draw < n * 4 && out.size < n; draw++) out.add(rng.pick(from));
  return [...out];
}

/** About half real contacts (popular ones first) and half a harvested list. */
function mixedRecipients(rng: Rng, v: Person, n: number): string[] {
  const known = Math.max(1, Math.floor(n / 2));
  return [...pickDistinct(rng, v.book, known), ...spamRecipients(rng, n - known)];
}
