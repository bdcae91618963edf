import type { Rng } from './prng.js';

/**
 * The simulated organisation: a Japanese company of N people with an office network, home and
 * mobile networks, address books of customers, and a few special roles (a newsletter sender,
 * accountants with a month-end invoice run, a recruiter).
 */
export const ORG_DOMAIN = 'example.co.jp';
/** JST: working hours are simulated in Japan time, events are stamped in UTC. */
export const TZ_OFFSET_MS = 9 * 3_600_000;

export interface Place {
  ip: string;
  asn: number;
  country: string;
}

export type Role = 'staff' | 'accounting' | 'hr' | 'newsletter';

export interface Trip {
  startDay: number;
  days: number;
  place: Place;
  /** Hours the traveller's local time is ahead of UTC. */
  utcOffset: number;
}

export interface Person {
  address: string;
  role: Role;
  perDay: number;
  office: Place;
  home: Place | null;
  phone: { asn: number; prefix: string } | null;
  client: string;
  phoneClient: string;
  book: string[];
  colleagues: string[];
  trip: Trip | null;
  passwordChangeDay: number | null;
}

export interface Organisation {
  domain: string;
  people: Person[];
  subscribers: string[];
  start: number;
  days: number;
}

const CLIENTS = ['Microsoft Outlook 16.0', 'Mozilla Thunderbird 115.8', 'Apple Mail (3774.400.31)', 'Microsoft Outlook 16.0'];
const PHONE_CLIENTS = ['iPhone Mail (21D61)', 'Android Gmail 2024.01', 'iPhone Mail (21D61)'];
const HOME_ISPS = [
  { asn: 4713, prefix: '153.12' },
  { asn: 2516, prefix: '106.72' },
  { asn: 17676, prefix: '126.10' },
  { asn: 2527, prefix: '220.100' },
];
const CARRIERS = [
  { asn: 9605, prefix: '49.96' },
  { asn: 2516, prefix: '111.86' },
  { asn: 17676, prefix: '126.200' },
];
const ABROAD: Array<Place & { utcOffset: number }> = [
  { ip: '', asn: 7922, country: 'US', utcOffset: -5 },
  { ip: '', asn: 3320, country: 'DE', utcOffset: 1 },
  { ip: '', asn: 4657, country: 'SG', utcOffset: 8 },
  { ip: '', asn: 45758, country: 'TH', utcOffset: 7 },
  { ip: '', asn: 3215, country: 'FR', utcOffset: 1 },
  { ip: '', asn: 4766, country: 'KR', utcOffset: 9 },
  { ip: '', asn: 3462, country: 'TW', utcOffset: 8 },
];

export const OFFICE: Place = { ip: '198.51.100.10', asn: 64500, country: 'JP' };

export function createOrganisation(rng: Rng, n: number, days: number, start: number): Organisation {
  const customers = Array.from({ length: Math.max(40, n * 2) }, (_, i) => `c${i + 1}.example.jp`);
  const addresses = Array.from({ length: n }, (_, i) => (i === 0 ? `news@${ORG_DOMAIN}` : `u${String(i).padStart(3, '0')}@${ORG_DOMAIN}`));
  const people = addresses.map((address, i) => createPerson(rng.fork(address), address, roleOf(i, n), addresses, customers, days));
  const subscribers = Array.from({ length: 600 }, (_, i) =>
    i % 3 === 0 ? `reader${i}@${rng.pick(['gmail.com', 'yahoo.co.jp', 'icloud.com'])}` : `reader${i}@${rng.pick(customers)}`,
  );
  return { domain: ORG_DOMAIN, people, subscribers, start, days };
}

function roleOf(i: number, n: number): Role {
  if (n < 5) return 'staff';
  if (i === 0) return 'newsletter';
  if (i === 1 || i === 2) return 'accounting';
  if (i === 3) return 'hr';
  return 'staff';
}

function createPerson(rng: Rng, address: string, role: Role, all: string[], customers: string[], days: number): Person {
  const bookSize = role === 'accounting' ? 90 : rng.int(20, 120);
  const book = Array.from({ length: bookSize }, () => `${rng.pick(['sato', 'suzuki', 'takahashi', 'ito', 'watanabe', 'yamamoto', 'nakamura', 'kobayashi', 'kato', 'yoshida'])}.${rng.hex(4)}@${rng.zipf(customers)}`);
  const colleagues = Array.from({ length: rng.int(5, 25) }, () => rng.pick(all)).filter((a) => a !== address);
  const isp = rng.pick(HOME_ISPS);
  const carrier = rng.pick(CARRIERS);
  const abroad = rng.pick(ABROAD);
  const tripStart = rng.int(2, Math.max(2, days - 4));
  return {
    address,
    role,
    perDay: role === 'newsletter' ? 2 : Math.max(2, Math.min(45, rng.lognormal(11, 0.6))),
    office: { ...OFFICE, ip: `198.51.100.${rng.int(10, 13)}` },
    home: rng.chance(0.4) ? { ip: `${isp.prefix}.${rng.int(0, 255)}.${rng.int(1, 254)}`, asn: isp.asn, country: 'JP' } : null,
    phone: rng.chance(0.5) ? carrier : null,
    client: rng.pick(CLIENTS),
    phoneClient: rng.pick(PHONE_CLIENTS),
    book,
    colleagues,
    trip: role === 'staff' && rng.chance(0.08)
      ? { startDay: tripStart, days: rng.int(3, 6), utcOffset: abroad.utcOffset, place: { ip: `${rng.int(20, 90)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`, asn: abroad.asn, country: abroad.country } }
      : null,
    passwordChangeDay: rng.chance(0.1) ? rng.int(1, Math.max(1, days - 1)) : null,
  };
}

/** A phone's address changes from session to session inside its carrier's block. */
export function phonePlace(rng: Rng, phone: { asn: number; prefix: string }): Place {
  return { ip: `${phone.prefix}.${rng.int(0, 255)}.${rng.int(1, 254)}`, asn: phone.asn, country: 'JP' };
}
