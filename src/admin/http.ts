import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { LoadedConfig } from '../cli/context.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../storage/ports/index.js';
import { recordAudit } from './audit.js';
import { safeEqual } from './admins.js';
import { ApiError } from '../errors/catalogue.js';
import type { GatewayMetrics } from './metrics.js';
import type { OpenApiCollector } from './openapi.js';
import { can, type Permission } from './roles.js';
import type { AdminSession, SessionStore } from './sessions.js';
import type { SignIn } from './sign-in.js';

/** What the live gateway lends the API; absent when the admin server runs without one. */
export interface LiveControls {
  restrict(account: string, reason: string): void;
  release(account: string, reason: string): void;
  allowCampaign(account: string, until: number): void;
  settled(): Promise<void>;
}

export interface AdminDeps {
  config: LoadedConfig;
  store: Store;
  logger: Logger;
  policy?: LiveControls;
  metrics?: GatewayMetrics;
  /** Free bytes on the embedded store's file system (absent for PostgreSQL). */
  storeFree?: () => Promise<number | null>;
  sessions: SessionStore;
  signIn: SignIn;
  api: OpenApiCollector;
}

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminSession;
  }
}

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `__Host-` binds the cookie to this origin (Secure, Path=/, no Domain), so no sibling host can set it. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-mw_session' : 'mw_session';
}

export function readCookie(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

export function sessionCookie(name: string, token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${name}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAgeSeconds)}${secure ? '; Secure' : ''}`;
}

/**
 * Every /api request except sign-in and the OpenAPI document needs a live session; every
 * state-changing one also needs JSON (HTML forms cannot send it cross-site), a same-origin
 * Origin when the browser sends one, and the session's CSRF token.
 */
export function authenticate(deps: AdminDeps) {
  const cookie = sessionCookieName(deps.config.admin.secureCookies);
  return async (req: FastifyRequest): Promise<void> => {
    const path = req.url.split('?')[0];
    if (!path.startsWith('/api/') || path === '/api/openapi.json') return;
    const unsafe = !SAFE_METHODS.has(req.method);
    if (unsafe) refuseCrossSite(req);
    if (path === '/api/session' && req.method === 'POST') return;
    const found = await deps.sessions.touch(readCookie(req, cookie));
    if (!found) throw new ApiError('UNAUTHENTICATED');
    if ('expired' in found) throw new ApiError('SESSION_EXPIRED');
    if (unsafe && !safeEqual(String(req.headers['x-csrf-token'] ?? ''), found.session.csrf)) throw new ApiError('CSRF');
    req.admin = found.session;
  };
}

function refuseCrossSite(req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (origin !== undefined && originHost(origin) !== req.headers.host) throw new ApiError('BAD_ORIGIN');
  const type = String(req.headers['content-type'] ?? '');
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !type.toLowerCase().startsWith('application/json')) throw new ApiError('UNSUPPORTED_MEDIA');
}

/** The host of an Origin header; null for "null" (sandboxed or opaque origins) or garbage. */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host || null;
  } catch {
    return null;
  }
}

export function sessionOf(req: FastifyRequest): AdminSession {
  if (!req.admin) throw new ApiError('UNAUTHENTICATED');
  return req.admin;
}

export function requirePermission(req: FastifyRequest, permission: Permission): AdminSession {
  const s = sessionOf(req);
  if (!can(s.role, permission)) throw new ApiError('FORBIDDEN', { role: s.role, needed: permission });
  return s;
}

export function clientIp(req: FastifyRequest): string {
  return req.ip;
}

/** Who did it, what, to what, why: the API's entry into the audit log. */
export function audit(deps: AdminDeps, req: FastifyRequest, action: string, target: string, reason = '', data: Record<string, unknown> = {}) {
  const s = req.admin;
  return recordAudit(deps.store.audit, { actor: s ? `admin:${s.username}` : 'anonymous', action, target, reason, data: { ...data, ip: clientIp(req) } });
}

export function requireReason(body: { reason?: string } | undefined): string {
  const reason = body?.reason?.trim() ?? '';
  if (!reason) throw new ApiError('REASON_REQUIRED');
  return reason;
}

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  /** Needed by the caller; null for routes open before sign-in. */
  permission: Permission | null;
  summary: string;
  summaryJa: string;
  tag: string;
  params?: Record<string, unknown>;
  querystring?: Record<string, unknown>;
  body?: Record<string, unknown>;
  produces?: string;
  handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/** Registers a route with fastify (which validates with the schemas) and in the OpenAPI document. */
export function route(app: FastifyInstance, deps: AdminDeps, spec: RouteSpec): void {
  deps.api.add(spec);
  const handler: RouteHandlerMethod = async (req, reply) => {
    if (spec.permission) requirePermission(req, spec.permission);
    return spec.handler(req, reply);
  };
  app.route({
    method: spec.method,
    url: spec.url,
    // Only the parts a route declares: fastify warns about parts given as undefined.
    schema: Object.fromEntries(Object.entries({ params: spec.params, querystring: spec.querystring, body: spec.body }).filter(([, v]) => v !== undefined)),
    handler,
  });
}

export const str = (extra: Record<string, unknown> = {}) => ({ type: 'string', ...extra });
export const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: false });
export const reasonBody = obj({ reason: str({ minLength: 1, maxLength: 2000 }) }, ['reason']);
