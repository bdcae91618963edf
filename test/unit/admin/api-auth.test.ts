import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startApiFixture, type ApiFixture } from './api-client.js';

describe('admin API: sign-in, sessions and CSRF', () => {
  let fx: ApiFixture;
  let admin: ApiClient;

  beforeAll(async () => {
    fx = await startApiFixture({ signIn: { maxFailuresPerIp: 50, maxFailuresPerUser: 3 } });
    admin = new ApiClient(fx.base);
    expect((await admin.signIn('admin', await fx.totp('admin'))).status).toBe(200);
  });
  afterAll(() => fx.close());

  it('serves the OpenAPI document without a session, listing every route', async () => {
    const r = await new ApiClient(fx.base).call('GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.json.openapi).toBe('3.1.0');
    expect(Object.keys(r.json.paths)).toEqual(expect.arrayContaining(['/api/accounts/{address}/restrict', '/api/quarantine/release', '/api/audit/export.csv', '/api/incidents/{id}/notes']));
    expect(r.json.paths['/api/accounts/{address}/restrict'].post['x-permission']).toBe('contain');
  });

  it('refuses the API without a session, with an explanation in both languages', async () => {
    const r = await new ApiClient(fx.base).call('GET', '/api/accounts');
    expect(r.status).toBe(401);
    expect(r.json.error).toMatchObject({ code: 'UNAUTHENTICATED', message: { en: expect.any(String), ja: expect.any(String) }, fix: { en: expect.stringContaining('/api/session') } });
  });

  it('sets an HttpOnly, SameSite=Strict session cookie and answers who is signed in', async () => {
    expect(admin.setCookie).toMatch(/HttpOnly/);
    expect(admin.setCookie).toMatch(/SameSite=Strict/);
    expect(admin.setCookie).toMatch(/Max-Age=\d+/);
    const r = await admin.call('GET', '/api/session');
    expect(r.json).toMatchObject({ username: 'admin', role: 'admin', csrfToken: admin.csrf });
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('gives the same answer for a wrong code, a wrong password and an unknown name', async () => {
    const c = new ApiClient(fx.base);
    const wrongCode = await c.signIn('operator', '000000');
    const wrongPassword = await c.signIn('operator', await fx.totp('operator'), 'not the password at all');
    const unknown = await c.signIn('nobody', '123456');
    for (const r of [wrongCode, wrongPassword, unknown]) {
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe('SIGN_IN_FAILED');
    }
  });

  it('refuses a state change without the CSRF token, with a wrong one, as a form, or from another origin', async () => {
    const body = { text: 'x' };
    const noToken = await admin.call('POST', '/api/incidents/1/notes', body, { 'x-csrf-token': '' });
    expect(noToken.json.error.code).toBe('CSRF');
    const wrong = await admin.call('POST', '/api/incidents/1/notes', body, { 'x-csrf-token': `${admin.csrf}x` });
    expect(wrong.status).toBe(403);
    const form = await admin.call('POST', '/api/incidents/1/notes', 'text=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.json.error.code).toBe('UNSUPPORTED_MEDIA');
    const foreign = await admin.call('POST', '/api/incidents/1/notes', body, { origin: 'https://evil.example' });
    expect(foreign.json.error.code).toBe('BAD_ORIGIN');
    const ok = await admin.call('POST', '/api/incidents/1/notes', body);
    expect(ok.json.error.code).toBe('NOT_FOUND');
  });

  it('a recovery code works once', async () => {
    const code = fx.codes.auditor[0];
    expect((await new ApiClient(fx.base).signIn('auditor', code)).status).toBe(200);
    expect((await new ApiClient(fx.base).signIn('auditor', code)).status).toBe(401);
  });

  it('a TOTP code cannot be replayed', async () => {
    const code = await fx.totp('operator', 1);
    expect((await new ApiClient(fx.base).signIn('operator', code)).status).toBe(200);
    expect((await new ApiClient(fx.base).signIn('operator', code)).json.error.code).toBe('SIGN_IN_FAILED');
  });

  it('locks a name after repeated failures, and then a whole address', async () => {
    const c = new ApiClient(fx.base);
    for (let i = 0; i < 3; i++) await c.signIn('admin', '111111');
    const locked = await c.signIn('admin', await fx.totp('admin', 1));
    expect(locked.status).toBe(429);
    expect(locked.json.error).toMatchObject({ code: 'SIGN_IN_THROTTLED', fix: { en: expect.stringMatching(/Wait \d+ minute/) } });
    expect((await fx.store.admins.get('admin'))!.lockedUntil).not.toBeNull();
    // An unknown name locks the same way, so a lock does not reveal which names exist.
    for (let i = 0; i < 3; i++) expect((await c.signIn('ghost', '111111')).status).toBe(401);
    expect((await c.signIn('ghost', '111111')).status).toBe(429);
  });

  it('refuses an address after too many failures, whatever name it tries', async () => {
    const other = await startApiFixture({ signIn: { maxFailuresPerIp: 2 } });
    try {
      const c = new ApiClient(other.base);
      await c.signIn('a1', '111111');
      await c.signIn('a2', '111111');
      const r = await c.signIn('auditor', await other.totp('auditor'));
      expect(r.json.error.code).toBe('SIGN_IN_THROTTLED');
    } finally {
      await other.close();
    }
  });

  it('sign-out ends the session', async () => {
    const c = new ApiClient(fx.base);
    await c.signIn('auditor', fx.codes.auditor[1]);
    expect((await c.call('DELETE', '/api/session')).status).toBe(200);
    expect((await c.call('GET', '/api/session')).json.error.code).toBe('UNAUTHENTICATED');
    const actions = (await fx.store.audit.query({ actor: 'admin:auditor' })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['session.sign-in', 'session.sign-out']));
  });
});

describe('admin API: session expiry', () => {
  it('ends a session after the idle time', async () => {
    const fx = await startApiFixture({ sessionIdleMinutes: 0.005 });
    try {
      const c = new ApiClient(fx.base);
      await c.signIn('auditor', await fx.totp('auditor'));
      expect((await c.call('GET', '/api/accounts')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 450));
      const r = await c.call('GET', '/api/accounts');
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe('SESSION_EXPIRED');
    } finally {
      await fx.close();
    }
  });

  it('ends a busy session at the absolute limit', async () => {
    const fx = await startApiFixture({ sessionAbsoluteHours: 0.0002 });
    try {
      const c = new ApiClient(fx.base);
      await c.signIn('auditor', await fx.totp('auditor'));
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        statuses.push((await c.call('GET', '/api/session')).status);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(statuses[0]).toBe(200);
      expect(statuses.at(-1)).toBe(401);
    } finally {
      await fx.close();
    }
  });

  it('marks the cookie Secure with the __Host- prefix by default', async () => {
    const fx = await startApiFixture({ secureCookies: true });
    try {
      const r = await new ApiClient(fx.base).signIn('auditor', await fx.totp('auditor'));
      expect(r.headers.get('set-cookie')).toMatch(/^__Host-mw_session=.*; Secure$/);
    } finally {
      await fx.close();
    }
  });
  it('keeps sessions in the store: a session signed in on one node works on another, and signing out ends it on both', async () => {
    const fx = await startApiFixture();
    try {
      const other = await fx.secondNode();
      const a = new ApiClient(fx.base);
      expect((await a.signIn('operator', await fx.totp('operator'))).status).toBe(200);
      const b = new ApiClient(`http://127.0.0.1:${other.port}`);
      b.cookie = a.cookie;
      b.csrf = a.csrf;
      expect((await b.call('GET', '/api/session')).json).toMatchObject({ username: 'operator' });
      // the store holds the token's digest, never the token
      const token = decodeURIComponent(a.cookie.slice(a.cookie.indexOf('=') + 1));
      const digest = createHash('sha256').update(token).digest('hex');
      expect(await fx.store.admins.getSession(token)).toBeNull();
      expect(await fx.store.admins.getSession(digest)).toMatchObject({ username: 'operator' });
      expect((await b.call('DELETE', '/api/session')).status).toBe(200);
      expect((await a.call('GET', '/api/session')).status).toBe(401);
      expect(await fx.store.admins.getSession(digest)).toBeNull();
    } finally {
      await fx.close();
    }
  });
});
