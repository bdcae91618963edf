import type { AccountRecord } from '../account.js';
import type { DetectionConfig } from '../config.js';
import { established, hasHome, placeTag, type Footing } from '../footing.js';
import type { OrgMemory, OrgPlace } from '../org.js';
import type { BoundedMap } from '../window.js';
import type { Score, SubmitContext } from './context.js';

const HOUR = 3_600_000;
/** How long a new account without a home of its own is a newcomer (see `scoreFooting`). */
const NEWCOMER_MS = 7 * 24 * HOUR;
/** Accounts one new IP submits for within the hour before it counts as shared by an attacker. */
const SHARED_IP_ACCOUNTS = 3;

/**
 * Where a session comes from, as seen at login or submission, with what the account and the
 * organisation know of each place. The places are looked up once per event (`locate`): judging
 * and remembering an origin would otherwise repeat the same map look-ups several times.
 */
export interface Origin {
  ip: string;
  network: string;
  country?: string;
  client?: string;
  ipFooting?: Footing;
  networkFooting?: Footing;
  countryFooting?: Footing;
  clientFooting?: Footing;
  orgNetwork?: OrgPlace;
  orgCountry?: OrgPlace;
  orgClient?: OrgPlace;
}

export function locate(a: AccountRecord, org: OrgMemory, ip: string, network: string, country?: string, client?: string): Origin {
  const hasCountry = country !== undefined;
  const r = a.recall;
  const o = origin;
  o.ip = ip;
  o.network = network;
  o.country = country;
  o.client = client;
  o.ipFooting = r.ip.get(a.ips, ip);
  o.networkFooting = r.network.get(a.networks, network);
  o.countryFooting = hasCountry ? r.country.get(a.countries, country) : undefined;
  o.clientFooting = client ? r.client.get(a.clients, client) : undefined;
  o.orgNetwork = r.orgNetwork.get(org.networks, network);
  o.orgCountry = hasCountry ? r.orgCountry.get(org.countries, country) : undefined;
  o.orgClient = client ? r.orgClient.get(org.clients, client) : undefined;
  return o;
}

/** The origin of the event being judged, filled afresh by each `locate` (nothing keeps it longer). */
const origin: Origin = {
  ip: '',
  network: '',
  country: undefined,
  client: undefined,
  ipFooting: undefined,
  networkFooting: undefined,
  countryFooting: undefined,
  clientFooting: undefined,
  orgNetwork: undefined,
  orgCountry: undefined,
  orgClient: undefined,
};

/** A place first seen within the hour is new; one not yet established is merely unfamiliar. */
function freshness(f: Footing | undefined, ts: number, cfg: DetectionConfig['network']): 'new' | 'unfamiliar' | 'home' {
  if (!f || ts - f.first < HOUR) return 'new';
  return established(f, ts, cfg) ? 'home' : 'unfamiliar';
}

/**
 * New IP, network or country for this account. Points are cut when the account has no
 * established footing yet (nothing to compare with), except for a country nobody else in the
 * organisation uses, and when the organisation knows the place (a colleague's office or a shared
 * provider); none at all for an account seen first within `NEWCOMER_MS` at a place colleagues use.
 */
export function scoreFooting(c: SubmitContext, o: Origin, s: Score): void {
  const a = c.acct;
  const n = c.cfg.network;
  const own = hasHome(a, c.ts, n);
  // A new account where colleagues send from (the office, the provider most of the staff use) is
  // a new member of staff where one is expected: nothing there is new. So is everyone at the
  // office on the organisation's first day. Not a mailbox the engine has known for longer without
  // it ever sending (a leaver's, an unused shared address), taken over.
  if (!own && c.ts - a.born < NEWCOMER_MS && c.org.knownToOthers(o.orgNetwork, a.name) && (o.country === undefined || c.org.knownToOthers(o.orgCountry, a.name))) return;
  const f = own ? 1 : 0.3;
  if (freshness(o.ipFooting, c.ts, n) === 'new') s.addOrigin(5 * f, `first use of IP ${o.ip}${whereIs(c.ev.country, c.ev.asn)}`);
  const net = freshness(o.networkFooting, c.ts, n);
  const orgNet = c.org.knownToOthers(o.orgNetwork, a.name);
  if (net === 'new') s.addOrigin((orgNet ? 8 : 15) * f, `new network ${o.network}${orgNet ? ' (known to the organisation)' : ''}`);
  else if (net === 'unfamiliar') s.addOrigin(5 * f, `network ${o.network} not yet usual for this account`);
  if (o.country === undefined) return;
  const country = freshness(o.countryFooting, c.ts, n);
  const orgCountry = c.org.knownToOthers(o.orgCountry, a.name);
  // An account without a home of its own (new, or one that never sends) has nothing to compare
  // with, but a country nobody else in the organisation sends from is as foreign to it as to any
  // colleague: a dormant mailbox taken over from abroad is judged like any other.
  const fc = f < 1 && !orgCountry && c.org.hasHomeCountry(c.ts) ? 1 : f;
  if (country === 'new') s.addOrigin((orgCountry ? 10 : 20) * fc, `new country ${o.country}`);
  else if (country === 'unfamiliar') s.addOrigin(6 * fc, `country ${o.country} not yet usual for this account`);
}

/** Accepted messages only to strangers from places not yet the account's own, within a day, before they score. */
const STRANGERS_AWAY = 6;

/** Whether the submission comes from a network, or a country, not (yet) established for the account. */
export function isAway(c: SubmitContext, o: Origin): boolean {
  const n = c.cfg.network;
  return !established(o.networkFooting, c.ts, n) || (o.country !== undefined && !established(o.countryFooting, c.ts, n));
}

/** `isAway`, or from an IP the account first used within the hour (a pool's fresh exit in the account's own provider). */
export function isAwayOrNewIp(c: SubmitContext, o: Origin): boolean {
  return isAway(c, o) || freshness(o.ipFooting, c.ts, c.cfg.network) === 'new';
}

/** Whether every recipient of the submission is someone the account never mailed, one of them outside. */
export function onlyStrangers(c: SubmitContext): boolean {
  return c.external > 0 && c.unknown.length === c.rcptCount;
}

/**
 * Message after message only to people the account never mailed, from a place that is not its
 * own: what a stolen password is used for from wherever its holder is, at any pace. A person
 * away from their desk (a hotel, a new connection at home, a phone) writes to the people they
 * know as well; a probation ends on such mail, and one it never sees from there keeps counting.
 * From the sixth such message within a day (accepted ones, counted when accepted), while the
 * account's mail with known recipients from such places is under a quarter of them. Only for
 * accounts with a home to be away from and habits of their own (`learnDays`: before that, most
 * people it writes to are new to it anyway); not for declared bulk senders or campaign allowances.
 */
export function scoreStrangersAway(c: SubmitContext, o: Origin, s: Score): void {
  const a = c.acct;
  if (a.bulk || !onlyStrangers(c) || !hasHome(a, c.ts, c.cfg.network) || a.profile.confidence < 1 || !isAway(c, o)) return;
  const strangers = a.strangersAway.sum(c.ts) + 1;
  if (strangers < STRANGERS_AWAY || a.knownAway.sum(c.ts) * 4 > strangers) return;
  s.addOrigin(Math.min(30, 10 + 5 * (strangers - STRANGERS_AWAY)), `${Math.round(strangers)} messages within a day only to people never mailed before, from places not yet usual for this account`);
}

/** Where an address is, as the reasons name it next to the IP: " (VN, AS45899)", or nothing without GeoIP. */
function whereIs(country: string | undefined, asn: number | undefined): string {
  if (country === undefined) return asn === undefined ? '' : ` (AS${asn})`;
  return asn === undefined ? ` (${country})` : ` (${country}, AS${asn})`;
}

/** Several IPs sending for one account at once: a botnet sharing a password, not a person. */
export function scoreParallel(c: SubmitContext, s: Score): void {
  const n = c.cfg.network;
  const ten = c.acct.ips10m.count(c.ts);
  const hour = c.acct.ips60m.count(c.ts);
  const p10 = ten >= n.parallelIps ? Math.min(25, 10 + 5 * (ten - n.parallelIps)) : 0;
  const p60 = hour >= n.hourlyIps ? Math.min(25, 8 + 3 * (hour - n.hourlyIps)) : 0;
  if (p10 >= p60) s.addOrigin(p10, `${ten} IPs submitting for this account within 10 minutes`);
  else s.addOrigin(p60, `${hour} IPs submitting for this account within an hour`);
}

/**
 * One IP, off the footing of each of several accounts, submitting for all of them within the
 * hour: an attacker working through a list of stolen passwords. Only accounts with a home network
 * count (on a fresh deployment every place is new to everyone), and never from a network that is
 * theirs or home to the organisation (the office, a common provider), so shared offices and mobile
 * carriers stay quiet; two colleagues at one hotel stay under the threshold.
 */
export function scoreSharedIp(c: SubmitContext, o: Origin, s: Score): void {
  const n = c.cfg.network;
  if (!hasHome(c.acct, c.ts, n) || freshness(o.networkFooting, c.ts, n) === 'home' || c.org.isOrgHome(o.orgNetwork, c.ts)) return;
  const accounts = c.org.shareFreshIp(o.ip, c.acct.name, c.ts);
  if (accounts < SHARED_IP_ACCOUNTS) return;
  s.addOrigin(Math.min(25, 10 + 5 * (accounts - SHARED_IP_ACCOUNTS)), `IP ${o.ip} new to each of ${accounts} accounts sending from it within an hour`);
}

/** Accounts mailing strangers from one place new to each of them, within six hours, before it counts. */
const SHARED_PLACE_ACCOUNTS = 4;
/**
 * ...and before a message it helped to hold restricts its account: by then the place is a pool
 * an attacker works a list of passwords from, and each account in it is a stolen one. (Ten
 * colleagues abroad together, each of whose messages from there so far went to new people only,
 * would have the tenth restricted; one message to someone known takes a person out of the count.)
 */
export const SHARED_PLACE_RESTRICT = 10;
/** What a submission does to its account's place among those counted by `OrgMemory.sharePlace`. */
const JOIN = 1;
const ASK = 0;
const LEAVE = -1;

/**
 * Several accounts mailing people they never mailed, each from a network, or a country, new to it,
 * and the same one for all of them, within six hours: a list of stolen passwords worked through
 * from an attacker's pool of addresses in one provider or one country, a few messages per account
 * and a fresh IP for each, so that no account alone looks like more than a traveller writing to
 * someone new and `scoreSharedIp` never sees an IP twice. Places home to the organisation never
 * count (the office, a common provider, the home country). An account counts with mail only to
 * strangers, while most of its mail from places not its own is such, and stops counting with mail
 * to someone it knows: an offsite at a venue, or a team abroad at a trade fair, writes to the
 * people it knows as well. (A team of seven or more whose first messages from there all go to new
 * people within minutes of each other is held from about its seventh member's first message.)
 * The points go to each message to someone new from the place once four accounts count. Only
 * accounts with a home network of their own take part.
 */
export function scoreSharedPlace(c: SubmitContext, o: Origin, s: Score): void {
  const a = c.acct;
  const n = c.cfg.network;
  if (!hasHome(a, c.ts, n)) return;
  // The account takes part with mail only to strangers while its mail from places not its own is
  // mostly that (as `scoreStrangersAway` reads it), and leaves with mail to someone it knows.
  // Colleagues never written to count as strangers: a stolen list is also used to phish inside.
  const novel = c.novelAccount > 0 || c.novelInternal > 0;
  const leaves = c.unknown.length < c.rcptCount;
  const joins = !leaves && a.knownAway.sum(c.ts) * 4 <= a.strangersAway.sum(c.ts) + 1;
  if (!joins && !leaves && !novel) return;
  const who = joins ? JOIN : leaves ? LEAVE : ASK;
  let accounts = 0;
  let where = '';
  let place = '';
  if (!established(o.networkFooting, c.ts, n) && !c.org.isOrgHome(o.orgNetwork, c.ts)) {
    accounts = c.org.sharePlace(o.network, a.name, who, c.ts);
    where = `network ${o.network}`;
    place = o.network;
  }
  if (o.country !== undefined && !established(o.countryFooting, c.ts, n) && !c.org.isOrgHome(o.orgCountry, c.ts)) {
    const inCountry = c.org.sharePlace(`country:${o.country}`, a.name, who, c.ts);
    if (inCountry > accounts) {
      accounts = inCountry;
      where = `country ${o.country}`;
      place = `country:${o.country}`;
    }
  }
  if (accounts < SHARED_PLACE_ACCOUNTS || !novel) return;
  s.placeAccounts = accounts;
  s.place = place;
  s.placeWhere = where;
  s.addOrigin(Math.min(30, 10 + 5 * (accounts - SHARED_PLACE_ACCOUNTS)), `${accounts} accounts mailing people never mailed before from ${where}, new to each of them, within 6 hours`);
}

/** A mail client this account has never used, once the account has enough history to know its clients. */
export function scoreClient(c: SubmitContext, o: Origin, s: Score): void {
  const client = o.client;
  if (!client || c.acct.messages < 20 || !hasHome(c.acct, c.ts, c.cfg.network)) return;
  if (freshness(o.clientFooting, c.ts, c.cfg.network) !== 'new') return;
  s.addOrigin(c.org.knownToOthers(o.orgClient, c.acct.name) ? 6 : 10, `unusual client "${client}"`);
}

/** Failed logins on this account, and logins from an IP that failed for many accounts (spraying). */
export function scoreLogin(c: SubmitContext, ip: string, s: Score): void {
  const l = c.cfg.login;
  const fails = c.acct.failedLogins.sum(c.ts);
  if (fails >= l.failuresPerHour)
    s.addOrigin(Math.min(20, 5 + 2 * (fails - l.failuresPerHour)), `${Math.round(fails)} failed logins in the last hour`);
  const breadth = c.org.sprayBreadth(ip, c.ts);
  if (breadth >= l.sprayAccounts) s.addOrigin(30, `IP ${ip} failed logins for ${breadth} accounts`);
}

/**
 * Remembers the place of an accepted message for the account, and for the organisation only when
 * `teachOrg` (after it was judged). Only accepted mail makes a place the account's own: a login
 * proves that someone holds the password, not that the owner works from there, and a password
 * checked from abroad and used to log in again over the next days would otherwise be "home" on
 * the day it sends. Only accepted mail of an account in good standing (active, and on probation
 * only ordinary mail) teaches the organisation: the attacker's network would otherwise become
 * "known to the organisation" for the next stolen account. The entries found by `locate` are
 * still the current ones: nothing writes these maps in between.
 */
export function rememberOrigin(a: AccountRecord, org: OrgMemory, o: Origin, ts: number, teachOrg: boolean): void {
  touch(a.ips, o.ip, o.ipFooting, ts);
  const net = touch(a.networks, o.network, o.networkFooting, ts);
  REMEMBERED.network = net;
  REMEMBERED.country = undefined;
  if (teachOrg) teach(org.networks, o.orgNetwork, net, o.network, a.name, ts);
  if (o.country !== undefined) {
    const country = touch(a.countries, o.country, o.countryFooting, ts);
    REMEMBERED.country = country;
    if (teachOrg) teach(org.countries, o.orgCountry, country, o.country, a.name, ts);
  }
  if (o.client) {
    const client = touch(a.clients, o.client, o.clientFooting, ts);
    if (teachOrg) teach(org.clients, o.orgClient, client, o.client, a.name, ts);
  }
}

/** The network and country footing the last `rememberOrigin` counted a use of (read before the next call). */
export const REMEMBERED: { network: Footing | undefined; country: Footing | undefined } = { network: undefined, country: undefined };

/** Counts one more use of a place; `seen` is the entry already looked up, if any. */
function touch(map: BoundedMap<Footing>, key: string, seen: Footing | undefined, ts: number): Footing {
  if (seen) {
    seen.last = ts;
    seen.uses++;
    return seen;
  }
  const f = { first: ts, last: ts, uses: 1, taught: false, bounced: 0, tag: placeTag(key) };
  map.set(key, f);
  return f;
}

/** Counts the account at the organisation's place, once. */
function teach(orgMap: BoundedMap<OrgPlace>, place: OrgPlace | undefined, own: Footing, key: string, account: string, ts: number): void {
  if (own.taught) return;
  own.taught = true;
  if (!place) orgMap.set(key, { first: ts, firstAccount: account, accounts: 1 });
  else place.accounts++;
}

/**
 * For an account without a footing of its own (new, or one that never sends): a country nobody
 * else in the organisation uses, once the organisation has a home country, is a new footing all
 * the same. A leaver's mailbox or an unused shared address taken over from abroad would otherwise
 * send without any budget.
 */
function foreignToOrg(a: AccountRecord, org: OrgMemory, o: Origin, ts: number, cfg: DetectionConfig['network']): string | null {
  if (o.country === undefined || org.knownToOthers(o.orgCountry, a.name) || established(o.countryFooting, ts, cfg)) return null;
  if (a.earned.includes(`country:${o.country}`) || !org.hasHomeCountry(ts)) return null;
  return `country ${o.country} new to the organisation (IP ${o.ip})`;
}

/** Whether the place is outside an established footing (used by probation on login and submit). */
export function offFooting(a: AccountRecord, org: OrgMemory, o: Origin, ts: number, all: DetectionConfig): string | null {
  const cfg = all.network;
  if (a.profile.activeDays < all.probation.minHistoryDays || !hasHome(a, ts, cfg)) return foreignToOrg(a, org, o, ts, cfg);
  if (!established(o.networkFooting, ts, cfg) && !org.isOrgHome(o.orgNetwork, ts) && !a.earned.includes(o.network))
    return `new network ${o.network} (IP ${o.ip})`;
  if (o.country !== undefined && !established(o.countryFooting, ts, cfg) && !org.isOrgHome(o.orgCountry, ts) && !a.earned.includes(`country:${o.country}`))
    return `new country ${o.country} (IP ${o.ip})`;
  return null;
}
