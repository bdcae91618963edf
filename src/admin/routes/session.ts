import type { FastifyInstance } from 'fastify';
import { adminView } from '../admins.js';
import { ApiError } from '../../errors/catalogue.js';
import { audit, clientIp, obj, readCookie, route, sessionCookie, sessionCookieName, sessionOf, str, type AdminDeps } from '../http.js';
import { permissionsOf } from '../roles.js';

/** Sign-in, the current session (with its CSRF token) and sign-out. */
export function sessionRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const cfg = deps.config.admin;
  const cookie = sessionCookieName(cfg.secureCookies);

  route(app, deps, {
    method: 'POST',
    url: '/api/session',
    permission: null,
    tag: 'session',
    summary: 'Sign in with username, password and a TOTP or recovery code',
    summaryJa: 'ユーザー名・パスワード・TOTP または回復コードでサインイン',
    body: obj({ username: str({ maxLength: 64 }), password: str({ maxLength: 1024 }), code: str({ maxLength: 64 }) }, ['username', 'password', 'code']),
    handler: async (req, reply) => {
      const body = req.body as { username: string; password: string; code: string };
      let result;
      try {
        result = await deps.signIn.attempt({ ...body, ip: clientIp(req) });
      } catch (err) {
        if (err instanceof ApiError) {
          // The name tried is recorded; the password and code never are.
          void deps.store.events.append({ ts: new Date().toISOString(), code: 'admin:sign-in-failed', account: null, data: { username: body.username.slice(0, 64), ip: clientIp(req), reason: err.code } });
        }
        throw err;
      }
      await deps.sessions.destroy(readCookie(req, cookie));
      const { token, session } = await deps.sessions.create(result.admin, clientIp(req));
      req.admin = session;
      await audit(deps, req, 'session.sign-in', result.admin.username, '', { factor: result.factor });
      reply.header('set-cookie', sessionCookie(cookie, token, cfg.sessionAbsoluteHours * 3600, cfg.secureCookies));
      return describe(deps, session, result.admin.recoveryCodes.length - (result.factor === 'recovery' ? 1 : 0));
    },
  });

  route(app, deps, {
    method: 'GET',
    url: '/api/session',
    permission: 'read',
    tag: 'session',
    summary: 'The signed-in administrator, role, permissions and CSRF token',
    summaryJa: 'サインイン中の管理者・役割・権限・CSRF トークン',
    handler: async (req) => {
      const admin = await deps.store.admins.getById(sessionOf(req).adminId);
      return describe(deps, sessionOf(req), admin ? adminView(admin).recoveryCodesLeft : 0);
    },
  });

  route(app, deps, {
    method: 'DELETE',
    url: '/api/session',
    permission: 'read',
    tag: 'session',
    summary: 'Sign out',
    summaryJa: 'サインアウト',
    handler: async (req, reply) => {
      await audit(deps, req, 'session.sign-out', sessionOf(req).username);
      await deps.sessions.destroy(readCookie(req, cookie));
      reply.header('set-cookie', sessionCookie(cookie, '', 0, cfg.secureCookies));
      return { ok: true };
    },
  });
}

function describe(deps: AdminDeps, s: ReturnType<typeof sessionOf>, recoveryCodesLeft: number) {
  const cfg = deps.config.admin;
  const idleEnds = s.lastSeenAt + cfg.sessionIdleMinutes * 60_000;
  const absoluteEnds = s.createdAt + cfg.sessionAbsoluteHours * 3_600_000;
  return {
    username: s.username,
    role: s.role,
    permissions: permissionsOf(s.role),
    csrfToken: s.csrf,
    expiresAt: new Date(Math.min(idleEnds, absoluteEnds)).toISOString(),
    recoveryCodesLeft,
    lang: deps.config.lang,
  };
}
