import type { SubmitEvent } from '../../events/replay.js';
import type { Organisation, Person, Place } from './org.js';
import type { Rng } from './prng.js';
import { ATTACK_ID_PREFIX, bouncesFor, messageId, type EventSink } from './sink.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** The attacks the engine was tuned on. */
export const CLASSIC_ATTACKS = ['blast', 'lowslow', 'hijack', 'spray', 'blast-usual', 'blast-slow'] as const;
/** Further ways a stolen password is abused, used to probe the engine beyond its tuning (attacks.more.ts). */
export const MORE_ATTACKS = ['internal', 'bcc', 'drip', 'proxy', 'night', 'multi', 'mixed', 'random', 'contacts', 'contacts-proxy', 'sleeper', 'trickle', 'list', 'lateral', 'threads', 'ramp'] as const;
export const ATTACKS = [...CLASSIC_ATTACKS, ...MORE_ATTACKS] as const;
export type AttackKind = (typeof ATTACKS)[number];

/** Hosting and broadband networks abroad that stolen passwords are typically used from. */
const ATTACKER_NETS = [
  { asn: 14061, country: 'NL', prefix: '188.166' },
  { asn: 49505, country: 'RU', prefix: '91.240' },
  { asn: 28573, country: 'BR', prefix: '177.37' },
  { asn: 7552, country: 'VN', prefix: '113.160' },
  { asn: 16509, country: 'US', prefix: '3.88' },
  { asn: 9829, country: 'IN', prefix: '117.200' },
  { asn: 4134, country: 'CN', prefix: '222.186' },
  { asn: 24940, country: 'DE', prefix: '95.217' },
];
const SPAM_DOMAINS = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'aol.com', 'mail.ru', 'qq.com'];

export function isClassic(kind: AttackKind): kind is (typeof CLASSIC_ATTACKS)[number] {
  return (CLASSIC_ATTACKS as readonly string[]).includes(kind);
}

export interface AttackPlan {
  kind: AttackKind;
  victim: Person;
  /** Further stolen accounts the same attacker uses at the same time (the `multi` and `list` attacks). */
  accomplices: Person[];
  at: number;
}

export function attackerPlace(rng: Rng): Place {
  const net = rng.pick(ATTACKER_NETS);
  return { ip: `${net.prefix}.${rng.int(0, 255)}.${rng.int(1, 254)}`, asn: net.asn, country: net.country };
}

/** A harvested list: random people at many domains, a share of them long gone (hard bounces). */
export function spamRecipients(rng: Rng, n: number): string[] {
  return Array.from({ length: n }, () => {
    const domain = rng.chance(0.4) ? rng.pick(SPAM_DOMAINS) : `d${rng.int(1, 5000)}.example.${rng.pick(['com', 'net', 'org', 'biz', 'info'])}`;
    return `${rng.hex(8)}@${domain}`;
  });
}

export interface Shape {
  place: (i: number) => Place;
  gap: (i: number) => number;
  count: number;
  rcpts: () => number;
  subject: (i: number) => string;
  body: (i: number) => string;
  client: string | undefined;
  invalidShare: number;
  /** Log in again every this many messages (a new SMTP session). */
  session: number;
  /** The account of the i-th message (default: the victim). */
  account?: (i: number) => Person;
  /** The recipients of a message of `n` (default: a harvested list). */
  recipients?: (n: number) => string[];
  /** Whether a recipient may bounce (default: all may, at `invalidShare`). */
  harvested?: (rcpt: string) => boolean;
}

/** Emits one attack of the given shape; every message id starts with the attack marker. */
export function emit(org: Organisation, plan: AttackPlan, shape: Shape, rng: Rng, sink: EventSink): void {
  let at = plan.at;
  const lastPlace = new Map<string, string>();
  for (let i = 0; i < shape.count; i++) {
    const place = shape.place(i);
    const account = shape.account ? shape.account(i).address : plan.victim.address;
    if (place.ip !== lastPlace.get(account) || i % shape.session === 0) sink.auth(at - 2 * SECOND, account, place);
    lastPlace.set(account, place.ip);
    const s: Omit<SubmitEvent, 'ts' | 'type'> = {
      account,
      ip: place.ip,
      asn: place.asn,
      country: place.country,
      messageId: messageId(rng, org.domain, `${ATTACK_ID_PREFIX}${plan.kind}-`),
      mailFrom: account,
      headerFrom: account,
      rcpts: shape.recipients ? shape.recipients(shape.rcpts()) : spamRecipients(rng, shape.rcpts()),
      subject: shape.subject(i),
      bodyHash: shape.body(i),
      size: rng.int(3000, 9000),
    };
    if (shape.client) s.client = shape.client;
    sink.submit(at, s);
    const harvested = shape.harvested ?? (() => true);
    const invalid = new Set(s.rcpts.filter((r) => rng.chance(shape.invalidShare) && harvested(r)));
    bouncesFor(sink, rng, at, s, (r) => invalid.has(r));
    at += shape.gap(i);
  }
}

export function simulateAttack(org: Organisation, plan: AttackPlan, rng: Rng, sink: EventSink): void {
  const v = plan.victim;
  const bodies = [rng.hex(16), rng.hex(16), rng.hex(16)];
  const subjects = ['Invoice overdue - action required', 'Your parcel is waiting', 'Re: payment confirmation'];
  const foreign = attackerPlace(rng);
  const pool = Array.from({ length: 40 }, () => attackerPlace(rng));
  const common = { subject: (i: number) => subjects[i % 3], body: (i: number) => bodies[i % 3], session: 100 };
  const shapes: Record<(typeof CLASSIC_ATTACKS)[number], Shape> = {
    // 2,000 messages at 20 a second from a new foreign IP, 30% invalid recipients.
    blast: { ...common, place: () => foreign, gap: () => 50, count: 2000, rcpts: () => rng.int(1, 3), client: undefined, invalidShare: 0.3 },
    // The same blast from the victim's own office IP with the victim's own client string.
    'blast-usual': { ...common, place: () => v.office, gap: () => 50, count: 2000, rcpts: () => rng.int(1, 3), client: v.client, invalidShare: 0.3 },
    // A blast paced to stay under per-minute limits: one message every 8 seconds.
    'blast-slow': { ...common, place: () => foreign, gap: () => 8 * SECOND, count: 600, rcpts: () => rng.int(1, 3), client: v.client, invalidShare: 0.3 },
    // Dozens of IPs around the world, each sending a little, minutes apart, every message different.
    lowslow: {
      ...common,
      place: () => rng.pick(pool),
      gap: () => rng.int(1, 4) * MINUTE,
      count: 300,
      rcpts: () => rng.int(1, 2),
      subject: (i) => `${subjects[i % 3]} #${rng.int(100, 999)}`,
      body: () => rng.hex(16),
      client: undefined,
      invalidShare: 0.2,
    },
    // Malware in the victim's own client: usual IP, usual client string, one text to new people.
    hijack: { ...common, place: () => v.office, gap: () => rng.int(15, 45) * SECOND, count: 500, rcpts: () => rng.int(1, 3), subject: () => subjects[0], body: () => bodies[0], client: v.client, invalidShare: 0.25 },
    spray: { ...common, place: () => foreign, gap: () => rng.int(3, 10) * SECOND, count: 300, rcpts: () => rng.int(1, 2), client: undefined, invalidShare: 0.3 },
  };
  if (plan.kind === 'spray') spray(org, plan, foreign, rng, sink);
  if (isClassic(plan.kind)) emit(org, plan, shapes[plan.kind], rng, sink);
}

/** An hour of one or two wrong passwords against every account from a few IPs, then one success. */
function spray(org: Organisation, plan: AttackPlan, source: Place, rng: Rng, sink: EventSink): void {
  const ips = [source, attackerPlace(rng), attackerPlace(rng)];
  const start = plan.at - 60 * MINUTE;
  org.people.forEach((p, i) => {
    const tries = rng.int(1, 2);
    for (let t = 0; t < tries; t++) sink.auth(start + (i / org.people.length) * 55 * MINUTE + t * 7 * SECOND, p.address, ips[(i + t) % ips.length], false);
  });
}
