import type { DetectionConfig } from './config.js';
import { ContentCounts } from './content-counts.js';
import { domainKey, isDomainAt } from './limits.js';
import { OrgProfile } from './profile.js';
import { FingerprintIntMap, FingerprintSet, keyOf } from './fingerprint.js';
import { BoundedMap, SmallRecentSet } from './window.js';

const HOUR = 3_600_000;

/** A place (network, country, client) as the organisation knows it. */
export interface OrgPlace {
  first: number;
  firstAccount: string;
  accounts: number;
}

/** An IP's failed logins across accounts: the trace of password spraying. */
export interface SprayTrace {
  accounts: SmallRecentSet;
  last: number;
}

/** How long the accounts mailing strangers from one place new to them are counted together. */
const SHARED_PLACE_WINDOW = 6 * HOUR;

/** How long the accounts sending one body to new people are counted together. */
const SHARED_BODY_WINDOW = 6 * HOUR;

/**
 * What the organisation as a whole knows: recipients anyone has mailed, networks, countries and
 * clients anyone has used, sources of failed logins, and the accepted messages that bounces refer
 * to. A recipient or network new to one account but known to the organisation is less alarming.
 */
export class OrgMemory {
  readonly recipients: FingerprintSet;
  /** Place -> the first account seen there, so an account's own first use is not "known to the organisation". */
  readonly networks: BoundedMap<OrgPlace>;
  readonly countries: BoundedMap<OrgPlace>;
  readonly clients: BoundedMap<OrgPlace>;
  readonly failedIps: BoundedMap<SprayTrace>;
  /** IP -> accounts that submitted from it while it was new to them, within the hour. */
  readonly freshIps: BoundedMap<SmallRecentSet>;
  /**
   * Network, or `country:XX` -> accounts that mailed strangers from it while it was new to them,
   * within `SHARED_PLACE_WINDOW` (see `sharePlace`).
   */
  readonly strangerPlaces: BoundedMap<SmallRecentSet>;
  /** Accepted message id -> the `id` of the account that sent it. */
  readonly accepted: FingerprintIntMap;
  /** Accepted message id -> where it was sent from, for a message sent from a young place (`youngTag`). */
  readonly sentYoung: FingerprintIntMap;
  readonly profile = new OrgProfile();
  /**
   * Body hashes sent to new people, by how many accounts sent each within `SHARED_BODY_WINDOW`
   * ([start, accounts] per key): one text from many stolen passwords at once.
   */
  readonly sharedBodies: ContentCounts;
  readonly domains: Set<string>;
  /** The same domains in a list, and their `domainKey`s beside them. */
  private readonly domainNames: string[];
  private readonly domainKeys: number[];

  constructor(
    private readonly cfg: DetectionConfig,
    m: DetectionConfig['memory'] = cfg.memory,
  ) {
    this.recipients = new FingerprintSet(m.orgRecipients);
    this.networks = new BoundedMap(m.orgFooting);
    this.countries = new BoundedMap(m.orgFooting);
    this.sharedBodies = new ContentCounts(m.orgFooting);
    this.clients = new BoundedMap(m.orgFooting);
    this.failedIps = new BoundedMap(m.orgFooting);
    this.freshIps = new BoundedMap(m.orgFooting);
    this.strangerPlaces = new BoundedMap(m.orgFooting);
    this.accepted = new FingerprintIntMap(m.acceptedMessages);
    this.sentYoung = new FingerprintIntMap(m.acceptedMessages);
    this.domains = new Set(cfg.orgDomains.map((d) => d.toLowerCase()));
    this.domainNames = [...this.domains];
    this.domainKeys = this.domainNames.map(domainKey);
  }

  /**
   * Whether the domain of the ASCII `address` from `from` on (whose `domainKey` is `key`) is one of
   * the organisation's, as `domains.has` says of it in lower case (see `addressKeys`). The key
   * picks the candidate, the characters decide.
   */
  isOrgDomainAt(address: string, from: number, key: number): boolean {
    const keys = this.domainKeys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key && isDomainAt(address, from, this.domainNames[i])) return true;
    return false;
  }

  recordFailedLogin(ip: string, account: string, ts: number): void {
    let trace = this.failedIps.get(ip);
    if (!trace) trace = { accounts: new SmallRecentSet(this.cfg.login.sprayWindowHours * HOUR, 1024), last: ts };
    trace.accounts.add(account, ts);
    trace.last = ts;
    this.failedIps.set(ip, trace);
  }

  /** Whether someone other than `account` has used this place (as found in one of the maps above). */
  knownToOthers(place: OrgPlace | undefined, account: string): boolean {
    return place !== undefined && (place.accounts > 1 || place.firstAccount !== account);
  }

  /**
   * A place that is home to the organisation: several accounts have used it for a day or more
   * (the office, a provider most staff have at home). Arriving there is not a new footing.
   */
  isOrgHome(place: OrgPlace | undefined, ts: number): boolean {
    return place !== undefined && place.accounts >= 3 && ts - place.first >= this.cfg.network.establishHours * HOUR;
  }

  /**
   * Counts an account's first message of a body within its day (`firstForAccount`) when it goes to
   * people the account never mailed, and answers how many accounts sent that body so within the
   * window. The body's
   * fingerprint is `FP` as the account's own content count left it (the same key and kind).
   */
  sharedBody(a: number, b: number, firstForAccount: boolean, ts: number): number {
    const t = this.sharedBodies;
    const i = t.findFingerprint(a, b);
    if (i < 0) {
      if (!firstForAccount) return 0;
      t.add(ts, 1);
      return 1;
    }
    const pair = t.counts;
    if (ts - pair[2 * i] > SHARED_BODY_WINDOW) {
      pair[2 * i] = ts;
      pair[2 * i + 1] = 0;
    }
    if (firstForAccount) pair[2 * i + 1] += 1;
    return pair[2 * i + 1];
  }

  private homeCountry = false;

  /**
   * Whether some country is home to the organisation (`isOrgHome`): until then, a country new to
   * everyone is simply where the organisation starts. Once true it stays true.
   */
  hasHomeCountry(ts: number): boolean {
    if (this.homeCountry) return true;
    for (const place of this.countries.values()) if (this.isOrgHome(place, ts)) return (this.homeCountry = true);
    return false;
  }

  /** A successful login by the same account from the same IP: the failure was a typo, not spraying. */
  forgiveFailedLogin(ip: string, account: string): void {
    this.failedIps.get(ip)?.accounts.delete(account);
  }

  /**
   * Records that `account` submits from an IP new to it, and returns how many accounts did so from
   * this IP within the hour: one machine sending with several stolen passwords.
   */
  shareFreshIp(ip: string, account: string, ts: number): number {
    let accounts = this.freshIps.get(ip);
    if (!accounts) {
      accounts = new SmallRecentSet(HOUR, 64);
      this.freshIps.set(ip, accounts);
    }
    accounts.add(account, ts);
    return accounts.count(ts);
  }

  /**
   * Counts `account` among those mailing people they never mailed from a place (a network, or
   * `country:XX`) new to them (`how` 1), takes it out (-1) or only asks (0); answers how many
   * accounts count for the place within the window.
   */
  sharePlace(place: string, account: string, how: number, ts: number): number {
    let accounts = this.strangerPlaces.get(place);
    if (!accounts) {
      if (how <= 0) return 0;
      accounts = new SmallRecentSet(SHARED_PLACE_WINDOW, 1024);
      this.strangerPlaces.set(place, accounts);
    }
    if (how > 0) accounts.add(account, ts);
    else if (how < 0) accounts.delete(account);
    return accounts.count(ts);
  }

  /** The accounts counted for a place (see `sharePlace`) at `ts`, first to join first. */
  placeMembers(place: string, ts: number): string[] {
    return this.strangerPlaces.get(place)?.list(ts) ?? [];
  }

  /**
   * The last submission's finding of many accounts at one new place (`decideSubmit`), until the
   * live policy takes it (`DetectionEngine.takePlaceFinding`) to alert the administrators.
   */
  placeFinding: PlaceFinding | null = null;

  /** Number of accounts this IP failed to log into within the spray window (0 when unknown). */
  sprayBreadth(ip: string, ts: number): number {
    const trace = this.failedIps.get(ip);
    return trace ? trace.accounts.count(ts) : 0;
  }
}

/**
 * Several accounts mailing only people they never mailed, each from one place new to it (see
 * `scoreSharedPlace`), or sending one text each from a place not its own (`scoreSameContent`):
 * the mark of a list of stolen passwords, whose accounts one by one look like travellers. An
 * incident of the organisation, not of one account.
 */
export interface PlaceFinding {
  ts: string;
  /** The place as the engine keys it: a network, `country:XX`, or `body:…` for one text. */
  place: string;
  /** The place as the reasons name it: `network …`, `country XX` or `body …` (see `bodyTag`). */
  where: string;
  /** The accounts counted there within the window, first to join first. */
  accounts: string[];
}

/**
 * How the organisation's count, reasons and incidents name a message body, as one word: a body
 * hash of up to 16 printable ASCII characters as it is; a longer one (the gateway's, 32 hex
 * digits), or one with other characters, as its first 6 printable characters, `~`, and 52 bits of
 * its fingerprint, so that two bodies whose hashes share a beginning (a replay stream may name
 * bodies "campaign-2026-01-a" and "campaign-2026-01-b") are never counted as one. Leaves `FP`
 * changed.
 */
export function bodyTag(bodyHash: string): string {
  if (bodyHash.length <= 16 && /^[\x21-\x7e]+$/.test(bodyHash)) return bodyHash;
  return `${bodyHash.replace(/[^\x21-\x7e]/g, '').slice(0, 6)}~${keyOf(bodyHash).toString(36)}`;
}
