import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors/catalogue.js';
import { audit, obj, route, str, type AdminDeps } from '../http.js';
import { CHECKLIST, incidentDetail, listIncidents, listPlaceIncidents } from '../incidents.js';

const incidentParam = obj({ id: { type: 'integer', minimum: 1 } }, ['id']);

async function mustGet(deps: AdminDeps, id: number) {
  const found = await incidentDetail(deps.store, id);
  if (!found) throw new ApiError('NOT_FOUND', { what: 'incident', id });
  return found;
}

/** Incidents derived from the event record, with notes and the response checklist. */
export function incidentRoutes(app: FastifyInstance, deps: AdminDeps): void {
  route(app, deps, { method: 'GET', url: '/api/incidents', permission: 'read', tag: 'incidents',
    querystring: obj({ status: { type: 'string', enum: ['open', 'closed'] } }), summary: 'List incidents, newest first', summaryJa: 'インシデント一覧 (新しい順)',
    handler: async (req) => {
      const status = (req.query as { status?: string }).status;
      return { incidents: (await listIncidents(deps.store)).filter((i) => !status || i.status === status) };
    } });

  route(app, deps, { method: 'GET', url: '/api/place-incidents', permission: 'read', tag: 'incidents',
    summary: 'Incidents of the organisation: many accounts mailing strangers from one new place, newest first', summaryJa: '組織のインシデント (同じ新しい送信元から複数アカウントが初めての宛先へ送信) の一覧 (新しい順)',
    handler: async () => ({ placeIncidents: await listPlaceIncidents(deps.store) }) });

  route(app, deps, { method: 'GET', url: '/api/incidents/:id', permission: 'read', tag: 'incidents', params: incidentParam,
    summary: 'One incident: evidence, timeline, notes, checklist', summaryJa: 'インシデントの詳細 (証拠・経過・メモ・チェックリスト)',
    handler: async (req) => ({ incident: await mustGet(deps, (req.params as { id: number }).id) }) });

  route(app, deps, { method: 'POST', url: '/api/incidents/:id/notes', permission: 'incident-notes', tag: 'incidents', params: incidentParam,
    body: obj({ text: str({ minLength: 1, maxLength: 5000 }) }, ['text']), summary: 'Add a note to an incident', summaryJa: 'インシデントにメモを追加',
    handler: async (req) => {
      const incident = await mustGet(deps, (req.params as { id: number }).id);
      const text = (req.body as { text: string }).text.trim();
      if (!text) throw new ApiError('BAD_REQUEST', { problem: 'empty note' });
      const by = `admin:${req.admin!.username}`;
      await deps.store.events.append({ ts: new Date().toISOString(), code: 'incident:note', account: incident.account, data: { incident: incident.id, text, by } });
      await audit(deps, req, 'incident.note', String(incident.id), '', { account: incident.account, text });
      return { ok: true };
    } });

  route(app, deps, { method: 'POST', url: '/api/incidents/:id/checklist', permission: 'incident-notes', tag: 'incidents', params: incidentParam,
    body: obj({ item: { type: 'string', enum: [...CHECKLIST] }, done: { type: 'boolean' } }, ['item', 'done']),
    summary: 'Tick or untick a response step (reset password, check devices, warn recipients)', summaryJa: '対応手順のチェック (パスワード再設定・端末確認・受信者への連絡)',
    handler: async (req) => {
      const incident = await mustGet(deps, (req.params as { id: number }).id);
      const { item, done } = req.body as { item: string; done: boolean };
      const by = `admin:${req.admin!.username}`;
      await deps.store.events.append({ ts: new Date().toISOString(), code: 'incident:checklist', account: incident.account, data: { incident: incident.id, item, done, by } });
      await audit(deps, req, 'incident.checklist', String(incident.id), '', { item, done });
      return { ok: true };
    } });
}
