/**
 * A stream the engine was not tuned on: a plain office written here, apart from `mailwarden
 * simulate` (src/policy/simulation/), in the replay format of DESIGN.md, with the issue's attacks
 * and shapes of its own, decided as `mailwarden replay` decides them (senders checked, lines
 * through the replay parser). `bench/independent.ts` prints the figures;
 * `test/unit/policy/independent.test.ts` asserts the targets on it.
 * The office: accounts with 10-60 contacts each (a third of them colleagues), mail on working days
 * between 09:00 and 18:00 JST from one office IP per account (a phone on a mobile network one
 * message in twenty), 3-40 messages a day, 80 % to one recipient, one recipient in ten never
 * mailed before, a new text each time; 0.5 % of external recipients bounce; besides them two
 * salespeople, two new members of staff from the second week and a customer desk shared from four
 * places (see "Honest people the plain office does not have"). Without --geo the
 * events carry no `asn` or `country` (networks by /24). The attacks start two days before the end,
 * at 00:00 JST, each on its own account:
 *   blast          2,000 messages at 20 a second from a new foreign IP, 30 % invalid recipients (bounced)
 *   lowslow        300 messages a minute apart from 40 IPs, two new recipients each
 *   hijack         300 messages from the usual IP and client, one new recipient each, one text
 *   spray          failed logins for 60 accounts from one IP, one success, then 500 messages
 *   ceo            100 messages from the usual desk as ceo@ to the victim's contacts, one text
 *   contacts-night 200 messages to the victim's contacts from a new domestic network, one text, 5 minutes apart
 *   contacts-abroad 200 messages to the victim's contacts from a new foreign IP, one text, a minute apart
 *   night-usual    200 messages from the usual IP at night, a new text and a new recipient each
 *   day-usual      200 messages from the usual IP during the next working day, a new text and recipient each
 *   bcc            20 messages of 99 new recipients each, 10 minutes apart, from a new IP
 *   multi          10 accounts logged into from one IP, 40 messages each to new recipients
 *   weekend        200 on Saturday daytime from a domestic address new to the account, a text and a
 *                  new recipient every 2 minutes
 *   v6-rotating    300 from IPv6 addresses, each in a /48 of its own, 30 seconds apart
 *   hourly-bcc     24 messages of 40 new recipients, one an hour, from the usual desk
 *   wide           30 accounts at once, each from an address of its own abroad, 10 messages each
 *                  with one lure, 3 minutes apart, a new account every minute
 *   dormant-blast, dormant-slow, dormant-usual: three of four mailboxes that log in now and then
 *                  but never send, taken over: 1,000 at 20 a second from abroad (30 % invalid),
 *                  a new recipient a minute from abroad, a new recipient every 2 minutes from the
 *                  mailbox's own office address
 * Answers, per attack, messages accepted and how many the latest victim submitted before it was
 * restricted; and what happened to the honest mail (the victims' own mail from the hour before the
 * attacks on left out: an account under attack is on watch or restricted for what it sends).
 */
import type { ReplayEvent } from '../src/events/replay.js';
import { detectionConfigSchema } from '../src/policy/config.js';
import { DetectionEngine } from '../src/policy/engine.js';
import { parseReplayLine } from '../src/policy/replay-input.js';

export interface OfficeOptions {
  accounts: number;
  days: number;
  seed: number;
  geo: boolean;
}

export interface AttackResult {
  kind: string;
  messages: number;
  accepted: number;
  /** Messages the latest of its victims submitted before it was restricted, or null: one never was. */
  restrictedAfter: number | null;
}

export interface OfficeResult {
  events: number;
  attacks: AttackResult[];
  honest: { submits: number; deferred: number; held: number; rejected: number };
  falselyRestricted: string[];
  watched: string[];
  /** Honest accounts named in a finding of many accounts at one new place (an alert to the administrators). */
  placeAlerted: string[];
}

export function independentOffice(options: OfficeOptions): OfficeResult {
  const ACCOUNTS = options.accounts;
  const DAYS = Math.max(4, options.days);
  const geo = options.geo;
  const DOMAIN = 'example.co.jp';
  const START = Date.parse('2026-01-05T00:00:00Z'); // a Monday, 09:00 JST
  const DAY = 86_400_000;
  const HOUR = 3_600_000;

  /** Park and Miller's minimal standard generator: nothing shared with the simulator's PRNG. */
  let state = (options.seed * 7919 + 17) % 2147483647;
  const random = (): number => (state = (state * 48271) % 2147483647) / 2147483647;
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];

  interface Staff {
    address: string;
    office: string;
    phone: string;
    perDay: number;
    contacts: string[];
  }
  const partners = Array.from({ length: 300 }, (_, i) => `partner${i}.example`);
  const staff: Staff[] = Array.from({ length: ACCOUNTS }, (_, i) => ({
    address: `staff${i}@${DOMAIN}`,
    office: `198.51.${100 + (i % 50)}.${1 + ((i >> 2) % 250)}`,
    phone: `100.64.${int(0, 255)}.${int(1, 254)}`,
    perDay: int(3, 40),
    contacts: Array.from({ length: int(10, 60) }, () => (random() < 0.3 ? `staff${int(0, ACCOUNTS - 1)}@${DOMAIN}` : `p${int(0, 20000)}@${pick(partners)}`)),
  }));

  /** Where an address is, as a gateway with GeoIP would add it. */
  function place(ip: string): { country?: string; asn?: number } {
    if (!geo) return {};
    if (ip.startsWith('198.51.')) return { country: 'JP', asn: 2516 };
    if (ip.startsWith('100.64.') || ip.startsWith('203.0.113.7')) return { country: 'JP', asn: 9605 };
    // Each attacker elsewhere, on a provider of its own.
    if (ip.includes(':')) return { country: 'US', asn: 64_700 + (parseInt(ip.split(':')[2], 16) % 50) };
    return ABROAD.get(ip) ?? { country: ['BR', 'US', 'RU', 'IN', 'TR'][Number(ip.split('.')[3]) % 5], asn: 64_600 + Number(ip.split('.')[3]) };
  }
  const ABROAD = new Map([
    ['203.0.113.5', { country: 'VN', asn: 45899 }],
    ['203.0.113.6', { country: 'IN', asn: 9829 }],
    ['203.0.113.99', { country: 'US', asn: 14061 }],
    ['203.0.113.150', { country: 'NG', asn: 37148 }],
    ['198.18.0.9', { country: 'RU', asn: 12389 }],
    ['198.18.7.7', { country: 'CN', asn: 4134 }],
  ]);

  type Timed = { t: number; e: Record<string, unknown> };
  const events: Timed[] = [];
  let n = 0;
  const iso = (t: number): string => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
  function submit(t: number, who: Staff, ip: string, rcpts: string[], extra: { id?: string; from?: string; subject?: string; body?: string; client?: string } = {}): void {
    const messageId = `<${extra.id ?? 'h'}${n++}@${DOMAIN}>`;
    events.push({ t, e: { type: 'submit', account: who.address, ip, messageId, mailFrom: who.address, headerFrom: extra.from ?? who.address, rcpts, size: int(2_000, 200_000), subject: extra.subject ?? `件名 ${int(0, 1e6)}`, bodyHash: extra.body ?? int(0, 1e9).toString(16), client: extra.client ?? 'Microsoft Outlook 16.0', ...place(ip) } });
    for (const r of rcpts) {
      const invalid = r.startsWith('invalid') || (!r.endsWith(DOMAIN) && random() < 0.005);
      if (invalid) events.push({ t: t + int(60, 600) * 1000, e: { type: 'bounce', account: who.address, messageId, rcpt: r, status: '5.1.1' } });
    }
  }
  const login = (t: number, who: Staff, ip: string, ok = true): number => events.push({ t, e: { type: 'auth', account: who.address, ip, ok, ...place(ip) } });

  /** Accounts that exist but never send: a leaver's mailbox, a shared address nobody uses. */
  const dormant: Staff[] = Array.from({ length: 4 }, (_, i) => ({ address: `dormant${i}@${DOMAIN}`, office: `198.51.99.${10 + i}`, phone: '', perDay: 0, contacts: [] }));
  for (let d = 0; d < DAYS; d++) {
    if (d % 7 >= 5) continue;
    for (const s of dormant) if (d % 5 === 0) login(START + d * DAY + int(0, 3600) * 1000, s, s.office);
    for (const s of staff) {
      const first = START + d * DAY + int(0, 3600) * 1000;
      login(first, s, s.office);
      const count = Math.round(s.perDay * (0.5 + random()));
      for (let k = 0; k < count; k++) {
        const phone = random() < 0.05;
        const rcpts = Array.from({ length: random() < 0.8 ? 1 : int(2, 5) }, () => (random() < 0.9 ? pick(s.contacts) : `new${int(0, 1e6)}@${pick(partners)}`));
        submit(first + int(60, 9 * 3600) * 1000, s, phone ? s.phone : s.office, rcpts);
      }
    }
  }

  const t0 = START + (DAYS - 2) * DAY + 15 * HOUR; // 00:00 JST
  const victims = new Map<string, string>();
  let next = 0;
  function victim(kind: string): Staff {
    const s = staff[(next++ * 37 + 11) % ACCOUNTS];
    victims.set(s.address, kind);
    return s;
  }
  const attack = (kind: string) => ({ id: `atk-${kind}-`, subject: 'Invoice overdue', body: `lure-${kind}`, client: 'PHPMailer 6.0' });

  let v = victim('blast');
  login(t0 - 1000, v, '203.0.113.5');
  for (let i = 0; i < 2000; i++) submit(t0 + i * 50, v, '203.0.113.5', [`${random() < 0.3 ? 'invalid' : 'x'}${i}@spam${i % 500}.example`], attack('blast'));
  v = victim('lowslow');
  for (let i = 0; i < 300; i++) submit(t0 + i * 60_000, v, `192.0.2.${1 + (i % 40)}`, [`y${i}@victim${i % 200}.example`, `z${i}@victim${i % 150}.example`], attack('lowslow'));
  v = victim('hijack');
  for (let i = 0; i < 300; i++) submit(t0 + HOUR + i * 20_000, v, v.office, [`h${i}@list${i % 300}.example`], { ...attack('hijack'), client: 'Microsoft Outlook 16.0' });
  v = victim('spray');
  for (const [i, s] of staff.slice(0, 60).entries()) if (s !== v) login(t0 - 600_000 + i * 2000, s, '198.18.0.9', false);
  login(t0 - 1000, v, '198.18.0.9');
  for (let i = 0; i < 500; i++) submit(t0 + i * 2000, v, '198.18.0.9', [`s${i}@mark${i % 400}.example`], attack('spray'));
  v = victim('ceo');
  for (let i = 0; i < 100; i++) submit(t0 + 9 * HOUR + i * 120_000, v, v.office, [pick(v.contacts)], { ...attack('ceo'), from: `ceo@${DOMAIN}`, client: 'Microsoft Outlook 16.0', subject: '至急: 振込のお願い' });
  v = victim('contacts-night');
  for (let i = 0; i < 200; i++) submit(t0 + i * 300_000, v, '203.0.113.77', [pick(v.contacts)], { ...attack('contacts-night'), client: 'Microsoft Outlook 16.0' });
  v = victim('contacts-abroad');
  for (let i = 0; i < 200; i++) submit(t0 + i * 60_000, v, '203.0.113.150', [pick(v.contacts)], { ...attack('contacts-abroad'), client: 'Microsoft Outlook 16.0' });
  v = victim('night-usual');
  for (let i = 0; i < 200; i++) submit(t0 + i * 120_000, v, v.office, [`n${i}@target${i % 100}.example`], { id: 'atk-night-usual-', subject: `Re: ${i}`, body: `b${i}` });
  v = victim('day-usual');
  for (let i = 0; i < 200; i++) submit(t0 + 18 * HOUR + i * 90_000, v, v.office, [`d${i}@target${i % 100}.example`], { id: 'atk-day-usual-', subject: `Re: ${i}`, body: `b${i}` });
  v = victim('bcc');
  for (let i = 0; i < 20; i++) submit(t0 + i * 600_000, v, '203.0.113.99', Array.from({ length: 99 }, (_, k) => `b${i}x${k}@lead${k}.example`), attack('bcc'));
  v = dormant[0];
  victims.set(v.address, 'dormant-blast');
  login(t0 - 1000, v, '203.0.113.5');
  for (let i = 0; i < 1000; i++) submit(t0 + i * 50, v, '203.0.113.5', [`${random() < 0.3 ? 'invalid' : 'q'}${i}@spam${i % 500}.example`], attack('dormant-blast'));
  v = dormant[1];
  victims.set(v.address, 'dormant-slow');
  for (let i = 0; i < 300; i++) submit(t0 + i * 60_000, v, '203.0.113.6', [`r${i}@shop${i % 250}.example`], { id: 'atk-dormant-slow-', subject: `Order ${i}`, body: `o${i}` });
  v = dormant[2];
  victims.set(v.address, 'dormant-usual');
  for (let i = 0; i < 300; i++) submit(t0 + 9 * HOUR + i * 120_000, v, v.office, [`u${i}@shop${i % 250}.example`], { id: 'atk-dormant-usual-', subject: `Re: ${i}`, body: `u${i}` });
  v = victim('weekend');
  // Saturday daytime (09:00-15:00 JST), a domestic address new to the account, a text each.
  for (let i = 0; i < 200; i++) submit(t0 + 9 * HOUR + i * 120_000, v, '203.0.113.201', [`k${i}@shop${i % 90}.example`], { id: 'atk-weekend-', subject: `ご案内 ${i}`, body: `k${i}`, client: 'Microsoft Outlook 16.0' });
  v = victim('v6-rotating');
  for (let i = 0; i < 300; i++) submit(t0 + i * 30_000, v, `2001:db8:${(i * 7919) % 65536}::${1 + (i % 200)}`, [`v${i}@bulk${i % 120}.example`], attack('v6-rotating'));
  v = victim('hourly-bcc');
  for (let i = 0; i < 24; i++) submit(t0 + i * HOUR, v, v.office, Array.from({ length: 40 }, (_, k) => `hb${i}x${k}@co${k}.example`), { ...attack('hourly-bcc'), client: 'Microsoft Outlook 16.0' });
  // Thirty stolen passwords at once, each used from an address of its own.
  for (let j = 0; j < 30; j++) {
    v = victim('wide');
    const ip = `192.0.2.${100 + j}`;
    login(t0 + j * 60_000 - 1000, v, ip);
    for (let i = 0; i < 10; i++) submit(t0 + j * 60_000 + i * 180_000, v, ip, [`w${j}x${i}@lead${(j * 10 + i) % 150}.example`], attack('wide'));
  }
  for (let j = 0; j < 10; j++) {
    v = victim('multi');
    login(t0 + j * 1000, v, '198.18.7.7');
    for (let i = 0; i < 40; i++) submit(t0 + 5000 + j * 1000 + i * 90_000, v, '198.18.7.7', [`m${j}x${i}@buyer${i % 90}.example`], attack('multi'));
  }

  // Honest people the plain office does not have (written after the attacks, so that adding them
  // left the attacks' figures as they were): two salespeople writing to 25-40 new leads a working
  // day, a text each; two new members of staff from the second week, whose every recipient is new at
  // first; a customer desk shared by three people in two offices and one at home, answering 40-60
  // customers a day, most of them new.
  const special = (name: string, office: string): Staff => ({ address: `${name}@${DOMAIN}`, office, phone: '', perDay: 0, contacts: [] });
  const sales = [special('sales0', '198.51.140.7'), special('sales1', '198.51.141.7')];
  const hires = [special('newhire0', '198.51.142.7'), special('newhire1', '198.51.143.7')];
  const desk = special('desk', '198.51.144.7');
  const deskPlaces = ['198.51.144.7', '198.51.145.9', '198.51.146.20', '100.64.77.5'];
  const honestExtra = (who: Staff, ip: string, t: number, rcpt: string) => submit(t, who, ip, [rcpt], { id: 'x' });
  for (let d = 0; d < DAYS; d++) {
    if (d % 7 >= 5) continue;
    const day = START + d * DAY;
    for (const s of sales) {
      login(day + 600_000, s, s.office);
      const known = s.contacts;
      for (let k = int(25, 40); k > 0; k--) {
        const rcpt = random() < 0.7 || known.length === 0 ? `lead${int(0, 1e6)}@${pick(partners)}` : pick(known);
        known.push(rcpt);
        honestExtra(s, s.office, day + int(1200, 8 * 3600) * 1000, rcpt);
      }
    }
    if (d >= 7)
      for (const h of hires) {
        login(day + 900_000, h, h.office);
        for (let k = int(10, 25); k > 0; k--) {
          const rcpt = h.contacts.length < 30 || random() < 0.3 ? `c${int(0, 1e6)}@${pick(partners)}` : pick(h.contacts);
          h.contacts.push(rcpt);
          honestExtra(h, h.office, day + int(1800, 8 * 3600) * 1000, rcpt);
        }
      }
    for (const ip of deskPlaces) login(day + int(0, 1800) * 1000, desk, ip);
    for (let k = int(40, 60); k > 0; k--) {
      const rcpt = random() < 0.6 || desk.contacts.length === 0 ? `customer${int(0, 1e6)}@${pick(partners)}` : pick(desk.contacts);
      desk.contacts.push(rcpt);
      honestExtra(desk, pick(deskPlaces), day + int(1800, 9 * 3600) * 1000, rcpt);
    }
  }

  events.sort((a, b) => a.t - b.t);
  const engine = new DetectionEngine(detectionConfigSchema.parse({ orgDomains: [DOMAIN] }), { checkSenders: true });
  interface Tally {
    messages: number;
    accepted: number;
    /** By victim: its messages submitted before it was restricted, or null while it is not. */
    until: Map<string, number | null>;
    sent: Map<string, number>;
  }
  const attacks = new Map<string, Tally>();
  const restricted = new Set<string>();
  const honest = { submits: 0, deferred: 0, held: 0, rejected: 0 };
  const falselyRestricted = new Set<string>();
  const watched = new Set<string>();
  /** Honest accounts named in a finding of many accounts at one new place (an alert to the administrators). */
  const placeAlerted = new Set<string>();
  for (const { t, e } of events) {
    const parsed = parseReplayLine(JSON.stringify({ ts: iso(t), ...e }));
    if ('error' in parsed) throw new Error(parsed.error.en);
    const out = engine.process(parsed.event as ReplayEvent, parsed.ts);
    for (const a of engine.takePlaceFinding()?.accounts ?? []) if (!victims.has(a)) placeAlerted.add(a);
    for (const c of out.changes) {
      if (c.state === 'watch' && !victims.has(c.account)) watched.add(c.account);
      if (c.state !== 'restricted') continue;
      restricted.add(c.account);
      if (!victims.has(c.account)) falselyRestricted.add(c.account);
    }
    const d = out.decision;
    if (!d) continue;
    const kind = /^<atk-([a-z0-9-]+?)-\d+@/.exec(d.messageId)?.[1];
    if (kind) {
      const a = attacks.get(kind) ?? { messages: 0, accepted: 0, until: new Map(), sent: new Map() };
      attacks.set(kind, a);
      const sent = a.sent.get(d.account) ?? 0;
      if ((a.until.get(d.account) ?? null) === null) a.until.set(d.account, restricted.has(d.account) ? sent : null);
      a.sent.set(d.account, sent + 1);
      a.messages++;
      if (d.verdict === 'accept') a.accepted++;
    } else if (!restricted.has(d.account) && !(victims.has(d.account) && parsed.ts >= t0 - HOUR)) {
      honest.submits++;
      if (d.verdict === 'defer') honest.deferred++;
      else if (d.verdict === 'hold') honest.held++;
      else if (d.verdict === 'reject') honest.rejected++;
    }
  }

  return {
    events: events.length,
    attacks: [...attacks].map(([kind, a]) => {
      const until = [...a.until.values()];
      return { kind, messages: a.messages, accepted: a.accepted, restrictedAfter: until.includes(null) ? null : Math.max(...(until as number[])) };
    }),
    honest,
    falselyRestricted: [...falselyRestricted],
    watched: [...watched],
    placeAlerted: [...placeAlerted],
  };
}
