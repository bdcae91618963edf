import { describe, expect, it } from 'vitest';
import type { DetectionEngine } from '../../../src/policy/engine.js';
import { bodyTag, type PlaceFinding } from '../../../src/policy/org.js';
import { auth, contacts, DAY, engine, HOUR, MIN, submit } from './events.js';

const staff = Array.from({ length: 12 }, (_, i) => `staff${i}@example.co.jp`);

/** A week of office mail for every account, day by day, all of them in time order. */
function office(e: DetectionEngine): number {
  for (let d = 0; d < 7; d++)
    for (let h = 9; h < 17; h++)
      staff.forEach((a, i) => {
        if (h === 9) e.process(auth(a, d * DAY + 9 * HOUR - MIN + i * 1000));
        e.process(submit(a, d * DAY + h * HOUR + 5 * MIN + i * 1000, [contacts[(d + h + i) % 12], `colleague${h}@example.co.jp`]));
      });
  return 7 * DAY;
}

describe('several accounts mailing strangers from one place new to each of them', () => {
  it('holds a list of stolen passwords worked through from one country, a fresh IP and two messages per account', () => {
    const e = engine();
    let t = office(e) + 10 * HOUR;
    const verdicts: string[] = [];
    const reasons: string[] = [];
    staff.forEach((a, i) => {
      const place = { ip: `203.0.113.${20 + i}`, asn: 64_700 + i, country: 'VN' };
      e.process(auth(a, t, place));
      for (let k = 0; k < 2; k++) {
        t += MIN;
        const d = e.process(submit(a, t, [`x${i}.${k}@target${i}.example`, `y${i}.${k}@target${i + 20}.example`], place)).decision!;
        verdicts.push(d.verdict);
        reasons.push(...d.reasons);
      }
    });
    // Before: every one of the 24 accepted, each account alone a traveller writing to someone new.
    expect(verdicts.filter((v) => v === 'accept').length).toBeLessThanOrEqual(10);
    expect(verdicts.slice(-8).every((v) => v === 'hold' || v === 'reject')).toBe(true);
    expect(reasons.some((r) => /^\d+ accounts mailing people never mailed before from (country VN|network AS647\d\d), new to each of them, within 6 hours$/.test(r))).toBe(true);
    // From the tenth account of the list, the first message held restricts its account (two
    // messages each would otherwise leave them on watch, without an alert).
    expect(staff.slice(10).map((a) => e.stateOf(a))).toEqual(['restricted', 'restricted']);
  });

  it('names the accounts of the place from the fourth on, for the administrators\' alert', () => {
    const e = engine();
    let t = office(e) + 10 * HOUR;
    const found: { at: number; accounts: string[]; where: string }[] = [];
    staff.forEach((a, i) => {
      const place = { ip: `203.0.113.${20 + i}`, asn: 64_700 + i, country: 'VN' };
      e.process(auth(a, t, place));
      t += MIN;
      e.process(submit(a, t, [`x${i}@target${i}.example`], place));
      const f = e.takePlaceFinding();
      if (f) found.push({ at: i, accounts: f.accounts, where: f.where });
    });
    expect(found[0]).toEqual({ at: 3, accounts: staff.slice(0, 4), where: 'country VN' });
    expect(found.at(-1)).toEqual({ at: 11, accounts: staff, where: 'country VN' });
    // Taken once: nothing is left for the next submission.
    expect(e.takePlaceFinding()).toBeNull();
    e.process(submit(staff[0], t + MIN, [contacts[0]]));
    expect(e.takePlaceFinding()).toBeNull();
  });

  it('holds lures to colleagues sent with a list of stolen passwords from one country, one message per account', () => {
    const e = engine();
    let t = office(e) + 10 * HOUR;
    const verdicts: string[] = [];
    const reasons: string[] = [];
    staff.forEach((a, i) => {
      const place = { ip: `203.0.113.${40 + i}`, asn: 64_800 + i, country: 'VN' };
      e.process(auth(a, t, place));
      t += MIN;
      // Two colleagues this account never wrote to: internal mail does not use up a probation budget.
      const d = e.process(submit(a, t, [staff[(i + 3) % 12], staff[(i + 7) % 12]], place)).decision!;
      verdicts.push(d.verdict);
      reasons.push(...d.reasons);
    });
    // Before: all twelve accepted, and the first ones made the attacker's network known to the organisation.
    expect(verdicts.filter((v) => v === 'accept').length).toBeLessThanOrEqual(8);
    expect(verdicts.slice(-4)).toEqual(['hold', 'hold', 'hold', 'hold']);
    expect(reasons.some((r) => /accounts mailing people never mailed before from country VN/.test(r))).toBe(true);
  });

  it('restricts a list of stolen passwords sending one lure to colleagues, known and new, from a domestic provider', () => {
    const e = engine();
    let t = office(e) + 10 * HOUR;
    const verdicts: string[] = [];
    const reasons: string[] = [];
    const findings: PlaceFinding[] = [];
    staff.forEach((a, i) => {
      // One provider, a fresh IP for each account; each lure to a colleague the account writes to and one it never did.
      const place = { ip: `203.0.113.${60 + i}`, asn: 64_950, country: 'JP' };
      e.process(auth(a, t, place));
      for (let k = 0; k < 2; k++) {
        t += MIN;
        const lure = { ...place, bodyHash: 'shared-document-lure', subject: 'Shared document: Q3 review' };
        const d = e.process(submit(a, t, [`colleague${9 + ((i + k) % 8)}@example.co.jp`, staff[(i + 5 + k) % 12]], lure)).decision!;
        verdicts.push(d.verdict);
        reasons.push(...d.reasons);
        const f = e.takePlaceFinding();
        if (f) findings.push(f);
      }
    });
    // An incident of the organisation from the third account, named by the text, naming the accounts.
    const tag = bodyTag('shared-document-lure');
    expect(findings[0]).toMatchObject({ place: `body:${tag}`, where: `body ${tag}`, accounts: staff.slice(0, 3) });
    expect(findings.at(-1)!.accounts).toEqual(staff);
    // Before: all 24 accepted (a known colleague takes each account out of the place count).
    expect(verdicts.filter((v) => v === 'accept').length).toBeLessThanOrEqual(10);
    expect(reasons).toContain(`same body ${tag} from 5 accounts within 6 hours, each from a network, country or IP not its own`);
    expect(staff.slice(5).every((a) => e.stateOf(a) === 'restricted')).toBe(true);
  });

  it('names a body by one word that two bodies never share', () => {
    expect(bodyTag('9f2c1ab37d40')).toBe('9f2c1ab37d40');
    expect(bodyTag('shared-document-lure')).toMatch(/^shared~[0-9a-z]+$/);
    // Hashes with a common beginning, or of characters a word cannot hold, stay apart.
    expect(bodyTag('campaign-2026-01-a')).not.toBe(bodyTag('campaign-2026-01-b'));
    expect(bodyTag('日本')).not.toBe(bodyTag('中国'));
    expect(bodyTag('ab cd')).toMatch(/^\S+$/);
    const gateway = '9f2c1ab37d40aa11bb22cc33dd44ee55';
    expect(bodyTag(gateway)).toMatch(/^9f2c1a~[0-9a-z]+$/);
    expect(bodyTag(gateway)).not.toBe(bodyTag(`${gateway.slice(0, 31)}6`));
  });

  it('keeps the counts of two bodies whose hashes share a beginning apart', () => {
    const e = engine();
    let t = office(e) + 10 * HOUR;
    const reasons: string[] = [];
    staff.slice(0, 6).forEach((a, i) => {
      const place = { ip: `203.0.113.${80 + i}`, asn: 64_960, country: 'JP' };
      e.process(auth(a, t, place));
      t += MIN;
      // Two campaigns' bodies, three accounts each: neither reaches five.
      const body = { ...place, bodyHash: `campaign-2026-01-${i % 2 === 0 ? 'a' : 'b'}` };
      reasons.push(...e.process(submit(a, t, [`colleague${9 + (i % 8)}@example.co.jp`, staff[(i + 5) % 12]], body)).decision!.reasons);
    });
    const counts = reasons.map((r) => /^same body \S+ from (\d+) accounts within 6 hours, each/.exec(r)?.[1]).filter((n) => n !== undefined);
    expect(counts).toEqual(['3', '3']);
  });

  it('leaves colleagues alone who pass one text round from the office to colleagues new to them', () => {
    const e = engine();
    let t = office(e) + 10 * HOUR;
    const verdicts: string[] = [];
    staff.forEach((a, i) => {
      t += MIN;
      verdicts.push(e.process(submit(a, t, [staff[(i + 5) % 12], staff[(i + 7) % 12]], { bodyHash: 'party-invitation' })).decision!.verdict);
    });
    expect(verdicts.filter((v) => v !== 'accept')).toEqual([]);
  });

  it('leaves a team abroad alone that writes to the people it knows as well as to new ones', () => {
    const e = engine();
    let t = office(e) + 10 * HOUR;
    const hotel = (i: number) => ({ ip: `198.51.100.${60 + i}`, asn: 7922, country: 'US' });
    staff.slice(0, 8).forEach((a, i) => e.process(auth(a, t + i * MIN, hotel(i))));
    const verdicts: string[] = [];
    for (let k = 0; k < 6; k++)
      staff.slice(0, 8).forEach((a, i) => {
        t += 2 * MIN;
        // Half of them start with someone they know.
        const rcpts = (k + i) % 2 === 0 ? [`visitor${i}.${k}@fair${k}.example`] : [contacts[(i + k) % 12]];
        verdicts.push(e.process(submit(a, t, rcpts, hotel(i))).decision!.verdict);
      });
    expect(verdicts.filter((v) => v !== 'accept')).toEqual([]);
  });

  it('does not count the organisation\'s own country or network', () => {
    const e = engine();
    let t = office(e) + 10 * HOUR;
    const reasons: string[] = [];
    staff.forEach((a, i) => {
      // New home connections at one domestic provider, each account writing to someone new.
      const home = { ip: `60.${i}.1.2`, asn: 2516, country: 'JP' };
      t += MIN;
      reasons.push(...e.process(submit(a, t, [`new${i}@prospect${i}.example`], home)).decision!.reasons);
    });
    expect(reasons.filter((r) => / accounts mailing people never mailed before from /.test(r))).toEqual(
      reasons.filter((r) => /from network AS2516/.test(r)),
    );
    expect(reasons.some((r) => /from country JP/.test(r))).toBe(false);
  });
});
