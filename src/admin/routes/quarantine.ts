import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors/catalogue.js';
import { audit, obj, requireReason, route, str, type AdminDeps } from '../http.js';
import { idParam, messageWithContent } from './queue.js';

const bulkBody = obj({ ids: { type: 'array', items: str({ maxLength: 64 }), minItems: 1, maxItems: 1000 }, reason: str({ minLength: 1, maxLength: 2000 }) }, ['ids', 'reason']);

type Outcome = { id: string; ok: boolean; error?: string };

/** Quarantine: held messages, read as headers and plain text, released or deleted in bulk. */
export function quarantineRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store } = deps;
  route(app, deps, { method: 'GET', url: '/api/quarantine', permission: 'read', tag: 'quarantine',
    querystring: obj({ account: str({ maxLength: 320 }), limit: { type: 'integer', minimum: 1, maximum: 10_000 } }), summary: 'List held messages', summaryJa: '隔離中のメッセージ一覧',
    handler: async (req) => {
      const q = req.query as { account?: string; limit?: number };
      // How long unreleased mail stays (retention.heldDays; 0: for ever), never while its account is restricted.
      return { messages: await store.queue.list({ state: 'held', account: q.account, limit: q.limit ?? 500 }), heldDays: deps.config.retention.heldDays };
    } });

  route(app, deps, { method: 'GET', url: '/api/quarantine/:id', permission: 'read-content', tag: 'quarantine', params: idParam,
    summary: 'A held message: envelope, headers and plain-text view', summaryJa: '隔離メッセージ (エンベロープ・ヘッダー・テキスト表示)',
    handler: async (req) => {
      const id = (req.params as { id: string }).id;
      const result = await messageWithContent(deps, id);
      if (result.message.state !== 'held') throw new ApiError('NOT_HELD', { id });
      await audit(deps, req, 'message.read', id, '', { account: result.message.account });
      return result;
    } });

  for (const action of ['release', 'delete'] as const) {
    route(app, deps, { method: 'POST', url: `/api/quarantine/${action}`, permission: 'quarantine', tag: 'quarantine', body: bulkBody,
      summary: action === 'release' ? 'Release held messages to the queue (bulk)' : 'Delete held messages (bulk)',
      summaryJa: action === 'release' ? '隔離メッセージをキューに戻す (一括)' : '隔離メッセージを削除 (一括)',
      handler: async (req) => {
        const body = req.body as { ids: string[]; reason: string };
        const reason = requireReason(body);
        const results: Outcome[] = [];
        for (const id of [...new Set(body.ids)]) results.push(await act(deps, id, action));
        const done = results.filter((r) => r.ok).map((r) => r.id);
        if (done.length) {
          await store.events.append({ ts: new Date().toISOString(), code: `quarantine:${action}`, account: null, data: { ids: done, reason, by: `admin:${req.admin!.username}` } });
        }
        await audit(deps, req, `quarantine.${action}`, done.join(' '), reason, { ids: done, refused: results.filter((r) => !r.ok) });
        return { results };
      } });
  }
}

async function act(deps: AdminDeps, id: string, action: 'release' | 'delete'): Promise<Outcome> {
  const m = await deps.store.queue.get(id);
  if (!m) return { id, ok: false, error: 'NOT_FOUND' };
  if (m.state !== 'held') return { id, ok: false, error: 'NOT_HELD' };
  const ok = action === 'release' ? await deps.store.queue.release(id) : await deps.store.queue.delete(id);
  return ok ? { id, ok } : { id, ok, error: 'NOT_HELD' };
}
