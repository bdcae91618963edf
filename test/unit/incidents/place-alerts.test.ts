import { describe, expect, it } from 'vitest';
import { PlaceAlerts, PLACE_INCIDENT_MS } from '../../../src/incidents/place-alerts.js';
import type { PlaceFacts } from '../../../src/incidents/notify/texts.js';
import { placeBody, placeSubject } from '../../../src/incidents/notify/texts.js';
import { placePayloadFor } from '../../../src/incidents/notify/webhook.js';
import { createLogger } from '../../../src/observability/logger.js';
import type { PlaceFinding } from '../../../src/policy/org.js';
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const staff = Array.from({ length: 20 }, (_, i) => `staff${i}@example.co.jp`);
const finding = (n: number, minutes = n, place = 'country:VN'): PlaceFinding => ({
  ts: new Date(T0 + minutes * 60_000).toISOString(),
  place,
  where: place.replace('country:', 'country '),
  accounts: staff.slice(0, n),
});

function alerts(o: { shadow?: boolean; claim?: (s: string, level: number) => Promise<boolean> } = {}) {
  const store = openSqliteStore(':memory:');
  const sent: PlaceFacts[] = [];
  const a = new PlaceAlerts({ store, logger: createLogger('silent'), notify: async (f) => void sent.push(f), claim: o.claim, shadow: o.shadow ?? false });
  return { a, sent, store };
}

describe('the alert for many accounts at one new place', () => {
  it('opens one incident at the fourth account and updates it each time the number doubles', async () => {
    const { a, sent, store } = alerts();
    for (const n of [4, 5, 6, 7, 8, 9, 12, 15, 16, 17]) a.found(finding(n));
    await a.settled();
    expect(sent.map((f) => [f.accounts.length, f.update])).toEqual([
      [4, false],
      [8, true],
      [16, true],
    ]);
    expect(new Set(sent.map((f) => f.incidentId)).size).toBe(1);
    const recorded = await store.events.query({ codes: ['incident:shared-place'] });
    expect(recorded.map((e) => [e.account, (e.data as { accounts: string[] }).accounts.length])).toEqual([
      [null, 4],
      [null, 8],
      [null, 16],
    ]);
    await store.close();
  });

  it('keeps places apart, and opens a new incident once a place has been quiet for its window', async () => {
    const { a, sent, store } = alerts();
    a.found(finding(4, 0));
    a.found(finding(4, 1, 'AS64700'));
    a.found(finding(5, 30));
    a.found(finding(4, PLACE_INCIDENT_MS / 60_000 + 31));
    await a.settled();
    expect(sent.map((f) => [f.where, f.update])).toEqual([
      ['country VN', false],
      ['AS64700', false],
      ['country VN', false],
    ]);
    expect(sent[0].incidentId).not.toBe(sent[2].incidentId);
    await store.close();
  });

  it('leaves the alert to the node that claims the level first', async () => {
    const levels: number[] = [];
    const { a, sent, store } = alerts({ claim: async (_s, level) => (levels.push(level), level !== 0) });
    a.found(finding(4));
    a.found(finding(8));
    await a.settled();
    expect(levels).toEqual([0, 1]);
    expect(sent.map((f) => f.accounts.length)).toEqual([8]);
    await store.close();
  });

  it('records the incident in shadow mode and alerts nobody', async () => {
    const { a, sent, store } = alerts({ shadow: true });
    a.found(finding(4));
    await a.settled();
    expect(sent).toEqual([]);
    expect(await store.events.query({ codes: ['incident:shadow-shared-place'] })).toHaveLength(1);
    await store.close();
  });

  it('names the place and every account, in English and Japanese, in mail and webhooks', () => {
    const f: PlaceFacts = { incidentId: 'inc-1', ts: '2026-03-02T10:04:00.000Z', where: 'country VN', accounts: staff.slice(0, 4), update: false };
    expect(placeSubject(f, 'en')).toBe('[Mailwarden] 4 accounts mailing strangers from country VN: stolen passwords?');
    expect(placeSubject(f, 'ja')).toBe('[Mailwarden] 国 VN から 4 アカウントが初めての宛先へ送信 (パスワード流出の疑い)');
    for (const lang of ['en', 'ja'] as const) {
      const body = placeBody(f, lang);
      for (const account of f.accounts) expect(body).toContain(`  - ${account}`);
      expect(body).toContain('incident: inc-1');
    }
    expect(placeBody(f, 'ja')).toContain('mailwarden account restrict アドレス --reason 理由');
    expect(placePayloadFor('json', f)).toMatchObject({ type: 'place-incident.opened', incident: f });
    expect(JSON.stringify(placePayloadFor('slack', f))).toContain('staff3@example.co.jp');
    expect(placePayloadFor('teams', f)).toMatchObject({ '@type': 'MessageCard', summary: placeSubject(f, 'en') });
  });
});
