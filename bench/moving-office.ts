/**
 * Honest people who move about, written apart from `mailwarden simulate` and from
 * `bench/independent-office.ts` (a generator of its own), decided as `mailwarden replay` decides
 * them: what the engine does to honest senders whose addresses say little. No attacks.
 * `bench/moving.ts` prints the figures; `test/unit/policy/moving.test.ts` asserts on them.
 * The office (`corp.example.jp`, from Monday 2 February 2026, 09:00 JST), in kinds of people:
 *   office     at the office, behind one NAT address shared by everybody; on some Mondays
 *              the weekend's mail answered first thing: 25 replies in 20 minutes, including on
 *              the very first morning of the stream, when the engine knows nobody yet
 *   home       from home most days, on a residential line whose address changes every day
 *              (anywhere in the provider's /8)
 *   mobile     half their mail from a phone, each message from a new carrier address
 *              (carrier-grade NAT moves between /24s), some of it in the evening
 *   traveller  five days abroad in week two, hotel addresses changing, local working hours
 *   offsite    twenty people at a conference hotel together for two days
 *   announcer  one day, a notice of their change of post (the same text) to every contact,
 *              one message each, within an hour or so
 *   newcomer   from day 15, a new member of staff who first introduces themselves to 30
 *              colleagues one by one with the same text
 *   leaver     on day 25, one person's goodbye to every contact, one message each
 * With `patient`, eight office workers' passwords are used from abroad on day 22 (10:00 JST, one
 * foreign address and network each), a new text to one new person at a time, during working hours
 * (10:00-18:00 JST) for three days, at 6, 12, 30 or 60 messages an hour (`patient-6` ...), each pace
 * once straight away and once after five messages to the victim's contacts ten minutes apart, which
 * end a probation as a traveller's mail does (`patient-6-warm` ...). Their own mail from then on is
 * left out of the honest figures.
 * Everybody: 4-30 messages a working day, 15-80 contacts (a third colleagues), one recipient in
 * eight never mailed before, a new text each time, now and then a weekend message. Without --geo
 * the events carry no `asn` or `country` (networks by /24, as a gateway without GeoIP sees them).
 */
import type { ReplayEvent } from '../src/events/replay.js';
import { detectionConfigSchema } from '../src/policy/config.js';
import { DetectionEngine } from '../src/policy/engine.js';
import { parseReplayLine } from '../src/policy/replay-input.js';

export interface MovingOptions {
  accounts: number;
  days: number;
  seed: number;
  geo: boolean;
  /** Adds the patient attacks (see the file's comment); the honest mail is the same with or without. */
  patient?: boolean;
}

export interface PatientResult {
  kind: string;
  messages: number;
  accepted: number;
  /** Messages submitted before the account was restricted, or null: never. */
  restrictedAfter: number | null;
}

export interface KindResult {
  kind: string;
  submits: number;
  deferred: number;
  held: number;
  rejected: number;
}

export interface MovingResult {
  events: number;
  kinds: KindResult[];
  /** Accounts restricted or put on watch, with their kind: "emp3@… (announcer)". */
  restricted: string[];
  watched: string[];
  /** Honest accounts named in a finding of many accounts at one new place (an alert to the administrators). */
  placeAlerted: string[];
  attacks: PatientResult[];
}

type Kind = 'office' | 'home' | 'mobile' | 'traveller' | 'offsite' | 'announcer' | 'newcomer' | 'leaver';

export function movingOffice(options: MovingOptions): MovingResult {
  const DOMAIN = 'corp.example.jp';
  const START = Date.parse('2026-02-02T00:00:00Z');
  const DAY = 86_400_000;
  const HOUR = 3_600_000;
  const DAYS = Math.max(28, options.days);
  const geo = options.geo;
  /** Lehmer's generator with Park and Miller's first multiplier: shared with neither other office. */
  let state = (options.seed * 104_729 + 3) % 2_147_483_647;
  const random = (): number => (state = (state * 16_807) % 2_147_483_647) / 2_147_483_647;
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];

  interface Person {
    address: string;
    kind: Kind;
    contacts: string[];
    perDay: number;
    client: string;
    homeAsn: number;
  }
  const partners = Array.from({ length: 400 }, (_, i) => `firm${i}.example.com`);
  const people: Person[] = Array.from({ length: options.accounts }, (_, i) => {
    const k: Kind = i % 10 < 4 ? 'office' : i % 10 < 6 ? 'home' : i % 10 < 8 ? 'mobile' : i % 10 === 8 ? 'traveller' : 'announcer';
    return {
      address: `emp${i}@${DOMAIN}`,
      kind: i < 20 && k === 'office' ? 'offsite' : k,
      contacts: Array.from({ length: int(15, 80) }, () => (random() < 0.35 ? `emp${int(0, options.accounts - 1)}@${DOMAIN}` : `x${int(0, 30_000)}@${pick(partners)}`)),
      perDay: int(4, 30),
      client: pick(['Microsoft Outlook 16.0', 'Thunderbird 115', 'Apple Mail (2.3696)', 'iPhone Mail (20E252)']),
      homeAsn: pick([2516, 4713, 17676, 2527]),
    };
  });
  const OFFICE = ['192.0.2.10', '192.0.2.11'];
  const where = (asn: number, country = 'JP') => (geo ? { asn, country } : {});
  const OFFICE_AT = where(64_496);

  const events: { t: number; e: Record<string, unknown> }[] = [];
  let n = 0;
  function submit(t: number, p: Person, ip: string, at: object, rcpts: string[], body?: string, subject?: string): void {
    events.push({ t, e: { type: 'submit', account: p.address, ip, messageId: `<m${n++}@${DOMAIN}>`, mailFrom: p.address, headerFrom: p.address, rcpts, subject: subject ?? `Re: ${int(0, 1e7)}`, bodyHash: body ?? int(0, 1e9).toString(16), client: p.client, size: int(3_000, 90_000), ...at } });
  }
  const login = (t: number, p: Person, ip: string, at: object) => events.push({ t, e: { type: 'auth', account: p.address, ip, ok: true, ...at } });
  const recipients = (p: Person) => Array.from({ length: random() < 0.75 ? 1 : int(2, 6) }, () => (random() < 0.88 ? pick(p.contacts) : `new${int(0, 1e7)}@${pick(partners)}`));
  /** The same text to each of `to`, one message each, `gap` seconds apart on average. */
  const oneByOne = (t: number, p: Person, to: string[], gap: number, body: string, subject: string) => {
    for (const rcpt of to) submit((t += int(gap / 2, (gap * 3) / 2) * 1000), p, OFFICE[0], OFFICE_AT, [rcpt], body, subject);
  };

  for (let d = 0; d < DAYS; d++) {
    const day = START + d * DAY;
    const weekend = d % 7 >= 5;
    for (const p of people) {
      if (weekend && random() < 0.85) continue;
      let ip = pick(OFFICE);
      let at: object = OFFICE_AT;
      if (p.kind === 'home' && (weekend || random() < 0.6)) {
        ip = `${[60, 61, 118, 126][p.homeAsn % 4]}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
        at = where(p.homeAsn);
      }
      if (p.kind === 'offsite' && (d === 14 || d === 15)) {
        ip = '203.0.113.200';
        at = where(9_824);
      }
      const abroad = p.kind === 'traveller' && d >= 8 && d <= 12;
      if (abroad) {
        ip = `198.51.100.${int(1, 254)}`;
        at = where(7_922, 'US');
      }
      // Abroad (US Pacific time) the working day starts 17 hours after Tokyo's.
      const first = day + int(0, 2 * 3600) * 1000 + (abroad ? 17 * HOUR : 0);
      login(first, p, ip, at);
      const count = Math.round((weekend ? 0.2 : 1) * p.perDay * (0.5 + random()));
      for (let k = 0; k < count; k++) {
        let t = first + int(60, 9 * 3600) * 1000;
        if (p.kind === 'mobile' && random() < 0.5) {
          const phone = `${pick(['27', '49', '106', '110'])}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
          if (random() < 0.3) t = day + int(11, 14) * HOUR + int(0, 3600) * 1000;
          submit(t, p, phone, where(pick([2516, 9605, 17676, 20473])), recipients(p));
        } else submit(t, p, ip, at, recipients(p));
      }
      if (d % 7 === 0 && p.kind === 'office' && random() < 0.3)
        for (let k = 0; k < 25; k++) submit(first + 600_000 + k * 48_000, p, ip, at, [pick(p.contacts)]);
      if (p.kind === 'announcer' && d === 10 + (people.indexOf(p) % 10)) oneByOne(day + 5 * HOUR, p, p.contacts, 45, `idou-${p.address}`, '異動のご挨拶');
    }
  }
  const newcomer: Person = { address: `newcomer@${DOMAIN}`, kind: 'newcomer', contacts: [], perDay: 0, client: 'Microsoft Outlook 16.0', homeAsn: 2516 };
  const joined = START + 15 * DAY;
  login(joined + 600_000, newcomer, OFFICE[0], OFFICE_AT);
  oneByOne(joined + HOUR, newcomer, Array.from({ length: 30 }, (_, k) => `emp${(k * 3) % options.accounts}@${DOMAIN}`), 50, 'hello-newcomer', 'はじめまして');
  for (let d = 16; d < DAYS; d++) if (d % 7 < 5) for (let k = 0; k < 8; k++) submit(START + d * DAY + int(1, 8) * HOUR, newcomer, OFFICE[0], OFFICE_AT, [`emp${int(0, options.accounts - 1)}@${DOMAIN}`]);
  const leaver = people[3];
  leaver.kind = 'leaver';
  oneByOne(START + 25 * DAY + 6 * HOUR, leaver, leaver.contacts, 28, 'farewell', '退職のご挨拶');
  people.push(newcomer);

  // The patient attacks draw nothing from the generator, so that the honest mail stays the same.
  const t0 = START + 22 * DAY + HOUR;
  const victims = new Set<string>();
  if (options.patient) {
    const offices = people.filter((p) => p.kind === 'office');
    let v = 0;
    for (const warm of [false, true])
      for (const perHour of [6, 12, 30, 60]) {
        const who = offices[20 + v];
        const kind = `patient-${perHour}${warm ? '-warm' : ''}`;
        const ip = `198.18.${v}.9`;
        const at = where(64_900 + v, 'US');
        v++;
        victims.add(who.address);
        const attack = (t: number, rcpt: string, body: string) =>
          events.push({ t, e: { type: 'submit', account: who.address, ip, messageId: `<atk-${kind}-${n++}@${DOMAIN}>`, mailFrom: who.address, headerFrom: who.address, rcpts: [rcpt], subject: `Re: ${body}`, bodyHash: body, client: who.client, size: 6_000, ...at } });
        events.push({ t: t0 - 60_000, e: { type: 'auth', account: who.address, ip, ok: true, ...at } });
        if (warm) for (let i = 0; i < 5; i++) attack(t0 + i * 600_000, who.contacts[i % who.contacts.length], `${kind}-w${i}`);
        for (let d = 0; d < 3; d++)
          for (let i = 0; i < perHour * 8; i++) attack(t0 + d * DAY + HOUR + Math.round((i * HOUR) / perHour), `z${d}x${i}@lead${i % 300}.example`, `${kind}-${d}-${i}`);
      }
  }

  events.sort((a, b) => a.t - b.t);
  const engine = new DetectionEngine(detectionConfigSchema.parse({ orgDomains: [DOMAIN] }), { checkSenders: true });
  const kindOf = new Map(people.map((p) => [p.address, p.kind]));
  const kinds = new Map<string, KindResult>();
  const restricted = new Set<string>();
  const watched = new Set<string>();
  const attacks = new Map<string, PatientResult>();
  /** Honest accounts named in a finding of many accounts at one new place (an alert to the administrators). */
  const placeAlerted = new Set<string>();
  for (const { t, e } of events) {
    const parsed = parseReplayLine(JSON.stringify({ ts: new Date(t).toISOString().replace(/\.\d+Z$/, 'Z'), ...e }));
    if ('error' in parsed) throw new Error(parsed.error.en);
    const out = engine.process(parsed.event as ReplayEvent, parsed.ts);
    for (const a of engine.takePlaceFinding()?.accounts ?? []) if (!victims.has(a)) placeAlerted.add(`${a} (${kindOf.get(a)})`);
    for (const c of out.changes) {
      const who = `${c.account} (${kindOf.get(c.account)})`;
      if (c.state === 'restricted') restricted.add(who);
      else if (c.state === 'watch') watched.add(who);
    }
    const d = out.decision;
    if (!d) continue;
    const attack = /^<atk-([a-z0-9-]+?)-\d+@/.exec(d.messageId)?.[1];
    if (attack) {
      const a = attacks.get(attack) ?? { kind: attack, messages: 0, accepted: 0, restrictedAfter: null };
      attacks.set(attack, a);
      if (a.restrictedAfter === null && engine.stateOf(d.account) === 'restricted') a.restrictedAfter = a.messages;
      a.messages++;
      if (d.verdict === 'accept') a.accepted++;
      continue;
    }
    if (victims.has(d.account) && t >= t0 - HOUR) continue;
    const kind = kindOf.get(d.account)!;
    const r = kinds.get(kind) ?? { kind, submits: 0, deferred: 0, held: 0, rejected: 0 };
    kinds.set(kind, r);
    r.submits++;
    if (d.verdict === 'defer') r.deferred++;
    else if (d.verdict === 'hold') r.held++;
    else if (d.verdict === 'reject') r.rejected++;
  }
  const honest = (who: string) => !victims.has(who.split(' ')[0]);
  return { events: events.length, kinds: [...kinds.values()], restricted: [...restricted].filter(honest), watched: [...watched].filter(honest), placeAlerted: [...placeAlerted], attacks: [...attacks.values()] };
}
