import type { FastifyInstance } from 'fastify';
import { byAdministrator } from '../../policy/engine.js';
import { CAMPAIGN_MAX_HOURS, recordCampaign } from '../../incidents/campaign.js';
import { notifierFor } from '../../incidents/notify/notifier.js';
import { Containment } from '../../incidents/containment.js';
import { ApiError } from '../../errors/catalogue.js';
import { audit, obj, reasonBody, requireReason, route, str, type AdminDeps } from '../http.js';
import { addressParam, mustGetAccount } from './accounts.js';

/**
 * Restrict and release by hand, with a reason. With a live gateway the decision goes through
 * the detection engine (`LivePolicy`), so the engine, the stored state and every node agree;
 * the `account:*` event lets other nodes follow and a restart remember.
 */
export function containmentRoutes(app: FastifyInstance, deps: AdminDeps): void {
  route(app, deps, {
    method: 'POST', url: '/api/accounts/:address/restrict', permission: 'contain', tag: 'incidents', params: addressParam, body: reasonBody,
    summary: 'Restrict an account now: quarantine its queue, cut its sessions, revoke app passwords', summaryJa: 'アカウントを即時停止 (キュー隔離・セッション切断・アプリパスワード失効)',
    handler: async (req) => {
      const a = await mustGetAccount(deps, (req.params as { address: string }).address);
      const reason = requireReason(req.body as { reason?: string });
      const held = await restrictByAdministrator(deps, a.address, reason, `admin:${req.admin!.username}`);
      await audit(deps, req, 'account.restrict', a.address, reason);
      return { state: 'restricted', held };
    },
  });

  route(app, deps, {
    method: 'POST', url: '/api/accounts/:address/release', permission: 'contain', tag: 'incidents', params: addressParam,
    body: obj({ reason: str({ minLength: 1, maxLength: 2000 }), releaseHeld: { type: 'boolean' } }, ['reason']),
    summary: 'Release a restricted account (optionally its quarantined mail too)', summaryJa: '停止を解除 (隔離メールの解放も選択可)',
    handler: async (req) => {
      const a = await mustGetAccount(deps, (req.params as { address: string }).address);
      const body = req.body as { reason: string; releaseHeld?: boolean };
      const reason = requireReason(body);
      deps.policy?.release(a.address, byAdministrator('released', reason));
      await deps.policy?.settled();
      await deps.store.accounts.update(a.address, { state: 'active' });
      let requeued = 0;
      if (body.releaseHeld) {
        for (const m of await deps.store.queue.list({ account: a.address, state: 'held', limit: 100_000 })) requeued += (await deps.store.queue.release(m.id)) ? 1 : 0;
      }
      await deps.store.events.append({ ts: new Date().toISOString(), code: 'account:released', account: a.address, data: { reason, by: `admin:${req.admin!.username}`, requeued } });
      await audit(deps, req, 'account.release', a.address, reason, { requeued });
      return { state: 'active', requeued };
    },
  });

  route(app, deps, {
    method: 'POST', url: '/api/accounts/:address/campaign', permission: 'contain', tag: 'incidents', params: addressParam,
    body: obj({ reason: str({ minLength: 1, maxLength: 2000 }), hours: { type: 'integer', minimum: 1, maximum: CAMPAIGN_MAX_HOURS }, end: { type: 'boolean' } }, ['reason']),
    summary: `Allow a person's campaign for some hours (mail judged as a declared bulk sender's, limits and origin checks kept), or end it`,
    summaryJa: '一定時間のキャンペーン送信を許可 (宣言済み一斉送信者として判定、上限と送信元の検査は維持) 、または終了',
    handler: async (req) => {
      const a = await mustGetAccount(deps, (req.params as { address: string }).address);
      const body = req.body as { reason: string; hours?: number; end?: boolean };
      const reason = requireReason(body);
      const hours = body.end ? 0 : (body.hours ?? 0);
      if (hours === 0 && !body.end) throw new ApiError('CAMPAIGN_HOURS_REQUIRED');
      const { until } = await recordCampaign(deps.store, a.address, hours, reason, `admin:${req.admin!.username}`, notifierFor(deps.config, deps.store, deps.logger));
      deps.policy?.allowCampaign(a.address, Date.parse(until));
      await audit(deps, req, hours > 0 ? 'account.campaign' : 'account.campaign-end', a.address, reason, { until });
      return { campaign: hours > 0 ? { until } : null };
    },
  });
}

/**
 * Restricts an account now on an administrator's word: recorded as `account:restricted` (with
 * `extra`, such as the incident it was restricted for), decided through the live engine when there
 * is one (so that every node follows), contained directly otherwise. Returns how many of its
 * messages sit in quarantine afterwards.
 */
export async function restrictByAdministrator(deps: AdminDeps, address: string, reason: string, by: string, extra: Record<string, unknown> = {}): Promise<number> {
  await deps.store.events.append({ ts: new Date().toISOString(), code: 'account:restricted', account: address, data: { reason, by, ...extra } });
  if (deps.policy) {
    deps.policy.restrict(address, byAdministrator('restricted', reason));
    await deps.policy.settled();
  } else {
    const containment = new Containment(deps.store, { closeSessionsOf: () => 0 }, deps.logger);
    await containment.apply({ ts: new Date().toISOString(), account: address, type: 'state', state: 'restricted', reasons: [byAdministrator('restricted', reason)] });
  }
  // Restricting an account already restricted changes nothing in the engine; the state is stored anyway.
  if ((await deps.store.accounts.get(address))?.state !== 'restricted') await deps.store.accounts.update(address, { state: 'restricted', mustChangePassword: true });
  return (await deps.store.queue.list({ account: address, state: 'held', limit: 100_000 })).length;
}
