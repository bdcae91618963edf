import { describe, expect, it } from 'vitest';
import { listPlaceIncidents } from '../../../src/admin/incidents.js';
import { PlaceAlerts, PLACE_INCIDENT_MS } from '../../../src/incidents/place-alerts.js';
import type { IncidentFacts } from '../../../src/incidents/notify/texts.js';
import { notificationsConfigSchema } from '../../../src/incidents/notify/config.js';
import { Notifier } from '../../../src/incidents/notify/notifier.js';
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

function alerts(o: { shadow?: boolean; claim?: (s: string, level: number) => Promise<boolean>; notedReportMs?: number } = {}) {
  const store = openSqliteStore(':memory:');
  const sent: PlaceFacts[] = [];
  const a = new PlaceAlerts({ store, logger: createLogger('silent'), notify: async (f) => void sent.push(f), claim: o.claim, shadow: o.shadow ?? false, restrictedUpdateMs: 300, notedReportMs: o.notedReportMs });
  return { a, sent, store };
}

/** An account's restriction as the notifier sees it, for a submission that scored the place signal (or not). */
const restriction = (account: string, where: string | null): IncidentFacts => ({
  incidentId: `i-${account}`,
  account,
  state: 'restricted',
  ts: new Date().toISOString(),
  reasons: ['risk 260 reached the restriction threshold 250', ...(where ? [`12 accounts mailing people never mailed before from ${where}, new to each of them, within 6 hours`] : []), 'first use of IP 14.160.1.9'],
  held: 1,
  sessionsClosed: 0,
  appPasswordsRevoked: 0,
  update: false,
});

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
    // The console lists it once: its latest report, since its first.
    const [listed, ...more] = await listPlaceIncidents(store);
    expect(more).toEqual([]);
    expect(listed).toMatchObject({ incidentId: sent[0].incidentId, openedAt: recorded[0].ts, lastAt: recorded[2].ts, where: 'country VN', accounts: staff.slice(0, 16), restricted: [], shadow: false });
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

  it('names the incident as the cluster does', async () => {
    const store = openSqliteStore(':memory:');
    const sent: PlaceFacts[] = [];
    const asked: string[] = [];
    const shareId = async (subject: string, proposed: string) => (asked.push(`${subject} ${proposed.length}`), 'named-by-node-a');
    const a = new PlaceAlerts({ store, logger: createLogger('silent'), notify: async (f) => void sent.push(f), shareId, shadow: false });
    a.found(finding(4));
    a.found(finding(8));
    await a.settled();
    expect(sent.map((f) => f.incidentId)).toEqual(['named-by-node-a', 'named-by-node-a']);
    // Asked once, with this node's own proposal (a UUID).
    expect(asked).toEqual(['place:country:VN 36']);
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

  it('folds the restriction alerts of the incident\'s accounts into updates of the incident, at most one per period', async () => {
    const { a, sent, store } = alerts();
    // Nothing open yet, another place, a restriction for other reasons: not folded.
    expect(a.fold(restriction(staff[0], 'country VN'))).toBe(false);
    a.found(finding(4));
    await a.settled();
    expect(a.fold(restriction(staff[1], 'country US'))).toBe(false);
    expect(a.fold(restriction(staff[2], null))).toBe(false);
    expect(a.fold({ ...restriction(staff[2], 'country VN'), state: 'watch' })).toBe(false);
    // Two restrictions at once: one update naming the first; the second waits for the period.
    expect(a.fold(restriction(staff[9], 'country VN'))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    await a.settled();
    expect(a.fold(restriction(staff[10], 'country VN'))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    await a.settled();
    expect(sent.map((f) => f.restricted)).toEqual([[], [staff[9]]]);
    await new Promise((r) => setTimeout(r, 400));
    await a.settled();
    expect(sent.map((f) => f.restricted)).toEqual([[], [staff[9]], [staff[9], staff[10]]]);
    expect(sent.every((f) => f.incidentId === sent[0].incidentId)).toBe(true);
    // A restricted account the finding had not named yet joins the incident's accounts.
    expect(sent[2].accounts).toEqual([...staff.slice(0, 4), staff[9], staff[10]]);
    expect(placeBody(sent[2], 'en')).toContain('Restricted so far');
    expect(placeBody(sent[2], 'ja')).toContain('これまでに送信停止したアカウント');
    a.stop();
    await store.close();
  });

  it('takes another node\'s report: folds this node\'s restrictions into that incident and never reports a level reported', async () => {
    const levels: number[] = [];
    const { a, sent, store } = alerts({ claim: async (_s, level) => (levels.push(level), true) });
    const ts = new Date(T0 + 4 * 60_000).toISOString();
    a.learnt({ incidentId: 'reported-by-node-a', ts, where: 'country VN', accounts: staff.slice(0, 4), restricted: [staff[1]], update: false });
    // This node's engine finds the same place from the same inputs: already reported, nothing sent.
    a.found(finding(5));
    await a.settled();
    expect(sent).toEqual([]);
    expect(levels).toEqual([]);
    // A restriction decided here for the place: one update of the same incident, naming the
    // restriction the other node told and this one.
    expect(a.fold(restriction(staff[4], 'country VN'))).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    await a.settled();
    expect(sent.map((f) => [f.incidentId, f.restricted])).toEqual([['reported-by-node-a', [staff[1], staff[4]]]]);
    // The next level is this node's to report if it claims it first, under the same id.
    a.found(finding(8));
    await a.settled();
    expect(levels).toEqual([1]);
    expect(sent.map((f) => [f.incidentId, f.accounts.length])).toEqual([['reported-by-node-a', 5], ['reported-by-node-a', 8]]);
    a.stop();
    await store.close();
  });

  it('takes the id of another node\'s report for an incident it opened itself but did not report', async () => {
    const { a, sent, store } = alerts({ claim: async () => false });
    a.found(finding(4));
    await a.settled();
    expect(sent).toEqual([]);
    a.learnt({ incidentId: 'reported-by-node-a', ts: new Date(T0 + 5 * 60_000).toISOString(), where: 'country VN', accounts: staff.slice(0, 4), restricted: [], update: false });
    expect(a.fold(restriction(staff[6], 'country VN'))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    await a.settled();
    expect(sent.map((f) => [f.incidentId, f.restricted])).toEqual([['reported-by-node-a', [staff[6]]]]);
    a.stop();
    await store.close();
  });

  it('opens, but does not report at once, an incident found from another node\'s submission; folds into it all the same', async () => {
    const { a, sent, store } = alerts();
    a.noted(finding(4));
    a.noted(finding(8));
    await a.settled();
    expect(sent).toEqual([]);
    expect(a.fold(restriction(staff[9], 'country VN'))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    await a.settled();
    expect(sent.map((f) => [f.accounts.length, f.restricted])).toEqual([[9, [staff[9]]]]);
    // The level was noted: this node's own finding at that level reports nothing more.
    a.found(finding(8));
    await a.settled();
    expect(sent).toHaveLength(1);
    a.stop();
    await store.close();
  });

  it('reports a level noted from another node\'s submission when no node\'s report of it comes (that node stopped), through the same claim', async () => {
    const wait = async (ms: number) => {
      await new Promise((r) => setTimeout(r, ms));
      await a.settled();
    };
    const claimed: [string, number][] = [];
    const { a, sent, store } = alerts({ notedReportMs: 100, claim: async (subject, level) => (claimed.push([subject, level]), true) });
    a.noted(finding(4));
    await wait(30);
    expect(sent).toEqual([]);
    await wait(150);
    expect(sent.map((f) => [f.accounts.length, f.update])).toEqual([[4, false]]);
    expect(claimed).toEqual([['place:country:VN', 0]]);
    // The next level noted, and the deciding node's report of it arriving in time: nothing more from here.
    a.noted(finding(8));
    a.learnt({ incidentId: sent[0].incidentId, ts: new Date(T0 + 8 * 60_000).toISOString(), where: 'country VN', accounts: staff.slice(0, 8), restricted: [], update: true });
    await wait(200);
    expect(sent).toHaveLength(1);
    // Another node claimed the level first (it reported, its report not yet read here): not reported twice.
    const other = alerts({ notedReportMs: 50, claim: async () => false });
    other.a.noted(finding(4));
    await new Promise((r) => setTimeout(r, 120));
    await other.a.settled();
    expect(other.sent).toEqual([]);
    a.stop();
    other.a.stop();
    await store.close();
    await other.store.close();
  });

  it('folds nothing in shadow mode', async () => {
    const { a, store } = alerts({ shadow: true });
    a.found(finding(4));
    await a.settled();
    expect(a.fold(restriction(staff[5], 'country VN'))).toBe(false);
    await store.close();
  });

  it('mails the owner of a folded restriction, and not the administrators', async () => {
    const store = openSqliteStore(':memory:');
    const config = notificationsConfigSchema.parse({ adminEmails: ['it@example.co.jp'] });
    const notifier = new Notifier({ config, store, logger: createLogger('silent'), hostname: 'mw.example.co.jp', lang: 'en', lifetimeHours: 24 });
    notifier.fold = (f) => f.account === staff[0];
    const evidence = { held: [], sessionsClosed: 0, appPasswordsRevoked: 0 };
    for (const account of staff.slice(0, 2)) await notifier.notify({ ts: new Date().toISOString(), account, type: 'state', state: 'restricted', reasons: ['test'] }, evidence);
    const mails = await store.queue.list({ state: 'queued', limit: 10 });
    expect(mails.map((m) => m.recipients.map((r) => r.address).join(',')).sort()).toEqual(['it@example.co.jp', staff[0], staff[1]].sort());
    await store.close();
  });

  it('opens one incident for one text sent from many places, and folds its accounts\' restrictions into it', async () => {
    const { a, sent, store } = alerts();
    const text = (n: number): PlaceFinding => ({ ts: new Date(T0 + n * 60_000).toISOString(), place: 'body:9f2c1ab37d40', where: 'body 9f2c1ab37d40', accounts: staff.slice(0, n) });
    a.found(text(3));
    a.found(text(4));
    await a.settled();
    expect(sent.map((f) => [f.where, f.accounts.length])).toEqual([['body 9f2c1ab37d40', 3]]);
    const reasons = ['risk 260 reached the restriction threshold 250', 'same body 9f2c1ab37d40 from 5 accounts within 6 hours, each from a network, country or IP not its own'];
    expect(a.fold({ ...restriction(staff[4], null), reasons })).toBe(true);
    // Another text, or a place, is another incident.
    expect(a.fold({ ...restriction(staff[5], null), reasons: [reasons[0], reasons[1].replace('9f2c1ab37d40', '000000000000')] })).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    await a.settled();
    expect(sent.map((f) => f.restricted)).toEqual([[], [staff[4]]]);
    expect(new Set(sent.map((f) => f.incidentId)).size).toBe(1);
    const [mail] = sent;
    expect(placeSubject(mail, 'en')).toBe('[Mailwarden] 3 accounts sending one text from places not their own: stolen passwords?');
    expect(placeSubject(mail, 'ja')).toBe('[Mailwarden] 3 アカウントが普段と異なる送信元から同一本文を送信 (パスワード流出の疑い)');
    expect(placeBody(mail, 'en')).toContain('3 accounts had sent one text (body 9f2c1ab37d40) to people they never mailed before within 6 hours');
    expect(placeBody(mail, 'ja')).toContain('同一本文 (本文 9f2c1ab37d40) をこれまで送ったことのない相手へ送信しています');
    expect(placeBody(mail, 'en')).toContain('from five accounts on');
    // The console's list of the organisation's incidents.
    const [listed] = await listPlaceIncidents(store, new Date(T0 - 60_000).toISOString());
    expect(listed).toMatchObject({ where: 'body 9f2c1ab37d40', restricted: [staff[4]] });
    a.stop();
    await store.close();
  });

  it('names the place and every account, in English and Japanese, in mail and webhooks', () => {
    const f: PlaceFacts = { incidentId: 'inc-1', ts: '2026-03-02T10:04:00.000Z', where: 'country VN', accounts: staff.slice(0, 4), restricted: [], update: false };
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
