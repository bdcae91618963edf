import { weekday } from './legit.js';
import type { Organisation, Person } from './org.js';
import type { Rng } from './prng.js';
import { bouncesFor, messageId, type EventSink } from './sink.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const CANDIDATE_DOMAINS = ['gmail.com', 'yahoo.co.jp', 'icloud.com', 'outlook.jp', 'docomo.ne.jp', 'ezweb.ne.jp', 'softbank.ne.jp', 'hotmail.co.jp'];
const UNIVERSITIES = Array.from({ length: 30 }, (_, i) => `st.univ${i + 1}.ac.jp`);

/**
 * The legitimate patterns that look most like abuse: the weekly newsletter (declared bulk), the
 * month-end invoice run, and a recruiting campaign to hundreds of people never mailed before.
 */
export function simulateSpecial(org: Organisation, p: Person, rng: Rng, sink: EventSink): void {
  if (p.role === 'newsletter') newsletter(org, p, rng, sink);
  if (p.role === 'accounting') invoiceRun(org, p, rng, sink);
  if (p.role === 'hr') recruiting(org, p, rng, sink);
}

/** Tuesday 11:00 JST, one message per subscriber at five a second. */
function newsletter(org: Organisation, p: Person, rng: Rng, sink: EventSink): void {
  for (let day = 0; day < org.days; day++) {
    if (weekday(org, day) !== 2) continue;
    const at = org.start + day * DAY + 11 * HOUR;
    sink.auth(at - 2000, p.address, p.office);
    const body = rng.hex(16);
    org.subscribers.forEach((rcpt, i) => {
      const s = {
        account: p.address,
        ip: p.office.ip,
        asn: p.office.asn,
        country: p.office.country,
        messageId: messageId(rng, org.domain),
        mailFrom: p.address,
        headerFrom: p.address,
        rcpts: [rcpt],
        subject: `Example News ${day}`,
        bodyHash: body,
        client: 'Mailwarden Newsletter/1.0',
      };
      sink.submit(at + i * 200, s);
      bouncesFor(sink, rng, at + i * 200, s, () => rng.chance(0.01));
    });
  }
}

function lastBusinessDays(org: Organisation): number[] {
  const out: number[] = [];
  for (let day = 0; day < org.days; day++) {
    const month = new Date(org.start + day * DAY + 9 * HOUR).getUTCMonth();
    let next = day + 1;
    while (next < day + 5 && [0, 6].includes(weekday(org, next))) next++;
    const nextMonth = new Date(org.start + next * DAY + 9 * HOUR).getUTCMonth();
    if (![0, 6].includes(weekday(org, day)) && nextMonth !== month) out.push(day);
  }
  return out;
}

/** The last business day of the month: one invoice per customer, attached one by one. */
function invoiceRun(org: Organisation, p: Person, rng: Rng, sink: EventSink): void {
  for (const day of lastBusinessDays(org)) {
    let at = org.start + day * DAY + 13 * HOUR + rng.int(0, 30) * MINUTE;
    const customers = p.book.slice(0, 60);
    for (const rcpt of customers) {
      at += rng.int(20, 90) * 1000;
      const s = {
        account: p.address,
        ip: p.office.ip,
        asn: p.office.asn,
        country: p.office.country,
        messageId: messageId(rng, org.domain),
        mailFrom: p.address,
        headerFrom: p.address,
        rcpts: [rcpt],
        subject: '請求書送付のご案内',
        bodyHash: rng.hex(16),
        client: p.client,
      };
      sink.submit(at, s);
      bouncesFor(sink, rng, at, s, () => rng.chance(0.005));
    }
  }
}

/** Two weeks of personal invitations to candidates, 20-45 a working day, each to someone new. */
function recruiting(org: Organisation, p: Person, rng: Rng, sink: EventSink): void {
  const first = Math.min(Math.max(1, Math.floor(org.days / 3)), org.days - 1);
  let sent = 0;
  for (let day = first; day < org.days && sent < 400; day++) {
    const wd = weekday(org, day);
    if (wd === 0 || wd === 6) continue;
    let at = org.start + day * DAY + 10 * HOUR + rng.int(0, 60) * MINUTE;
    const today = rng.int(20, 45);
    for (let i = 0; i < today; i++, sent++) {
      // Sent in sittings: a few minutes apart, with a longer break every dozen mails.
      at += (i % 12 === 11 ? rng.int(40, 120) : rng.int(2, 8)) * MINUTE;
      const domain = rng.chance(0.7) ? rng.pick(CANDIDATE_DOMAINS) : rng.pick(UNIVERSITIES);
      const s = {
        account: p.address,
        ip: p.office.ip,
        asn: p.office.asn,
        country: p.office.country,
        messageId: messageId(rng, org.domain),
        mailFrom: p.address,
        headerFrom: p.address,
        rcpts: [`cand${rng.hex(6)}@${domain}`],
        subject: '【採用】カジュアル面談のご案内',
        bodyHash: rng.hex(16),
        client: p.client,
      };
      sink.submit(at, s);
      bouncesFor(sink, rng, at, s, () => rng.chance(0.02));
    }
  }
}
