import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/auth/password-hash.js';
import { ApiClient, startApiFixture, type ApiFixture } from './api-client.js';

const RAW = Buffer.from(
  'From: Tanaka <tanaka@example.co.jp>\r\nTo: a@customer.example\r\nSubject: =?UTF-8?B?6KaL56mN5pu4?=\r\nMessage-ID: <q1@example.co.jp>\r\n' +
    'MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello <script>alert(1)</script><b>world</b></p>\r\n',
);

describe('admin API: roles and actions', () => {
  let fx: ApiFixture;
  const as: Record<string, ApiClient> = {};

  beforeAll(async () => {
    fx = await startApiFixture();
    for (const role of ['admin', 'operator', 'auditor']) {
      as[role] = new ApiClient(fx.base);
      expect((await as[role].signIn(role, await fx.totp(role))).status).toBe(200);
    }
    await fx.store.accounts.create({ address: 'tanaka@example.co.jp', name: 'Tanaka', passwordHash: await hashPassword('x') });
    for (const id of ['q1', 'q2']) {
      await fx.store.queue.enqueue({ id, account: 'tanaka@example.co.jp', mailFrom: 'tanaka@example.co.jp', messageId: `<${id}@example.co.jp>`, rcpts: ['a@customer.example'], raw: RAW, state: 'held', reason: 'test', createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    }
  });
  afterAll(() => fx.close());

  it('an auditor reads everything but cannot act, nor read message bodies', async () => {
    const a = as.auditor;
    for (const path of ['/api/accounts', '/api/accounts/tanaka@example.co.jp', '/api/quarantine', '/api/queue', '/api/events', '/api/incidents', '/api/audit', '/api/settings', '/api/dashboard']) {
      expect((await a.call('GET', path)).status, path).toBe(200);
    }
    const refused = [
      await a.call('POST', '/api/accounts/tanaka@example.co.jp/restrict', { reason: 'x' }),
      await a.call('POST', '/api/quarantine/release', { ids: ['q1'], reason: 'x' }),
      await a.call('POST', '/api/accounts', { address: 'x@example.co.jp', password: 'y' }),
      await a.call('DELETE', '/api/accounts/tanaka@example.co.jp/app-passwords'),
      await a.call('GET', '/api/quarantine/q1'),
      await a.call('GET', '/api/admins'),
    ];
    for (const r of refused) {
      expect(r.status).toBe(403);
      expect(r.json.error).toMatchObject({ code: 'FORBIDDEN', message: { en: expect.stringContaining('auditor'), ja: expect.stringContaining('auditor') } });
    }
    expect((await fx.store.accounts.get('tanaka@example.co.jp'))!.state).toBe('active');
  });

  it('an operator handles incidents but cannot manage accounts or administrators', async () => {
    expect((await as.operator.call('POST', '/api/accounts', { address: 'x@example.co.jp', password: 'y' })).status).toBe(403);
    expect((await as.operator.call('GET', '/api/admins')).status).toBe(403);
    expect((await as.operator.call('POST', '/api/accounts/tanaka@example.co.jp/restrict', {})).status).toBe(400);
    const r = await as.operator.call('POST', '/api/accounts/tanaka@example.co.jp/restrict', { reason: 'login from an unknown network' });
    expect(r.status).toBe(200);
    expect((await fx.store.accounts.get('tanaka@example.co.jp'))!.state).toBe('restricted');
    const entry = (await fx.store.audit.query({ action: 'account.restrict', actor: 'admin:operator' }))[0];
    expect(entry).toMatchObject({ target: 'tanaka@example.co.jp', reason: 'login from an unknown network' });
  });

  it('lets an operator allow a campaign for some hours, with a reason, audited; an auditor cannot', async () => {
    const url = '/api/accounts/tanaka@example.co.jp/campaign';
    expect((await as.auditor.call('POST', url, { hours: 4, reason: 'x' })).status).toBe(403);
    expect((await as.operator.call('POST', url, { hours: 4 })).status).toBe(400);
    expect((await as.operator.call('POST', url, { hours: 73, reason: 'too long' })).status).toBe(400);
    const none = await as.operator.call('POST', url, { reason: 'no length' });
    expect(none.status).toBe(400);
    expect(none.json.error).toMatchObject({ code: 'CAMPAIGN_HOURS_REQUIRED' });
    const before = Date.now();
    const r = await as.operator.call('POST', url, { hours: 4, reason: 'seminar invitations' });
    expect(r.status).toBe(200);
    const until = Date.parse(r.json.campaign.until);
    expect(until - before).toBeGreaterThanOrEqual(4 * 3_600_000);
    expect(until - before).toBeLessThan(4 * 3_600_000 + 60_000);
    const [event] = await fx.store.events.query({ account: 'tanaka@example.co.jp', codes: ['account:campaign'], newestFirst: true, limit: 1 });
    expect(event.data).toMatchObject({ until: r.json.campaign.until, hours: 4, reason: 'seminar invitations', by: 'admin:operator' });
    expect((await fx.store.audit.query({ action: 'account.campaign', actor: 'admin:operator' }))[0]).toMatchObject({ target: 'tanaka@example.co.jp', reason: 'seminar invitations' });
    // The dashboard lists the allowances running, for every role that reads.
    expect((await as.auditor.call('GET', '/api/dashboard')).json.campaigns).toEqual([{ account: 'tanaka@example.co.jp', until: r.json.campaign.until, reason: 'seminar invitations', by: 'admin:operator' }]);
    const ended = await as.operator.call('POST', url, { end: true, reason: 'sent' });
    expect((await as.auditor.call('GET', '/api/dashboard')).json.campaigns).toEqual([]);
    expect(ended.json).toEqual({ campaign: null });
    expect((await fx.store.audit.query({ action: 'account.campaign-end', actor: 'admin:operator' }))[0]).toMatchObject({ reason: 'sent' });
  });

  it('shows a held message as headers and plain text, never HTML', async () => {
    const r = await as.operator.call('GET', '/api/quarantine/q1');
    expect(r.status).toBe(200);
    expect(r.json.content.subject).toBe('見積書');
    expect(r.json.content.headers).toContainEqual({ name: 'Subject', value: '見積書' });
    expect(r.json.content.text).toContain('world');
    expect(r.text).not.toContain('<script>');
    expect(r.text).not.toContain('<b>');
  });

  it('releases and deletes held messages in bulk, reporting each', async () => {
    const r = await as.operator.call('POST', '/api/quarantine/release', { ids: ['q1', 'nope'], reason: 'checked with the sender' });
    expect(r.json.results).toEqual([{ id: 'q1', ok: true }, { id: 'nope', ok: false, error: 'NOT_FOUND' }]);
    expect((await fx.store.queue.get('q1'))!.state).toBe('queued');
    const d = await as.operator.call('POST', '/api/quarantine/delete', { ids: ['q1', 'q2'], reason: 'spam' });
    expect(d.json.results).toEqual([{ id: 'q1', ok: false, error: 'NOT_HELD' }, { id: 'q2', ok: true }]);
    expect((await fx.store.audit.query({ action: 'quarantine.' })).map((e) => e.reason)).toEqual(['checked with the sender', 'spam']);
  });

  it('an admin adds an account only with a password the policy accepts, and creates app passwords', async () => {
    const weak = await as.admin.call('POST', '/api/accounts', { address: 'sato@example.co.jp', password: 'password1' });
    expect(weak.status).toBe(422);
    expect(weak.json.error.code).toBe('PASSWORD_REFUSED');
    expect(weak.json.error.details[0]).toMatchObject({ code: expect.stringMatching(/^password:/) });
    const ok = await as.admin.call('POST', '/api/accounts', { address: 'Sato@example.co.jp', password: 'violet kettle 山道 quietly 42' });
    expect(ok.json.account).toMatchObject({ address: 'sato@example.co.jp' });
    expect(ok.json.account.passwordHash).toBeUndefined();
    const app = await as.admin.call('POST', '/api/accounts/sato@example.co.jp/app-passwords', { label: 'iPhone' });
    expect(app.json.password).toMatch(/^[a-z]{4}(-[a-z]{4}){4}$/);
    const list = await as.auditor.call('GET', '/api/accounts/sato@example.co.jp/app-passwords');
    expect(list.json.appPasswords).toHaveLength(1);
    expect(JSON.stringify(list.json)).not.toContain('hmac');
  });

  it('exports the audit log as CSV and verifies its chain', async () => {
    const csv = await as.auditor.call('GET', '/api/audit/export.csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text).toContain('seq,ts,actor,action,target,reason,data,prevHash,hash');
    expect(csv.text).toContain('account.restrict');
    expect((await as.auditor.call('GET', '/api/audit/verify')).json).toMatchObject({ ok: true });
  });

  it('redacts secrets in the settings and says shadow mode is read-only', async () => {
    const r = await as.auditor.call('GET', '/api/settings');
    expect(r.json).toMatchObject({ runtimeChange: false, shadowMode: expect.any(Boolean) });
    // the fixture sets a server key: the API shows that one is set, never its value
    expect(r.json.config.auth.appPasswordSecret).toBe('[redacted]');
    expect(JSON.stringify(r.json)).not.toContain(fx.serverKey);
  });

  it('serves metrics and health', async () => {
    const c = new ApiClient(fx.base);
    expect((await c.call('GET', '/healthz')).json).toEqual({ status: 'ok' });
    expect((await c.call('GET', '/readyz')).json).toMatchObject({ status: 'ready' });
    expect((await c.call('GET', '/metrics')).text).toContain('mailwarden_queue_depth');
  });
});
