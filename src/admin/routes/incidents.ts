import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors/catalogue.js';
import { audit, obj, reasonBody, requireReason, route, str, type AdminDeps } from '../http.js';
import { CHECKLIST, incidentDetail, listIncidents, listPlaceIncidents, placeIncidentDetail } from '../incidents.js';
import { restrictByAdministrator } from './containment.js';

const incidentParam = obj({ id: { type: 'integer', minimum: 1 } }, ['id']);
const placeParam = obj({ id: str({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9-]+$' }) }, ['id']);
const noteBody = obj({ text: str({ minLength: 1, maxLength: 5000 }) }, ['text']);
const checklistBody = obj({ item: { type: 'string', enum: [...CHECKLIST] }, done: { type: 'boolean' } }, ['item', 'done']);

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
    body: noteBody, summary: 'Add a note to an incident', summaryJa: 'インシデントにメモを追加',
    handler: async (req) => {
      const incident = await mustGet(deps, (req.params as { id: number }).id);
      const text = noteText(req.body);
      const by = `admin:${req.admin!.username}`;
      await deps.store.events.append({ ts: new Date().toISOString(), code: 'incident:note', account: incident.account, data: { incident: incident.id, text, by } });
      await audit(deps, req, 'incident.note', String(incident.id), '', { account: incident.account, text });
      return { ok: true };
    } });

  route(app, deps, { method: 'POST', url: '/api/incidents/:id/checklist', permission: 'incident-notes', tag: 'incidents', params: incidentParam,
    body: checklistBody,
    summary: 'Tick or untick a response step (reset password, check devices, warn recipients)', summaryJa: '対応手順のチェック (パスワード再設定・端末確認・受信者への連絡)',
    handler: async (req) => {
      const incident = await mustGet(deps, (req.params as { id: number }).id);
      const { item, done } = req.body as { item: string; done: boolean };
      const by = `admin:${req.admin!.username}`;
      await deps.store.events.append({ ts: new Date().toISOString(), code: 'incident:checklist', account: incident.account, data: { incident: incident.id, item, done, by } });
      await audit(deps, req, 'incident.checklist', String(incident.id), '', { item, done });
      return { ok: true };
    } });

  route(app, deps, { method: 'GET', url: '/api/place-incidents/:id', permission: 'read', tag: 'incidents', params: placeParam,
    summary: 'One incident of the organisation: every account named with its state now, the reports, notes, checklist',
    summaryJa: '組織のインシデントの詳細 (名前の挙がった各アカウントの現在の状態・報告・メモ・チェックリスト)',
    handler: async (req) => ({ placeIncident: await mustGetPlace(deps, (req.params as { id: string }).id) }) });

  route(app, deps, { method: 'POST', url: '/api/place-incidents/:id/restrict', permission: 'contain', tag: 'incidents', params: placeParam, body: reasonBody,
    summary: 'Restrict every account the incident names that is not restricted yet (each as POST /api/accounts/{address}/restrict)',
    summaryJa: 'インシデントに名前の挙がったアカウントのうち未停止のものをすべて停止 (各アカウントに POST /api/accounts/{address}/restrict と同じ処理)',
    handler: async (req) => {
      const incident = await mustGetPlace(deps, (req.params as { id: string }).id);
      const reason = requireReason(req.body as { reason?: string });
      const by = `admin:${req.admin!.username}`;
      const accounts: { address: string; result: 'restricted' | 'already' | 'missing'; held: number }[] = [];
      for (const m of incident.members) {
        if (m.state === null || m.state === 'restricted') {
          accounts.push({ address: m.address, result: m.state === null ? 'missing' : 'already', held: m.held });
          continue;
        }
        const held = await restrictByAdministrator(deps, m.address, reason, by, { placeIncident: incident.incidentId });
        await audit(deps, req, 'account.restrict', m.address, reason, { placeIncident: incident.incidentId });
        accounts.push({ address: m.address, result: 'restricted', held });
      }
      const restricted = accounts.filter((a) => a.result === 'restricted').map((a) => a.address);
      await audit(deps, req, 'place-incident.restrict', incident.incidentId, reason, { where: incident.where, restricted });
      return { accounts };
    } });

  route(app, deps, { method: 'POST', url: '/api/place-incidents/:id/notes', permission: 'incident-notes', tag: 'incidents', params: placeParam, body: noteBody,
    summary: 'Add a note to an incident of the organisation', summaryJa: '組織のインシデントにメモを追加',
    handler: async (req) => {
      const incident = await mustGetPlace(deps, (req.params as { id: string }).id);
      const text = noteText(req.body);
      const by = `admin:${req.admin!.username}`;
      await deps.store.events.append({ ts: new Date().toISOString(), code: 'incident:note', account: null, data: { placeIncident: incident.incidentId, text, by } });
      await audit(deps, req, 'place-incident.note', incident.incidentId, '', { text });
      return { ok: true };
    } });

  route(app, deps, { method: 'POST', url: '/api/place-incidents/:id/checklist', permission: 'incident-notes', tag: 'incidents', params: placeParam, body: checklistBody,
    summary: 'Tick or untick a response step of an incident of the organisation', summaryJa: '組織のインシデントの対応手順をチェック',
    handler: async (req) => {
      const incident = await mustGetPlace(deps, (req.params as { id: string }).id);
      const { item, done } = req.body as { item: string; done: boolean };
      const by = `admin:${req.admin!.username}`;
      await deps.store.events.append({ ts: new Date().toISOString(), code: 'incident:checklist', account: null, data: { placeIncident: incident.incidentId, item, done, by } });
      await audit(deps, req, 'place-incident.checklist', incident.incidentId, '', { item, done });
      return { ok: true };
    } });
}

async function mustGetPlace(deps: AdminDeps, id: string) {
  const found = await placeIncidentDetail(deps.store, id);
  if (!found) throw new ApiError('NOT_FOUND', { what: 'incident', id });
  return found;
}

/** A note's text, trimmed; a note of only white space is refused. */
function noteText(body: unknown): string {
  const text = (body as { text: string }).text.trim();
  if (!text) throw new ApiError('BAD_REQUEST', { problem: 'empty note' });
  return text;
}
