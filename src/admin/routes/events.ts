import type { FastifyInstance } from 'fastify';
import { obj, route, str, type AdminDeps } from '../http.js';

/** The event record, newest first by default ("tail"), filtered by code, account and time. */
export function eventRoutes(app: FastifyInstance, deps: AdminDeps): void {
  route(app, deps, {
    method: 'GET',
    url: '/api/events',
    permission: 'read',
    tag: 'events',
    querystring: obj({
      code: str({ maxLength: 1000, description: 'Comma-separated event codes, e.g. smtp:auth-failed,queue:held' }),
      account: str({ maxLength: 320 }),
      since: str({ format: 'date-time' }),
      afterId: { type: 'integer', minimum: 0 },
      limit: { type: 'integer', minimum: 1, maximum: 5000 },
      order: { type: 'string', enum: ['newest', 'oldest'] },
    }),
    summary: 'Tail or filter the event record',
    summaryJa: 'イベント記録の表示・絞り込み',
    handler: async (req) => {
      const q = req.query as { code?: string; account?: string; since?: string; afterId?: number; limit?: number; order?: string };
      const codes = q.code?.split(',').map((c) => c.trim()).filter(Boolean);
      const events = await deps.store.events.query({ codes, account: q.account, since: q.since, afterId: q.afterId, limit: q.limit ?? 200, newestFirst: q.order !== 'oldest' });
      return { events };
    },
  });
}
