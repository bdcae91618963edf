import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { appPasswordKeys } from '../../app/app-passwords.js';
import { generateAppPassword, hashAppPassword } from '../../auth/app-password.js';
import { ApiError } from '../../errors/catalogue.js';
import { audit, obj, route, str, type AdminDeps } from '../http.js';
import { addressParam, mustGetAccount } from './accounts.js';

/** App passwords: one per device, shown once at creation, revocable one by one or all at once. */
export function appPasswordRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store } = deps;
  route(app, deps, { method: 'GET', url: '/api/accounts/:address/app-passwords', permission: 'read', tag: 'app-passwords', params: addressParam,
    summary: "An account's app passwords (labels and use, never the secret)", summaryJa: 'アカウントのアプリパスワード (ラベルと利用状況。秘密は表示しません)',
    handler: async (req) => {
      const a = await mustGetAccount(deps, (req.params as { address: string }).address);
      return { appPasswords: (await store.accounts.listAppPasswords(a.address)).map(({ hash: _h, ...rest }) => rest) };
    } });

  route(app, deps, { method: 'POST', url: '/api/accounts/:address/app-passwords', permission: 'manage-accounts', tag: 'app-passwords', params: addressParam,
    body: obj({ label: str({ minLength: 1, maxLength: 100 }) }, ['label']),
    summary: 'Create an app password; the response holds the only copy of it', summaryJa: 'アプリパスワードを作成 (応答に一度だけ表示されます)',
    handler: async (req) => {
      const a = await mustGetAccount(deps, (req.params as { address: string }).address);
      const label = (req.body as { label: string }).label;
      const password = generateAppPassword();
      const id = randomBytes(9).toString('base64url');
      const ts = new Date().toISOString();
      await store.accounts.addAppPassword({ id, account: a.address, label, hash: hashAppPassword(password, appPasswordKeys(deps.config)[0]), createdAt: ts });
      // In the replay format: the detection engine starts a probation budget from it.
      await store.events.append({ ts, code: 'account:app-password-created', account: a.address, data: { ts, type: 'credential', account: a.address, kind: 'app-password', id, label } });
      await audit(deps, req, 'app-password.create', a.address, '', { id, label });
      return { id, label, password };
    } });

  route(app, deps, { method: 'DELETE', url: '/api/accounts/:address/app-passwords/:id', permission: 'manage-accounts', tag: 'app-passwords',
    params: obj({ address: str({ maxLength: 320 }), id: str({ maxLength: 64 }) }, ['address', 'id']), summary: 'Revoke one app password', summaryJa: 'アプリパスワードを 1 件失効',
    handler: async (req) => {
      const { address, id } = req.params as { address: string; id: string };
      const a = await mustGetAccount(deps, address);
      const n = await store.accounts.revokeAppPasswords(a.address, id, new Date().toISOString());
      if (n === 0) throw new ApiError('NOT_FOUND', { what: 'app password', id });
      await audit(deps, req, 'app-password.revoke', a.address, '', { id });
      return { revoked: n };
    } });

  route(app, deps, { method: 'DELETE', url: '/api/accounts/:address/app-passwords', permission: 'contain', tag: 'app-passwords', params: addressParam,
    summary: "Revoke all of an account's app passwords (incident response)", summaryJa: 'アカウントのアプリパスワードをすべて失効 (インシデント対応)',
    handler: async (req) => {
      const a = await mustGetAccount(deps, (req.params as { address: string }).address);
      const n = await store.accounts.revokeAppPasswords(a.address, undefined, new Date().toISOString());
      await audit(deps, req, 'app-password.revoke-all', a.address, '', { revoked: n });
      return { revoked: n };
    } });
}
