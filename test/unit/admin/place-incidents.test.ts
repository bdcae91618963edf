import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startApiFixture, type ApiFixture } from './api-client.js';

const RAW = Buffer.from('From: a@example.co.jp\r\nTo: x@elsewhere.example\r\nSubject: lure\r\nMessage-ID: <h1@example.co.jp>\r\n\r\nclick\r\n');
const NAMED = ['ito@example.co.jp', 'kato@example.co.jp', 'mori@example.co.jp', 'ueda@example.co.jp', 'gone@example.co.jp'];
const ID = '3f1c2a9e-6b1d-4a52-9a0e-0d6c1f1f7a10';

describe('admin API: an incident of the organisation (a list of stolen passwords)', () => {
  let fx: ApiFixture;
  const as: Record<string, ApiClient> = {};
  const url = `/api/place-incidents/${ID}`;

  beforeAll(async () => {
    fx = await startApiFixture();
    for (const role of ['admin', 'operator', 'auditor']) {
      as[role] = new ApiClient(fx.base);
      expect((await as[role].signIn(role, await fx.totp(role))).status).toBe(200);
    }
    for (const address of NAMED.slice(0, 4)) await fx.store.accounts.create({ address, name: address, passwordHash: 'x' });
    await fx.store.accounts.update(NAMED[1], { state: 'restricted' });
    await fx.store.queue.enqueue({ id: 'h1', account: NAMED[0], mailFrom: NAMED[0], messageId: '<h1@example.co.jp>', rcpts: ['x@elsewhere.example'], raw: RAW, state: 'held', reason: 'test', createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    // The opening report at four accounts, then an update naming a fifth and the one restricted; another incident beside it.
    const t0 = Date.now() - 600_000;
    const report = (ms: number, accounts: string[], restricted: string[], incidentId = ID) =>
      fx.store.events.append({ ts: new Date(ms).toISOString(), code: 'incident:shared-place', account: null, data: { incidentId, ts: new Date(ms).toISOString(), where: 'country VN', accounts, restricted, update: restricted.length > 0 } });
    await report(t0, NAMED.slice(0, 4), []);
    await report(t0 + 1000, ['someone@example.co.jp'], [], 'another-incident');
    await report(t0 + 300_000, NAMED, [NAMED[1]]);
  });
  afterAll(() => fx.close());

  it('gives every account named with its state now and its held mail, and each report, oldest first', async () => {
    const r = await as.auditor.call('GET', url);
    expect(r.status).toBe(200);
    const p = r.json.placeIncident;
    expect(p).toMatchObject({ incidentId: ID, where: 'country VN', accounts: NAMED, restricted: [NAMED[1]], shadow: false });
    expect(Date.parse(p.openedAt)).toBeLessThan(Date.parse(p.lastAt));
    expect(p.members).toEqual([
      { address: NAMED[0], state: 'active', held: 1 },
      { address: NAMED[1], state: 'restricted', held: 0 },
      { address: NAMED[2], state: 'active', held: 0 },
      { address: NAMED[3], state: 'active', held: 0 },
      { address: NAMED[4], state: null, held: 0 },
    ]);
    expect(p.reports.map((x: { accounts: number; restricted: number }) => [x.accounts, x.restricted])).toEqual([[4, 0], [5, 1]]);
    expect(p.notes).toEqual([]);
    expect(p.checklist['reset-password']).toEqual({ done: false, by: null, ts: null });
  });

  it('answers 404 for an incident it does not know and 400 for an id that cannot be one', async () => {
    expect((await as.auditor.call('GET', '/api/place-incidents/no-such-incident')).json.error.code).toBe('NOT_FOUND');
    expect((await as.auditor.call('GET', '/api/place-incidents/a%20b')).status).toBe(400);
  });

  it('refuses the actions to an auditor', async () => {
    expect((await as.auditor.call('POST', `${url}/restrict`, { reason: 'x' })).status).toBe(403);
    expect((await as.auditor.call('POST', `${url}/notes`, { text: 'x' })).status).toBe(403);
    expect((await as.auditor.call('POST', `${url}/checklist`, { item: 'reset-password', done: true })).status).toBe(403);
    expect((await fx.store.accounts.get(NAMED[0]))!.state).toBe('active');
  });

  it('restricts, with one reason, every account named that is not restricted yet, each recorded and audited', async () => {
    expect((await as.operator.call('POST', `${url}/restrict`, {})).status).toBe(400);
    const r = await as.operator.call('POST', `${url}/restrict`, { reason: 'passwords leaked in one list' });
    expect(r.status).toBe(200);
    expect(r.json.accounts).toEqual([
      { address: NAMED[0], result: 'restricted', held: 1 },
      { address: NAMED[1], result: 'already', held: 0 },
      { address: NAMED[2], result: 'restricted', held: 0 },
      { address: NAMED[3], result: 'restricted', held: 0 },
      { address: NAMED[4], result: 'missing', held: 0 },
    ]);
    for (const a of [NAMED[0], NAMED[2], NAMED[3]]) {
      expect(await fx.store.accounts.get(a)).toMatchObject({ state: 'restricted', mustChangePassword: true });
      const [e] = await fx.store.events.query({ account: a, codes: ['account:restricted'], newestFirst: true, limit: 1 });
      expect(e.data).toMatchObject({ reason: 'passwords leaked in one list', by: 'admin:operator', placeIncident: ID });
    }
    // The account already restricted was left as it was: no second restriction recorded.
    expect(await fx.store.events.query({ account: NAMED[1], codes: ['account:restricted'], limit: 10 })).toEqual([]);
    const [entry] = await fx.store.audit.query({ action: 'place-incident.restrict' });
    expect(entry).toMatchObject({ actor: 'admin:operator', target: ID, reason: 'passwords leaked in one list' });
    expect(entry.data).toMatchObject({ where: 'country VN', restricted: [NAMED[0], NAMED[2], NAMED[3]] });
    expect((await fx.store.audit.query({ action: 'account.restrict' })).map((e) => e.target).sort()).toEqual([NAMED[0], NAMED[2], NAMED[3]].sort());
    // A second time there is nothing left to do.
    const again = await as.operator.call('POST', `${url}/restrict`, { reason: 'again' });
    expect(again.json.accounts.map((a: { result: string }) => a.result)).toEqual(['already', 'already', 'already', 'already', 'missing']);
    expect((await as.auditor.call('GET', url)).json.placeIncident.members.map((m: { state: string | null }) => m.state)).toEqual(['restricted', 'restricted', 'restricted', 'restricted', null]);
  });

  it('keeps notes and a checklist of its own, apart from the accounts\' incidents', async () => {
    expect((await as.operator.call('POST', `${url}/notes`, { text: '   ' })).status).toBe(400);
    expect((await as.operator.call('POST', `${url}/notes`, { text: 'asked all five; nobody was in Vietnam' })).status).toBe(200);
    expect((await as.operator.call('POST', `${url}/checklist`, { item: 'reset-password', done: true })).status).toBe(200);
    expect((await as.operator.call('POST', `${url}/checklist`, { item: 'no-such-step', done: true })).status).toBe(400);
    const p = (await as.auditor.call('GET', url)).json.placeIncident;
    expect(p.notes).toEqual([{ ts: expect.any(String), by: 'admin:operator', text: 'asked all five; nobody was in Vietnam' }]);
    expect(p.checklist['reset-password']).toMatchObject({ done: true, by: 'admin:operator' });
    expect(p.checklist['check-devices'].done).toBe(false);
    const other = (await as.auditor.call('GET', '/api/place-incidents/another-incident')).json.placeIncident;
    expect(other.notes).toEqual([]);
    expect(other.checklist['reset-password'].done).toBe(false);
    expect((await fx.store.audit.query({ action: 'place-incident.note' }))[0]).toMatchObject({ target: ID, actor: 'admin:operator' });
  });

  it('is in the OpenAPI document with the permission each route needs', async () => {
    const paths = (await as.auditor.call('GET', '/api/openapi.json')).json.paths;
    expect(paths['/api/place-incidents/{id}'].get['x-permission']).toBe('read');
    expect(paths['/api/place-incidents/{id}/restrict'].post['x-permission']).toBe('contain');
    expect(paths['/api/place-incidents/{id}/notes'].post['x-permission']).toBe('incident-notes');
  });
});
