import type { FastifyInstance } from 'fastify';
import { adminView, createAdmin, resetMfa, USERNAME } from '../admins.js';
import { ApiError } from '../../errors/catalogue.js';
import { audit, obj, route, str, type AdminDeps } from '../http.js';
import { ROLES } from '../roles.js';
import { adminSeal } from '../totp-seal.js';

const nameParam = obj({ username: str({ pattern: USERNAME.source }) }, ['username']);

/** Administrators: the API twin of `mailwarden admin`, for admins only. */
export function adminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const issuer = deps.config.admin.totpIssuer;
  route(app, deps, { method: 'GET', url: '/api/admins', permission: 'manage-admins', tag: 'admins', summary: 'List administrators', summaryJa: '管理者一覧',
    handler: async () => ({ admins: (await deps.store.admins.list()).map(adminView) }) });

  route(app, deps, { method: 'POST', url: '/api/admins', permission: 'manage-admins', tag: 'admins',
    body: obj({ username: str({ pattern: USERNAME.source }), role: { type: 'string', enum: [...ROLES] }, password: str({ maxLength: 1024 }) }, ['username', 'role', 'password']),
    summary: 'Add an administrator; the response holds the TOTP URI and recovery codes, once', summaryJa: '管理者を追加 (TOTP URI と回復コードは応答に一度だけ含まれます)',
    handler: async (req) => {
      const b = req.body as { username: string; role: 'admin' | 'operator' | 'auditor'; password: string };
      const result = await createAdmin(deps.store, { ...b, issuer }, adminSeal(deps.config));
      if (!result.ok && 'exists' in result) throw new ApiError('ADMIN_EXISTS', { username: b.username });
      if (!result.ok) throw new ApiError('PASSWORD_REFUSED', {}, result.problems);
      await audit(deps, req, 'admin.add', b.username, '', { role: b.role });
      const { admin, ...secrets } = result.enrolment;
      return { admin: adminView(admin), ...secrets };
    } });

  route(app, deps, { method: 'POST', url: '/api/admins/:username/reset-mfa', permission: 'manage-admins', tag: 'admins', params: nameParam,
    summary: "Renew an administrator's TOTP secret and recovery codes and end their sessions", summaryJa: '管理者の TOTP と回復コードを再発行し、セッションを終了',
    handler: async (req) => {
      const username = (req.params as { username: string }).username;
      const enrolment = await resetMfa(deps.store, username, issuer, adminSeal(deps.config));
      if (!enrolment) throw new ApiError('NOT_FOUND', { what: 'administrator', id: username });
      await deps.sessions.destroyAllOf(enrolment.admin.id);
      await audit(deps, req, 'admin.reset-mfa', username);
      return { admin: adminView(enrolment.admin), otpauthUri: enrolment.otpauthUri, recoveryCodes: enrolment.recoveryCodes };
    } });

  route(app, deps, { method: 'DELETE', url: '/api/admins/:username', permission: 'manage-admins', tag: 'admins', params: nameParam,
    summary: 'Remove an administrator and end their sessions', summaryJa: '管理者を削除し、セッションを終了',
    handler: async (req) => {
      const username = (req.params as { username: string }).username;
      if (username === req.admin!.username) throw new ApiError('BAD_REQUEST', { problem: 'an administrator cannot remove themselves' });
      const admin = await deps.store.admins.get(username);
      if (!admin) throw new ApiError('NOT_FOUND', { what: 'administrator', id: username });
      await deps.store.admins.delete(username);
      await deps.sessions.destroyAllOf(admin.id);
      await audit(deps, req, 'admin.delete', username);
      return { ok: true };
    } });
}
