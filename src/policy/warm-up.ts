import { Rng } from './simulation/prng.js';

/**
 * A short made-up stream for `mailwarden replay` to run through an engine of its own, thrown
 * away, before the real input: about 630 events of seven accounts at `warm-up.invalid` over
 * eight days, with every kind of event and every verdict. A week of office mail (Japanese and
 * English subjects, phones, an IPv6 home, one account with only the fields the contract requires,
 * bounces, password changes), then a day with the shapes the engine stops: a password spray, a
 * blast from abroad with a third of its recipients invalid, one text and one network for several
 * accounts, a hijacked client at the usual desk, malware answering a mailbox's threads, a run from
 * ten addresses, a traveller, a patient run from a hotel, a day-long run to contacts, a month-end
 * run, messages at night.
 *
 * Why: V8 compiles the engine's per-event path from what it has seen run. A stream's first
 * thousands of events are ordinary mail; the first deferral, hold, restriction or bounce rate
 * comes later, runs a branch the compiled code has never seen, and throws away the compiled code
 * of every function that took it in (about forty times in the default simulation), each then
 * compiled again. On one core that compiling is the replay's own time. Having seen every branch
 * once, V8 compiles each function once. The output is not touched: the warm-up engine is a
 * separate instance, and the engine keeps no state outside its instance but pure caches.
 */
export function warmUpLines(): string[] {
  const w = new WarmUp();
  w.week();
  w.attackDay();
  return w.lines();
}

/**
 * Capacities small enough for the warm-up's few accounts to fill every table and evict from it
 * (each account's recipients, places and texts; the organisation's), as a long stream does late.
 */
export const WARM_UP_MEMORY = {
  recipientsPerAccount: 40,
  orgRecipients: 120,
  acceptedMessages: 120,
  footingPerAccount: 2,
  orgFooting: 6,
  contentKeysPerAccount: 24,
};

const DOMAIN = 'warm-up.invalid';
const START = Date.UTC(2026, 0, 5); // a Monday
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const OFFICE = { ip: '192.0.2.10', asn: 64496, country: 'JP' };
const PHONE = { ip: '198.51.100.20', asn: 64497, country: 'JP' };
const HOME6 = { ip: '2001:db8:0:1::10', asn: 64498, country: 'JP' };
const ABROAD = { ip: '203.0.113.50', asn: 64510, country: 'VN' };
const HOTEL = { ip: '203.0.113.80', asn: 64520, country: 'US' };
/** The phone's own provider, roaming: a network the account knows in a country it does not. */
const AIRPORT = { ip: '198.51.100.21', asn: 64497, country: 'SG' };
const SUBJECTS = ['見積書の送付', 'Meeting follow-up', '納期について', 'Invoice for November', 'Re: ご確認のお願い'];
const CLIENT = 'Microsoft Outlook 16.0';
const PHONE_CLIENT = 'iPhone Mail (21D61)';
const LAPTOP_CLIENT = 'Mozilla Thunderbird 115.0';

interface Place {
  ip: string;
  asn: number;
  country: string;
}

class WarmUp {
  private readonly rng = new Rng(20260105);
  private readonly events: { ms: number; n: number; line: string }[] = [];
  private readonly accounts = [0, 1, 2, 3, 4, 5, 6].map((i) => `staff${i}@${DOMAIN}`);
  private readonly contacts = this.accounts.map((_, i) => Array.from({ length: 8 }, (__, k) => `c${i}.${k}@client${k % 3}.example`));
  private sent = 0;

  lines(): string[] {
    return this.events.sort((a, b) => a.ms - b.ms || a.n - b.n).map((e) => e.line);
  }

  /**
   * Five working days and a weekend of ordinary mail: staff0 busy, staff2 at home over IPv6,
   * staff5 with only the fields the contract requires, staff6 quiet after a password change.
   */
  week(): void {
    for (let day = 0; day < 7; day++) {
      const weekend = day >= 5;
      this.accounts.forEach((account, i) => {
        if ((weekend && i > 1) || (i === 6 && day > 2)) return;
        const at = START + day * DAY + (i === 0 ? 4.5 * HOUR : (i % 3) * 600_000);
        const place = i === 2 ? HOME6 : OFFICE;
        this.auth(at, account, place, true);
        const n = weekend ? 1 : i === 0 ? this.rng.int(18, 22) : this.rng.int(4, 8);
        for (let m = 0; m < n; m++) {
          const ms = at + 900_000 + m * this.rng.int(i === 0 ? 2 : 20, i === 0 ? 3 : 60) * 60_000;
          const rcpts = [this.rng.zipf(this.contacts[i])];
          if (this.rng.chance(0.3)) rcpts.push(this.accounts[(i + 1) % 6]);
          if (this.rng.chance(0.1)) rcpts.push(`New.Person${day}@Client${i}.example`);
          const bounce = this.rng.chance(0.08) ? '5.1.1' : this.rng.chance(0.05) ? '4.2.2' : undefined;
          this.submit(ms, account, m === 2 ? PHONE : place, rcpts, { bare: i === 5, bounce, client: m === 2 ? PHONE_CLIENT : CLIENT });
        }
      });
    }
    this.submit(START + 9 * HOUR, this.accounts[1], OFFICE, [this.contacts[1][0]], { body: 'b1a57b1a57b1a57b' });
    this.event(START + 2 * DAY + 12 * HOUR, { type: 'credential', account: this.accounts[6], kind: 'password' });
    this.event(START + 3 * DAY + 12 * HOUR, { type: 'credential', account: this.accounts[4], kind: 'password' });
  }

  /** The eighth day: what the engine is there to stop, and honest mail that looks a little like it. */
  attackDay(): void {
    const day = START + 7 * DAY;
    const [a0, a1, a2, a3, a4, a5, a6] = this.accounts;
    // Password spraying from abroad, then the one password that works, and a blast from there.
    for (let k = 0; k < 3; k++) for (const account of this.accounts) this.auth(day + HOUR + k * 5_000, account, ABROAD, false);
    this.auth(day + HOUR + 20_000, a3, ABROAD, true);
    for (let k = 0; k < 40; k++) {
      const rcpt = `x${k}@spam${k}.example`;
      this.submit(day + HOUR + 30_000 + k * 1_000, a3, ABROAD, [rcpt], { body: 'b1a57b1a57b1a57b', subject: 'Your account', bounce: k % 3 === 0 ? '5.1.1' : undefined });
    }
    // A hijacked client at the usual desk: five new people, each at a domain of their own, and
    // one contact, every two seconds.
    for (let k = 0; k < 24; k++) {
      const rcpts = [0, 1, 2, 3, 4].map((j) => `h${k}.${j}@lead${5 * k + j}.example`);
      this.submit(day + 2 * HOUR + k * 2_000, a1, OFFICE, [...rcpts, this.contacts[1][k % 8]], { subject: 'Special "offer"' });
    }
    // A traveller: a hotel, then the phone's provider at an airport, mostly to known people, from a laptop of their own.
    this.auth(day + 3 * HOUR, a2, HOTEL, true);
    for (let k = 0; k < 14; k++) {
      const rcpts = k % 4 === 3 ? [`t${k}@new${k}.example`] : [this.contacts[2][k % 8]];
      this.submit(day + 3 * HOUR + k * 240_000, a2, k < 7 ? HOTEL : AIRPORT, rcpts, { client: LAPTOP_CLIENT });
    }
    // After the password change: the usual desk, the usual people, all day long, some bouncing.
    this.auth(day, a4, OFFICE, true);
    for (let k = 0; k < 60; k++) this.submit(day + k * 600_000, a4, OFFICE, [this.contacts[4][k % 8]], { bounce: k % 8 === 5 ? '5.1.1' : undefined });
    this.event(day + 4 * HOUR + 60_000, { type: 'credential', account: a0, kind: 'app-password' });
    // A month-end run of invoices, one text, to the usual customers and a few new ones.
    for (let k = 0; k < 25; k++) {
      const rcpts = k % 5 === 4 ? [`billing${k}@customer${k}.example`, this.contacts[0][k % 8]] : [this.contacts[0][k % 8]];
      this.submit(day + 5 * HOUR + k * 5_000, a0, OFFICE, rcpts, { body: '1a2b3c4d5e6f7081', subject: '請求書の送付' });
    }
    // Malware answering the threads of a mailbox from the usual desk: a subject of its own on each
    // message, every 20 seconds, to the usual people (past 20 new subjects in an hour, their ends
    // are compared; past 60, they score).
    for (let k = 0; k < 64; k++) this.submit(day + 6 * HOUR + k * 20_000, a5, OFFICE, [this.contacts[5][k % 8]], { subject: `Re: w${k * 7919} ${this.rng.pick(SUBJECTS)} ${k}` });
    // The blast's text from two more accounts (one list, several stolen passwords; a week after
    // it was last seen), two more accounts from the blast's network, and a distributed run: one
    // message to someone new from each of ten addresses within an hour.
    this.submit(day + HOUR + 40_000, a5, ABROAD, ['y1@spam1.example'], { body: 'b1a57b1a57b1a57b' });
    this.submit(day + HOUR + 50_000, a6, ABROAD, ['y2@spam2.example'], { body: 'b1a57b1a57b1a57b' });
    this.submit(day + HOUR + 55_000, a2, { ...ABROAD, ip: '203.0.113.51' }, ['y3@spam3.example'], {});
    this.submit(day + HOUR + 58_000, a0, { ...ABROAD, ip: '203.0.113.52' }, ['y4@spam4.example'], {});
    for (let k = 0; k < 10; k++) this.submit(day + 7 * HOUR + (k < 4 ? k * 30_000 : k * 360_000), a5, { ip: `203.0.113.${160 + k}`, asn: 64540 + k, country: 'BR' }, [`d${k}@far${k}.example`], { bare: true });
    // Patient, from the hotel in the evening: one stranger every ten minutes.
    for (let k = 0; k < 8; k++) this.submit(day + 11 * HOUR + k * 600_000, a2, HOTEL, [`p${k}@away${k}.example`], { client: LAPTOP_CLIENT });
    // Back after days away, the password changed before: the probation has run out.
    this.submit(day + 6 * HOUR, a6, OFFICE, [this.contacts[6][0]], {});
    // At night, from a phone, to someone new and someone known.
    for (let k = 0; k < 3; k++) this.submit(day + 20 * HOUR + k * 600_000, a2, PHONE, [`night${k}@new${k}.example`, this.contacts[2][k]], { client: PHONE_CLIENT });
  }

  private auth(ms: number, account: string, p: Place, ok: boolean): void {
    this.event(ms, { type: 'auth', account, ip: p.ip, ok, asn: p.asn, country: p.country });
  }

  private submit(ms: number, account: string, p: Place, rcpts: string[], o: { bare?: boolean; bounce?: string; body?: string; subject?: string; client?: string }): void {
    const messageId = `<w${this.sent++}@${DOMAIN}>`;
    if (o.bare) this.event(ms, { type: 'submit', account, ip: p.ip, messageId, mailFrom: account, headerFrom: account, rcpts });
    else {
      this.event(ms, {
        type: 'submit',
        account,
        ip: p.ip,
        asn: p.asn,
        country: p.country,
        messageId,
        mailFrom: account,
        headerFrom: account,
        rcpts,
        // Some clients leave the size out.
        size: o.client === PHONE_CLIENT ? undefined : this.rng.int(2_000, 400_000),
        subject: o.subject ?? this.rng.pick(SUBJECTS),
        bodyHash: o.body ?? this.rng.next().toString(16).slice(2, 18).padEnd(16, '0'),
        client: o.client ?? CLIENT,
      });
    }
    if (o.bounce) {
      const status = o.bounce;
      this.event(ms + 30_000, { type: 'bounce', account, messageId, rcpt: rcpts[0], status, reason: status.startsWith('5') ? 'userunknown' : 'mailboxfull' });
    }
  }

  /** One line; the time as the contract writes it, with or without milliseconds. */
  private event(ms: number, fields: Record<string, unknown>): void {
    const iso = new Date(ms).toISOString();
    const ts = ms % 1000 === 0 && this.events.length % 2 === 0 ? iso.replace('.000Z', 'Z') : iso;
    this.events.push({ ms, n: this.events.length, line: JSON.stringify({ ts, ...fields }) });
  }
}
