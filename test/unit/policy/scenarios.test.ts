import { beforeAll, describe, expect, it } from 'vitest';
import { detectionConfigSchema } from '../../../src/policy/config.js';
import { ATTACKS } from '../../../src/policy/simulation/attacks.js';
import { measure, type Measurement } from '../../../src/policy/simulation/measure.js';
import { DEFAULT_START, simulate, simulationConfig } from '../../../src/policy/simulation/stream.js';

/**
 * The product targets, asserted on a replayed simulation: a 50-account organisation over 10 days
 * (22-31 January, so that the month-end invoice run falls in it)
 * with every legitimate pattern and every attack (each on a different account).
 */
let m: Measurement;

beforeAll(() => {
  const sim = simulate({ accounts: 50, days: 10, seed: 11, attacks: [...ATTACKS], start: Date.parse('2026-01-22T00:00:00+09:00') });
  m = measure(sim, detectionConfigSchema.parse(simulationConfig(sim.org).detection));
});

const attack = (kind: string) => m.attacks.find((a) => a.kind === kind)!;

describe('detection targets on a simulated organisation', () => {
  it.each([
    ['blast', 'a new foreign IP'],
    ['sleeper', 'a foreign IP that only logged in on the three days before'],
  ])('lets at most 5 messages of a %s from %s through and restricts within 2 seconds', (kind) => {
    const a = attack(kind);
    expect(a.messages).toBe(2000);
    expect(a.accepted).toBeLessThanOrEqual(5);
    expect(a.secondsToRestriction).not.toBeNull();
    expect(a.secondsToRestriction!).toBeLessThanOrEqual(2);
  });

  it.each(['lowslow', 'hijack', 'spray'])('contains the %s attack within 50 messages', (kind) => {
    const a = attack(kind);
    expect(a.untilRestricted).not.toBeNull();
    expect(a.untilRestricted!).toBeLessThanOrEqual(50);
    expect(a.acceptedAfter).toBe(0);
  });

  it('also contains blasts it was not tuned on: from the usual IP with the usual client, and paced slowly', () => {
    for (const kind of ['blast-usual', 'blast-slow']) {
      expect(attack(kind).untilRestricted!).toBeLessThanOrEqual(50);
      expect(attack(kind).accepted).toBeLessThanOrEqual(15);
    }
  });

  /** Restricted within 50 attack messages, with at most `accepted` of them let through and none after. */
  const expectContained = (kind: string, accepted: number) => {
    const a = attack(kind);
    expect(a.untilRestricted).not.toBeNull();
    expect(a.untilRestricted!).toBeLessThanOrEqual(50);
    expect(a.accepted).toBeLessThanOrEqual(accepted);
    expect(a.acceptedAfter).toBe(0);
  };

  it.each(['internal', 'bcc', 'drip', 'proxy', 'night', 'multi', 'mixed', 'random', 'contacts'])(
    'contains the %s attack, which it was not tuned on, within 50 messages and lets at most 15 through',
    (kind) => expectContained(kind, 15),
  );

  it('contains phishing of the victim\'s contacts through a residential proxy in Japan within 50 messages', () => {
    // Here the proxy's provider is the victim's own mobile carrier: only the IP is new, the
    // recipients are real contacts, so it takes the pace and the repeated text (17 accepted).
    expectContained('contacts-proxy', 20);
  });

  it('contains a hijacked client paced under the hourly limits (a new text every 5-15 minutes, day and night) within 50 messages', () => {
    // The victim here has one week of history: 41 accepted, restricted at the 43rd.
    expectContained('trickle', 45);
  });

  it('holds a list of stolen passwords worked through from one provider abroad, two messages per account, once a few accounts have used it', () => {
    // Each account alone is a traveller writing to someone new; every message passed before the
    // organisation counted the accounts mailing strangers from one place new to each of them.
    const a = attack('list');
    expect(a.messages).toBeGreaterThanOrEqual(20);
    expect(a.accepted).toBeLessThanOrEqual(Math.ceil(a.messages / 3));
  });

  it('holds lateral phishing with a list of stolen passwords, one lure to known and new colleagues, once a few accounts have sent it', () => {
    // Twenty accounts: an organisation of its own, as large as the target's. Every message carries
    // a colleague the account writes to, from a provider home to colleagues: all 40 passed before
    // the organisation counted the accounts sending one body from places, or IPs, not theirs.
    const sim = simulate({ accounts: 200, days: 30, seed: 1, attacks: ['lateral'], start: DEFAULT_START });
    const lateral = measure(sim, detectionConfigSchema.parse(simulationConfig(sim.org).detection));
    const a = lateral.attacks[0];
    expect(a.messages).toBe(40);
    expect(a.accepted).toBeLessThanOrEqual(10);
    expect(lateral.legit.restrictedAccounts).toEqual([]);
    expect(lateral.legit.deferred + lateral.legit.held).toBe(0);
  });

  it('contains malware answering the threads of a mailbox from the victim\'s desk, and a list paced up over days, in the target\'s organisation', () => {
    // Both run past the 50-account organisation's staff (the lists above take 40 accounts) or its
    // ten days (the ramp runs eight). Before their signals: 185-235 and 45-56 accepted.
    const sim = simulate({ accounts: 200, days: 30, seed: 2, attacks: ['threads', 'ramp'], start: DEFAULT_START });
    const both = measure(sim, detectionConfigSchema.parse(simulationConfig(sim.org).detection));
    const [threads, ramp] = both.attacks;
    expect(threads.messages).toBe(400);
    expect(threads.untilRestricted!).toBeLessThanOrEqual(80);
    expect(threads.accepted).toBeLessThanOrEqual(70);
    expect(ramp.messages).toBe(715);
    expect(ramp.untilRestricted!).toBeLessThanOrEqual(50);
    expect(ramp.accepted).toBeLessThanOrEqual(30);
    for (const a of [threads, ramp]) expect(a.acceptedAfter).toBe(0);
    expect(both.legit.restrictedAccounts).toEqual([]);
    expect(both.legit.deferred + both.legit.held).toBe(0);
  });

  it('restricts no honest account and defers or holds fewer than 1 in 10,000 honest messages', () => {
    expect(m.legit.restrictedAccounts).toEqual([]);
    expect(m.legit.submits).toBeGreaterThan(2000);
    expect((m.legit.deferred + m.legit.held) / m.legit.submits).toBeLessThan(1 / 10_000);
    expect(m.legit.rejected).toBe(0);
  });
});

describe('detection targets on a stream with only the fields the replay contract requires', () => {
  // No `asn` or `country` (networks by /24), no subject, body hash, client or size: what a stream
  // written to DESIGN.md's example alone carries. The organisation of the target itself: 200
  // accounts over 30 days (a phone's new /24 on a fresh deployment's second day can defer one
  // message, which a smaller sample cannot absorb).
  let bare: Measurement;
  beforeAll(() => {
    const sim = simulate({ accounts: 200, days: 30, seed: 1, attacks: [...ATTACKS], start: DEFAULT_START });
    const events = sim.events.map((e) => {
      const { asn: _asn, country: _country, subject: _subject, bodyHash: _body, client: _client, size: _size, ...rest } = e as unknown as Record<string, unknown>;
      return rest as unknown as (typeof sim.events)[number];
    });
    bare = measure({ ...sim, events }, detectionConfigSchema.parse(simulationConfig(sim.org).detection));
  });
  const kindOf = (kind: string) => bare.attacks.find((a) => a.kind === kind)!;

  it('still stops the blast within 5 messages and 2 seconds, and every other attack within 50 messages', () => {
    expect(kindOf('blast').accepted).toBeLessThanOrEqual(5);
    expect(kindOf('blast').secondsToRestriction!).toBeLessThanOrEqual(2);
    // A list of stolen passwords used from one provider, a fresh IP per account, is seen only by
    // the network and country that GeoIP gives; without them each account is on its own (a known
    // limit, docs/detection.md). So is lateral phishing with one lure, seen by its body hash, and
    // malware answering the mailbox's threads, seen by its subjects.
    for (const a of bare.attacks.filter((x) => x.kind !== 'list' && x.kind !== 'lateral' && x.kind !== 'threads')) {
      expect(a.untilRestricted, a.kind).not.toBeNull();
      expect(a.untilRestricted!, a.kind).toBeLessThanOrEqual(50);
      expect(a.acceptedAfter, a.kind).toBe(0);
    }
  });

  it('restricts no honest account and defers or holds fewer than 1 in 10,000 honest messages', () => {
    expect(bare.legit.restrictedAccounts).toEqual([]);
    expect((bare.legit.deferred + bare.legit.held) / bare.legit.submits).toBeLessThan(1 / 10_000);
    expect(bare.legit.rejected).toBe(0);
  });
});
