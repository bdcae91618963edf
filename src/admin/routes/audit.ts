import type { FastifyInstance } from 'fastify';
import type { AuditQuery } from '../../storage/ports/index.js';
import { auditCsv, verifyAuditChain } from '../audit.js';
import { audit, obj, route, str, type AdminDeps } from '../http.js';

const query = obj({
  actor: str({ maxLength: 200 }),
  action: str({ maxLength: 100, description: 'Prefix, e.g. "account." for every account action' }),
  target: str({ maxLength: 320 }),
  q: str({ maxLength: 200, description: 'Text in actor, action, target or reason' }),
  since: str({ format: 'date-time' }),
  until: str({ format: 'date-time' }),
  limit: { type: 'integer', minimum: 1, maximum: 100_000 },
});

function toQuery(q: Record<string, unknown>, limit: number): AuditQuery {
  return { actor: q.actor as string, action: q.action as string, target: q.target as string, text: q.q as string, since: q.since as string, until: q.until as string, limit: (q.limit as number) ?? limit, newestFirst: true };
}

/** The audit log: search, CSV export and a chain check, for every role (auditors above all). */
export function auditRoutes(app: FastifyInstance, deps: AdminDeps): void {
  route(app, deps, { method: 'GET', url: '/api/audit', permission: 'read', tag: 'audit', querystring: query, summary: 'Search the audit log, newest first', summaryJa: '監査ログの検索 (新しい順)',
    handler: async (req) => ({ entries: await deps.store.audit.query(toQuery(req.query as Record<string, unknown>, 200)) }) });

  route(app, deps, { method: 'GET', url: '/api/audit/export.csv', permission: 'read', tag: 'audit', querystring: query, produces: 'text/csv',
    summary: 'Export the (filtered) audit log as CSV', summaryJa: '監査ログを CSV で出力 (絞り込み可)',
    handler: async (req, reply) => {
      const entries = (await deps.store.audit.query(toQuery(req.query as Record<string, unknown>, 100_000))).reverse();
      await audit(deps, req, 'audit.export', '', '', { entries: entries.length });
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="mailwarden-audit-${new Date().toISOString().slice(0, 10)}.csv"`);
      // A byte-order mark so that spreadsheet software reads the Japanese text as UTF-8.
      return `\ufeff${auditCsv(entries)}`;
    } });

  route(app, deps, { method: 'GET', url: '/api/audit/verify', permission: 'read', tag: 'audit', summary: 'Recompute the hash chain', summaryJa: 'ハッシュチェーンを再計算して検証',
    handler: async () => verifyAuditChain(deps.store.audit) });
}
