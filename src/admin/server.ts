import { readFileSync } from 'node:fs';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { LoadedConfig } from '../cli/context.js';
import { resolvePath } from '../config/load.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../storage/ports/index.js';
import { recordAudit } from './audit.js';
import { ApiError } from '../errors/catalogue.js';
import { authenticate, type AdminDeps, type LiveControls } from './http.js';
import { GatewayMetrics } from './metrics.js';
import { OpenApiCollector } from './openapi.js';
import { accountRoutes } from './routes/accounts.js';
import { adminRoutes } from './routes/admins.js';
import { appPasswordRoutes } from './routes/app-passwords.js';
import { auditRoutes } from './routes/audit.js';
import { adminSeal } from './totp-seal.js';
import { containmentRoutes } from './routes/containment.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { eventRoutes } from './routes/events.js';
import { incidentRoutes } from './routes/incidents.js';
import { quarantineRoutes } from './routes/quarantine.js';
import { queueRoutes } from './routes/queue.js';
import { sessionRoutes } from './routes/session.js';
import { settingsRoutes } from './routes/settings.js';
import { SessionStore } from './sessions.js';
import { SignIn } from './sign-in.js';
import { defaultWebRoot, serveConsole } from './static.js';

export interface AdminServerOptions {
  config: LoadedConfig;
  store: Store;
  logger: Logger;
  /** The live detection engine; restrict/release then apply at once on this node. */
  policy?: LiveControls;
  metrics?: GatewayMetrics;
  /** Readiness beyond the store (listeners up, not draining). */
  ready?: () => boolean;
  /** Free bytes on the embedded store's file system (absent for PostgreSQL): the dashboard warns when low. */
  storeFree?: () => Promise<number | null>;
}

export interface AdminServer {
  port: number;
  close(): Promise<void>;
}

/**
 * No inline script or style, no plug-ins, no framing, no foreign origin: an injected string in
 * a message header or a reason field can be shown, never run.
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const version = (): string => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
};

export async function startAdminServer(opts: AdminServerOptions): Promise<AdminServer> {
  const cfg = opts.config.admin;
  const app = Fastify({ logger: false, trustProxy: cfg.trustProxy, bodyLimit: 1_048_576 });
  const deps: AdminDeps = {
    ...opts,
    sessions: new SessionStore(opts.store.admins, cfg.sessionIdleMinutes * 60_000, cfg.sessionAbsoluteHours * 3_600_000),
    signIn: new SignIn(opts.store, cfg.signIn, adminSeal(opts.config)),
    api: new OpenApiCollector(),
  };
  securityHeaders(app);
  errorHandling(app, opts.logger);
  app.addHook('onRequest', authenticate(deps));
  registerApi(app, deps);
  operations(app, opts, deps.metrics ?? new GatewayMetrics(opts.store));
  serveConsole(app, cfg.webRoot ? resolvePath(opts.config, cfg.webRoot) : defaultWebRoot());
  await app.listen({ host: cfg.host, port: cfg.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.port;
  opts.logger.info({ host: cfg.host, port }, 'admin server listening');
  return { port, close: () => app.close() };
}

function registerApi(app: FastifyInstance, deps: AdminDeps): void {
  for (const register of [sessionRoutes, accountRoutes, appPasswordRoutes, containmentRoutes, queueRoutes, quarantineRoutes, eventRoutes, incidentRoutes, auditRoutes, settingsRoutes, dashboardRoutes, adminRoutes]) {
    register(app, deps);
  }
  const doc = deps.api.document(version());
  app.get('/api/openapi.json', async () => doc);
}

function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
}

function errorHandling(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof ApiError) return reply.status(err.status).send(err.toJSON());
    if (err.validation) return reply.status(400).send(new ApiError('BAD_REQUEST', { problem: err.message }).toJSON());
    if (err.statusCode && err.statusCode < 500) return reply.status(err.statusCode).send(new ApiError('BAD_REQUEST', { problem: err.message }).toJSON());
    logger.error({ err, reqId: req.id, url: req.url.split('?')[0] }, 'admin API request failed');
    return reply.status(500).send(new ApiError('INTERNAL', {}, { requestId: req.id }).toJSON());
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send(new ApiError('NOT_FOUND', { what: 'path', id: req.url.split('?')[0] }).toJSON()));
}

/** /metrics for Prometheus, /healthz (the process answers), /readyz (the store answers too). */
function operations(app: FastifyInstance, opts: AdminServerOptions, metrics: GatewayMetrics): void {
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.text()));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const store = await Promise.race([
      opts.store.queue.counts().then(() => true, () => false),
      new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref()),
    ]);
    const ready = store && (opts.ready?.() ?? true);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', store: store ? 'ok' : 'unreachable' });
  });
}

/**
 * The composition root's entry. Failure policy: fail open for mail. When the admin port cannot
 * be bound (taken, no permission), submission and delivery still start; the error is logged
 * and the Gateway reports no admin port.
 */
export async function startAdminIfEnabled(opts: AdminServerOptions): Promise<AdminServer | null> {
  if (!opts.config.admin.enabled) return null;
  try {
    return await startAdminServer(opts);
  } catch (err) {
    opts.logger.error({ err, host: opts.config.admin.host, port: opts.config.admin.port }, 'admin server could not start: console, API and /metrics are unavailable');
    return null;
  }
}

/** Containment's audit hook: the detection engine is the actor. */
export const containmentAuditor = (store: Store) => (e: { action: string; target: string; reason: string; data: Record<string, unknown> }) =>
  recordAudit(store.audit, { actor: 'system:containment', ...e });

export { watchEvents } from './metrics.js';
