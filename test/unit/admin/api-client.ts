import { randomBytes } from 'node:crypto';
import { createAdmin, totpOf } from '../../../src/admin/admins.js';
import { adminSeal } from '../../../src/admin/totp-seal.js';
import { startAdminServer, type AdminServer, type AdminServerOptions } from '../../../src/admin/server.js';
import { parseConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/observability/logger.js';
import type { AdminRole, Store } from '../../../src/storage/ports/index.js';
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';

export const ADMIN_PASSWORD = 'violet kettle 山道 quietly 42';

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A signed-in (or not) API caller that keeps its cookie and CSRF token like the console does. */
export class ApiClient {
  cookie = '';
  csrf = '';
  setCookie = '';

  constructor(readonly base: string) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers; text: string }> {
    const h: Record<string, string> = { ...(this.cookie ? { cookie: this.cookie } : {}), ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}) };
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(this.base + path, { method, headers: { ...h, ...headers }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: parseJson(text), headers: res.headers, text };
  }

  async signIn(username: string, code: string, password = ADMIN_PASSWORD) {
    const r = await this.call('POST', '/api/session', { username, password, code });
    if (r.status === 200) {
      this.setCookie = r.headers.get('set-cookie') ?? '';
      this.cookie = this.setCookie.split(';')[0];
      this.csrf = r.json.csrfToken;
    }
    return r;
  }
}

export interface ApiFixture {
  store: Store;
  server: AdminServer;
  base: string;
  codes: Record<string, string[]>;
  /** A second admin server on the same store, as another node of the deployment would run. */
  secondNode(): Promise<AdminServer>;
  /** The app-password server key of the fixture's configuration (it also seals TOTP secrets). */
  serverKey: string;
  totp(username: string, offsetSteps?: number): Promise<string>;
  close(): Promise<void>;
}

/** An admin server on 127.0.0.1:0 over an in-memory store, with one administrator per role. */
export async function startApiFixture(admin: Record<string, unknown> = {}, extra: Partial<AdminServerOptions> = {}): Promise<ApiFixture> {
  const store = openSqliteStore(':memory:');
  // a server key of its own, so that the fixture writes no key file
  const serverKey = randomBytes(32).toString('base64url');
  const config = { ...parseConfig({ lang: 'en', admin: { port: 0, secureCookies: false, ...admin }, auth: { appPasswordSecret: serverKey } }), configDir: process.cwd() };
  const seal = adminSeal(config);
  const codes: Record<string, string[]> = {};
  for (const role of ['admin', 'operator', 'auditor'] as AdminRole[]) {
    const r = await createAdmin(store, { username: role, role, password: ADMIN_PASSWORD, issuer: 'Mailwarden' }, seal);
    if (!r.ok) throw new Error(`fixture admin ${role} refused`);
    codes[role] = r.enrolment.recoveryCodes;
  }
  const server = await startAdminServer({ config, store, logger: createLogger('silent'), ...extra });
  const extraServers: AdminServer[] = [];
  return {
    store,
    server,
    base: `http://127.0.0.1:${server.port}`,
    codes,
    serverKey,
    async secondNode() {
      const other = await startAdminServer({ config, store, logger: createLogger('silent'), ...extra });
      extraServers.push(other);
      return other;
    },
    async totp(username, offsetSteps = 0) {
      const a = (await store.admins.get(username))!;
      return totpOf(a, 'Mailwarden', seal)!.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
    },
    async close() {
      for (const s of extraServers) await s.close();
      await server.close();
      await store.close();
    },
  };
}
