import { describe, expect, it } from 'vitest';
import type { StateChange, SubmitDecision } from '../../../src/events/replay.js';
import { AccountRecord } from '../../../src/policy/account.js';
import { byAdministrator, type DetectionEngine } from '../../../src/policy/engine.js';
import { OrgMemory } from '../../../src/policy/org.js';
import { addScoreToRisk } from '../../../src/policy/states.js';
import { auth, config, contacts, DAY, engine, HOUR, MIN, submit, warmUp } from './events.js';

const A = 'tanaka@example.co.jp';
const FOREIGN = { ip: '203.0.113.5', asn: 64999, country: 'BR' };

/** A blast from a foreign IP at 20 messages a second, 40 messages long. */
function blast(e: DetectionEngine, from: number, origin: object = FOREIGN) {
  const decisions: SubmitDecision[] = [];
  const changes: StateChange[] = [];
  e.process(auth(A, from - 2000, origin));
  for (let i = 0; i < 40; i++) {
    const out = e.process(submit(A, from + i * 50, [`v${i}@spam${i}.example`], { ...origin, bodyHash: 'spam', subject: 'Win', client: undefined }));
    decisions.push(out.decision!);
    changes.push(...out.changes);
  }
  return { decisions, changes };
}

describe('account states', () => {
  it('goes active -> watch -> restricted during a blast and rejects every further message', () => {
    const e = engine();
    const { decisions, changes } = blast(e, warmUp(e, A) + 10 * HOUR);
    expect(changes.map((c) => c.state)).toEqual(['watch', 'restricted']);
    expect(changes[1].reasons[0]).toMatch(/^risk \d+ reached the restriction threshold 250$/);
    const first = decisions.findIndex((d) => d.verdict === 'reject');
    expect(first).toBeGreaterThan(0);
    expect(decisions.slice(first).every((d) => d.verdict === 'reject' && d.reasons[0] === 'account restricted')).toBe(true);
    expect(decisions.filter((d) => d.verdict === 'accept').length).toBeLessThanOrEqual(5);
    expect(e.stateOf(A)).toBe('restricted');
  });

  it('holds messages whose score reaches the hold threshold', () => {
    const e = engine();
    const { decisions } = blast(e, warmUp(e, A) + 10 * HOUR);
    const held = decisions.find((d) => d.verdict === 'hold')!;
    expect(held.score).toBeGreaterThanOrEqual(55);
    expect(held.reasons[0]).toMatch(/^score \d+ at or above the hold threshold/);
  });

  it('is released by an administrator to active, with probation and suspicion cleared', () => {
    const e = engine();
    const t = warmUp(e, A) + 10 * HOUR;
    blast(e, t);
    const changes = e.release(A, new Date(Date.parse('2026-01-05T00:00:00Z') + t + 5 * MIN).toISOString(), byAdministrator('released', 'password reset'));
    expect(changes).toEqual([expect.objectContaining({ account: A, type: 'state', state: 'active', reasons: ['released by administrator: password reset'] })]);
    expect(e.inspect(A, changes[0].ts)).toEqual({ state: 'active', risk: 0, probation: null });
    expect(e.process(submit(A, t + 6 * MIN, [contacts[0]])).decision!.verdict).toBe('accept');
  });

  it('is restricted by an administrator, once', () => {
    const e = engine();
    expect(e.restrict(A, '2026-01-05T10:00:00Z', byAdministrator('restricted', 'reported phishing'))[0]).toMatchObject({ state: 'restricted', reasons: ['restricted by administrator: reported phishing'] });
    expect(e.restrict(A, '2026-01-05T10:00:01Z', 'again')).toEqual([]);
    expect(e.process(submit(A, 11 * HOUR, [contacts[0]])).decision!.verdict).toBe('reject');
  });

  it('does not change state on failed logins alone (no lock-out by mistyping)', () => {
    const e = engine();
    for (let i = 0; i < 50; i++) expect(e.process(auth(A, i * 1000, { ok: false })).changes).toEqual([]);
    expect(e.stateOf(A)).toBe('active');
  });
});

describe('shadow mode', () => {
  it('accepts everything but reports the would-have verdicts and the state changes', () => {
    const e = engine({ shadow: true });
    const { decisions, changes } = blast(e, warmUp(e, A) + 10 * HOUR);
    expect(decisions.every((d) => d.verdict === 'accept')).toBe(true);
    expect(decisions.some((d) => d.reasons[0] === 'shadow: would reject')).toBe(true);
    expect(decisions.some((d) => d.reasons[0] === 'shadow: would hold')).toBe(true);
    expect(changes.map((c) => c.state)).toEqual(['watch', 'restricted']);
  });
});

describe('probation', () => {
  it('puts an account on a small budget of new recipients after a password change', () => {
    const e = engine();
    let t = warmUp(e, A) + 10 * HOUR;
    e.process({ ts: new Date(Date.parse('2026-01-05T00:00:00Z') + t).toISOString(), type: 'credential', account: A, kind: 'password' });
    const verdicts = [];
    for (let i = 0; i < 7; i++) verdicts.push(e.process(submit(A, (t += 5 * MIN), [`fresh${i}@new.example`])).decision!);
    expect(verdicts.slice(0, 5).every((d) => d.verdict === 'accept')).toBe(true);
    expect(verdicts[5].verdict).toBe('defer');
    expect(verdicts[5].reasons[0]).toMatch(/^probation since .* \(password changed\): more than 5 new recipients in an hour$/);
  });

  it('starts after a login from a new network and ends once mail looks like the account again', () => {
    const e = engine();
    let t = warmUp(e, A) + 10 * HOUR;
    e.process(auth(A, t, { ip: '192.0.2.7', asn: 65077, country: 'DE' }));
    expect(e.inspect(A, new Date(Date.parse('2026-01-05T00:00:00Z') + t).toISOString()).probation).toBe('login from new network AS65077 (IP 192.0.2.7)');
    for (let i = 0; i < 6; i++) {
      const d = e.process(submit(A, (t += 8 * MIN), [contacts[i]], { ip: '192.0.2.7', asn: 65077, country: 'DE' })).decision!;
      expect(d.verdict).toBe('accept');
    }
    expect(e.inspect(A, new Date(Date.parse('2026-01-05T00:00:00Z') + t).toISOString()).probation).toBeNull();
  });

  it('does not take a place for the account\'s own because of logins alone: a blast after days of logins is stopped as from a new place', () => {
    const e = engine();
    const t = warmUp(e, A) + 10 * HOUR;
    // The stolen password checked from abroad three days before, then again on each day after;
    // the probation the first login started has run out when the blast begins.
    for (const d of [0, 1, 2]) e.process(auth(A, t + d * DAY, FOREIGN));
    const from = t + 3 * DAY + HOUR;
    const { decisions, changes } = blast(e, from);
    expect(decisions[0].reasons).toEqual(expect.arrayContaining(['first use of IP 203.0.113.5 (BR, AS64999)', 'new network AS64999', 'new country BR']));
    expect(decisions.filter((d) => d.verdict === 'accept').length).toBeLessThanOrEqual(5);
    expect(changes.map((c) => c.state)).toContain('restricted');
    // Mail the account sends from a place does make it its own, over the same days.
    const traveller = engine();
    const u = warmUp(traveller, A) + 10 * HOUR;
    for (const d of [0, 1, 2]) {
      traveller.process(auth(A, u + d * DAY, FOREIGN));
      for (let i = 0; i < 6; i++) traveller.process(submit(A, u + d * DAY + (i + 1) * 8 * MIN, [contacts[i]], FOREIGN));
    }
    const later = traveller.process(submit(A, u + 3 * DAY + HOUR, [contacts[7]], FOREIGN)).decision!;
    expect(later.verdict).toBe('accept');
    expect(later.reasons.join(' | ')).not.toMatch(/IP 203\.0\.113\.5|network AS64999|country BR/);
  });

  it('holds back mail from the new place, not the owner\'s mail from the office meanwhile', () => {
    // An evening login from a phone on a mobile network the account has not used, then, the next
    // morning, invitations to ten people never mailed before within the hour: from the office, or
    // from the phone's network.
    const mobile = { ip: '192.0.2.7', asn: 65077, country: 'JP' };
    const morning = (from?: object) => {
      const e = engine();
      let t = warmUp(e, A) + 13 * HOUR;
      e.process(auth(A, t, mobile));
      expect(e.inspect(A, new Date(Date.parse('2026-01-05T00:00:00Z') + t).toISOString()).probation).toMatch(/^login from new network AS65077/);
      t += 12 * HOUR;
      const out = [];
      for (let i = 0; i < 10; i++) out.push(e.process(submit(A, (t += 5 * MIN), [`candidate${i}@univ${i}.example`], from)).decision!);
      return out;
    };
    const office = morning();
    expect(office.map((d) => d.verdict)).toEqual(Array(10).fill('accept'));
    expect(office[9].reasons.join(' | ')).toMatch(/probation since/);
    const away = morning(mobile);
    expect(away.slice(0, 5).every((d) => d.verdict === 'accept')).toBe(true);
    expect(away[5].verdict).toBe('defer');
    expect(away[5].reasons[0]).toMatch(/^probation since .*: more than 5 new recipients in an hour$/);
  });

  it('holds the office to the budget too once the password changes during a probation a new place started', () => {
    const e = engine();
    let t = warmUp(e, A) + 13 * HOUR;
    e.process(auth(A, t, { ip: '192.0.2.7', asn: 65077, country: 'JP' }));
    e.process({ ts: new Date(Date.parse('2026-01-05T00:00:00Z') + t + MIN).toISOString(), type: 'credential', account: A, kind: 'password' });
    t += 12 * HOUR;
    const office = [];
    for (let i = 0; i < 7; i++) office.push(e.process(submit(A, (t += 5 * MIN), [`candidate${i}@univ${i}.example`])).decision!);
    expect(office[5].verdict).toBe('defer');
    expect(office[5].reasons[0]).toMatch(/^probation since .*: more than 5 new recipients in an hour$/);
  });

  it('does not start for a login from the account\'s usual network', () => {
    const e = engine();
    const t = warmUp(e, A) + 10 * HOUR;
    e.process(auth(A, t));
    expect(e.inspect(A, new Date(Date.parse('2026-01-05T00:00:00Z') + t).toISOString()).probation).toBeNull();
  });
});

describe('submissions refused before the engine (cluster-wide limits)', () => {
  const LIMIT = 'cluster over limit: 11 messages in a minute across all nodes (limit 10)';

  it('are deferred with the limit first, and count as attempts: a blast refused by the cluster still restricts the account', () => {
    const e = engine();
    const from = warmUp(e, A) + 10 * HOUR;
    e.process(auth(A, from - 2000, FOREIGN));
    const changes: StateChange[] = [];
    const decisions: SubmitDecision[] = [];
    for (let i = 0; i < 40; i++) {
      const out = e.refused(submit(A, from + i * 50, [`v${i}@spam${i}.example`], { ...FOREIGN, bodyHash: 'spam', subject: 'Win', client: undefined }), LIMIT);
      decisions.push(out.decision!);
      changes.push(...out.changes);
    }
    // Until the restriction every one is deferred with the limit first; the engine's own reasons follow.
    const restrictedAt = decisions.findIndex((d) => d.verdict === 'reject');
    expect(restrictedAt).toBeGreaterThan(0);
    for (const d of decisions.slice(0, restrictedAt)) {
      expect(d.verdict).toBe('defer');
      expect(d.reasons[0]).toBe(LIMIT);
    }
    expect(decisions[restrictedAt - 1].reasons.length).toBeGreaterThan(1);
    expect(changes.map((c) => c.state)).toEqual(['watch', 'restricted']);
  });

  it('teach the account nothing: their recipients stay new, and the account sends on as before', () => {
    const e = engine();
    const t = warmUp(e, A) + 10 * HOUR;
    const stranger = 'stranger@far.example';
    const refused = e.refused(submit(A, t, [stranger]), LIMIT).decision!;
    expect(refused.verdict).toBe('defer');
    // Had the refused message been learnt, the stranger would now be a known contact.
    const later = e.process(submit(A, t + 2 * HOUR, [stranger])).decision!;
    expect(later.verdict).toBe('accept');
    expect(later.reasons.join(' ')).toMatch(/never mailed before/);
    const known = e.process(submit(A, t + 3 * HOUR, [contacts[0]])).decision!;
    expect(known).toMatchObject({ verdict: 'accept', reasons: [] });
  });
});

describe('risk over a day', () => {
  const cfg = config();
  const T = Date.parse('2026-01-20T00:00:00Z');
  const run = (gapMinutes: number, score: number, count: number) => {
    const a = new AccountRecord('slow@example.co.jp', 0, cfg, new OrgMemory(cfg));
    const changes: StateChange[] = [];
    for (let i = 0; i < count && a.state !== 'restricted'; i++) {
      const ts = T + i * gapMinutes * MIN;
      changes.push(...addScoreToRisk(a, ts, new Date(ts).toISOString(), score, ['why'], cfg.scoring));
    }
    return changes;
  };

  it('restricts a run of suspicious messages too slow for the hourly risk to add up', () => {
    // 15 points over the floor every 20 minutes: the hourly risk settles near 50, never at 250.
    const changes = run(20, cfg.scoring.riskFloor + 15, 40);
    const restricted = changes.find((c) => c.state === 'restricted');
    expect(restricted?.reasons[0]).toMatch(/^risk \d+ over the last day \(half-life 24 hours\) reached the restriction threshold 250$/);
  });

  it('leaves a dozen such messages two hours apart alone, and never puts the account on watch for them', () => {
    expect(run(120, cfg.scoring.riskFloor + 15, 12)).toEqual([]);
  });
});
