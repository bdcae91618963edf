import { describe, expect, it } from 'vitest';
import { reasonListText, reasonText } from '../../../src/core/reason-text.js';
import { adminBody } from '../../../src/incidents/notify/texts.js';
import { detectionConfigSchema } from '../../../src/policy/config.js';
import { byAdministrator, DetectionEngine } from '../../../src/policy/engine.js';
import { senderReason } from '../../../src/policy/identity.js';
import { ATTACKS } from '../../../src/policy/simulation/attacks.js';
import { DEFAULT_START, simulate, simulationConfig } from '../../../src/policy/simulation/stream.js';

describe('detection reasons in Japanese', () => {
  it('renders every reason the engine writes over a month of a simulated organisation under every attack', () => {
    const sim = simulate({ accounts: 120, days: 21, seed: 3, attacks: [...ATTACKS], start: DEFAULT_START });
    const engine = new DetectionEngine(detectionConfigSchema.parse(simulationConfig(sim.org).detection));
    const reasons = new Map<string, string>();
    const keep = (r: string) => reasons.set(r.replace(/\d+/g, 'N'), r);
    for (const ev of sim.events) {
      const out = engine.process(ev);
      out.decision?.reasons.forEach(keep);
      for (const c of out.changes) c.reasons.forEach(keep);
    }
    // an administrator's own words are shown as written; here they are Japanese already
    for (const r of [...engine.restrict('a@example.co.jp', new Date(DEFAULT_START).toISOString(), byAdministrator('restricted', '本人確認中')), ...engine.release('a@example.co.jp', new Date(DEFAULT_START).toISOString(), byAdministrator('released', '確認済み'))].flatMap((c) => c.reasons)) keep(r);
    keep('hard-bounce rate 12.5% (10 of 80 recipients in 24 hours) reached 10.0%');
    // A sender the account may not use, as replay refuses it and as the gateway's SMTP session reports it.
    const spoofed = { ts: '2026-01-05T09:00:00Z', type: 'submit' as const, account: 'a@example.co.jp', ip: '192.0.2.1', messageId: '<s@x>', mailFrom: 'a@example.co.jp', headerFrom: 'ceo@example.co.jp', rcpts: ['b@example.net'] };
    new DetectionEngine(detectionConfigSchema.parse({}), { checkSenders: true }).process(spoofed).decision?.reasons.forEach(keep);
    keep(senderReason('ceo@example.co.jp', 'MAIL FROM'));
    keep(senderReason('ceo@example.co.jp', 'Sender header'));
    keep('sending at an hour this account has never sent at (one text to many recipients)');
    keep('same body from 5 accounts of the organisation within 6 hours, to people they never mailed');
    keep('same body 9f2c1ab37d40 from 5 accounts within 6 hours, each from a network, country or IP not its own');
    keep('5 messages in a row to people never mailed before, each within 3 seconds of the last');
    keep('72 messages in an hour, each on a subject of its own: more conversations than a person answers in an hour');
    keep('7 messages within a day only to people never mailed before, from places not yet usual for this account');
    keep('6 accounts mailing people never mailed before from network AS64999, new to each of them, within 6 hours');
    keep('9 accounts mailing people never mailed before from country VN, new to each of them, within 6 hours');
    keep('probation since 2026-01-17T15:00:00.000Z (login from country VN new to the organisation (IP 203.0.113.5)): more than 5 new recipients in an hour');
    // The cluster's limits lead the reasons of an attempt refused before the engine (engine.refused).
    for (const r of [
      'cluster over limit: 11 messages in a minute across all nodes (limit 10)',
      'cluster over limit: 31 recipient domains in a hour across all nodes (limit 30)',
      'local fallback over limit: 6 recipients in a minute (limit 5); limits divided by 2 while Redis is unreachable',
      'cluster: Redis unreachable; accounts on watch are deferred until it is back',
      'account restricted cluster-wide: risk 260 reached the restriction threshold 250',
    ])
      keep(r);
    expect(reasons.size).toBeGreaterThan(20);
    const untranslated = [...reasons.values()].filter((r) => reasonText(r, 'ja') === r || /[a-z]{4,}/.test(reasonText(r, 'ja').replace(/"[^"]*"|<[^>]*>|Sender|IP \S+|AS\d+|\d{4}-\d\d-\d\dT\S+|Redis/g, '')));
    expect(untranslated).toEqual([]);
  });

  it('keeps numbers and names, leaves English and unknown texts as written, and splits joined lists correctly', () => {
    expect(reasonText('first use of IP 203.0.113.5', 'ja')).toBe('IP 203.0.113.5 を初めて使用');
    expect(reasonText('first use of IP 203.0.113.5', 'en')).toBe('first use of IP 203.0.113.5');
    expect(reasonText('first use of IP 203.0.113.5 (VN, AS45899)', 'ja')).toBe('IP 203.0.113.5 (VN, AS45899) を初めて使用');
    expect(reasonText('something new', 'ja')).toBe('something new');
    expect(reasonText('86 recipients never mailed before within 24 hours (usual: up to 20 a day)', 'ja')).toBe('24 時間以内に初めての宛先 86 件 (通常は 1 日に新規 20 件まで)');
    expect(reasonText('240 messages in the 23 hours before the last (usual: up to 40 a day)', 'ja')).toBe('直前 1 時間より前の 23 時間にメール 240 通 (通常は 1 日に 40 通まで)');
    expect(reasonText('mail in 21 of the last 24 hours (usual: mail at 9 hours of the day)', 'ja')).toBe('直近 24 時間のうち 21 時間にわたって送信 (通常は 1 日のうち 9 時間帯のみ)');
    expect(reasonText('risk 252 over the last day (half-life 12.5 hours) reached the restriction threshold 250', 'ja')).toBe(
      '直近 1 日のリスク 252 (半減期 12.5 時間) が送信停止のしきい値 250 に到達',
    );
    const joined = "312 recipients in 10 minutes; this account's usual maximum is 25 recipients an hour; new country VN";
    expect(reasonListText(joined, 'ja')).toBe('10 分間に宛先 312 件。このアカウントの通常の上限は 1 時間に宛先 25 件; 新しい国 VN');
  });

  it('puts the Japanese reasons into the Japanese alert text', () => {
    const facts = { incidentId: '7', account: 'tanaka@example.co.jp', state: 'restricted' as const, ts: '2026-01-05T09:00:00Z', reasons: ['new country VN'], held: 3, sessionsClosed: 1, appPasswordsRevoked: 0, update: false };
    expect(adminBody(facts, 'ja')).toContain('  - 新しい国 VN');
    expect(adminBody(facts, 'en')).toContain('  - new country VN');
  });
});
