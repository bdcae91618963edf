import type { FastifyInstance } from 'fastify';
import type { QueuedMessage } from '../../storage/ports/index.js';
import { ApiError } from '../../errors/catalogue.js';
import { audit, obj, route, str, type AdminDeps } from '../http.js';
import { viewMessage } from '../message-view.js';

export const idParam = obj({ id: str({ maxLength: 64 }) }, ['id']);

export async function mustGetMessage(deps: AdminDeps, id: string): Promise<QueuedMessage> {
  const m = await deps.store.queue.get(id);
  if (!m) throw new ApiError('NOT_FOUND', { what: 'message', id });
  return m;
}

/** Envelope, headers and plain text; the body needs the read-content permission (not auditors). */
export async function messageWithContent(deps: AdminDeps, id: string) {
  const m = await mustGetMessage(deps, id);
  const raw = await deps.store.queue.getRaw(id);
  return { message: m, content: raw ? await viewMessage(raw) : null };
}

const listQuery = obj({
  state: { type: 'string', enum: ['queued', 'held', 'done'] },
  account: str({ maxLength: 320 }),
  limit: { type: 'integer', minimum: 1, maximum: 10_000 },
});

/** The delivery queue: list, inspect, retry now, delete. */
export function queueRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store } = deps;
  route(app, deps, { method: 'GET', url: '/api/queue', permission: 'read', tag: 'queue', querystring: listQuery, summary: 'List queued messages', summaryJa: 'キューのメッセージ一覧',
    handler: async (req) => {
      const q = req.query as { state?: QueuedMessage['state']; account?: string; limit?: number };
      return { messages: await store.queue.list({ state: q.state ?? 'queued', account: q.account, limit: q.limit ?? 500 }), counts: await store.queue.counts() };
    } });

  route(app, deps, { method: 'GET', url: '/api/queue/:id', permission: 'read', tag: 'queue', params: idParam, summary: 'One message: envelope, recipients and their last replies', summaryJa: 'メッセージの詳細 (エンベロープ・宛先・最終応答)',
    handler: async (req) => ({ message: await mustGetMessage(deps, (req.params as { id: string }).id) }) });

  route(app, deps, { method: 'GET', url: '/api/queue/:id/content', permission: 'read-content', tag: 'queue', params: idParam,
    summary: 'Headers and plain-text view of a message (HTML is never rendered)', summaryJa: 'ヘッダーとテキスト表示 (HTML は表示しません)',
    handler: async (req) => {
      const id = (req.params as { id: string }).id;
      const result = await messageWithContent(deps, id);
      await audit(deps, req, 'message.read', id, '', { account: result.message.account });
      return result;
    } });

  route(app, deps, { method: 'POST', url: '/api/queue/:id/retry', permission: 'manage-queue', tag: 'queue', params: idParam, summary: 'Retry delivery now', summaryJa: '今すぐ再送',
    handler: async (req) => {
      const m = await mustGetMessage(deps, (req.params as { id: string }).id);
      if (!(await store.queue.retryNow(m.id))) throw new ApiError('BAD_REQUEST', { problem: `message ${m.id} is ${m.state}` });
      await audit(deps, req, 'queue.retry', m.id, '', { account: m.account });
      return { ok: true };
    } });

  route(app, deps, { method: 'DELETE', url: '/api/queue/:id', permission: 'manage-queue', tag: 'queue', params: idParam, summary: 'Delete a message from the queue', summaryJa: 'キューからメッセージを削除',
    handler: async (req) => {
      const m = await mustGetMessage(deps, (req.params as { id: string }).id);
      await store.queue.delete(m.id);
      await store.events.append({ ts: new Date().toISOString(), code: 'queue:delete', account: m.account, data: { queueId: m.id, by: `admin:${req.admin!.username}` } });
      await audit(deps, req, 'queue.delete', m.id, '', { account: m.account });
      return { ok: true };
    } });
}
