import { normaliseAddress } from '../app/accounts.js';
import { say, type Text } from '../core/i18n.js';
import { CAMPAIGN_MAX_HOURS, currentCampaign, recordCampaign } from '../incidents/campaign.js';
import { placeIncidentDetail } from '../admin/incidents.js';
import { Containment } from '../incidents/containment.js';
import { notifierFor } from '../incidents/notify/notifier.js';
import { byAdministrator } from '../policy/engine.js';
import { createLogger } from '../observability/logger.js';
import type { Store } from '../storage/ports/index.js';
import { fail, parseCommand } from './args.js';
import { auditCli, cliActor, loadForCommand, withStore, type LoadedConfig } from './context.js';

export const summary: Text = { en: 'Restrict or release an account (containment), allow a campaign, show its state', ja: 'アカウントの送信停止・解除 (封じ込め)、キャンペーン送信の許可、状態表示' };

const help: Text = {
  en: `Usage: mailwarden account <subcommand> ADDRESS [--config FILE]
  status ADDRESS
  restrict ADDRESS --reason TEXT     stop sending now: quarantine its queued mail, cut its sessions, revoke app passwords
  restrict --place-incident ID --reason TEXT   the same for every account an incident of the organisation names
      that is not restricted yet (a list of stolen passwords; the ID ends its alert mail)
  release ADDRESS --reason TEXT [--release-held]   allow sending again; --release-held also delivers its quarantined mail
  campaign ADDRESS --hours N --reason TEXT   for the next N hours (at most ${CAMPAIGN_MAX_HOURS}), the person may mail many
      people on purpose: the mail is judged as a declared bulk sender's, within the account's limits;
      a login from elsewhere is still stopped
  campaign ADDRESS --end --reason TEXT       end the allowance now
A running gateway applies the change within a second.`,
  ja: `使い方: mailwarden account <サブコマンド> アドレス [--config FILE]
  status アドレス
  restrict アドレス --reason 理由     送信を即時停止: キュー内のメールを隔離し、セッションを切断し、アプリパスワードを失効
  restrict --place-incident ID --reason 理由   組織のインシデントに名前の挙がったアカウントのうち未停止のものすべてに同じ処理
      (パスワードの一括流出。ID は警告メールの末尾にあります)
  release アドレス --reason 理由 [--release-held]   送信を再開。--release-held で隔離中のメールも配送
  campaign アドレス --hours 時間 --reason 理由   これから指定時間 (最大 ${CAMPAIGN_MAX_HOURS} 時間) 、本人が意図して多数の相手に
      送信することを許可: 宣言済みの一斉送信者として判定し、アカウントの上限は維持。別の場所からのログインは引き続き停止
  campaign アドレス --end --reason 理由       許可を今すぐ終了
稼働中のゲートウェイには 1 秒以内に反映されます。`,
};

const t = {
  missing: { en: 'No account {address}.', ja: 'アカウント {address} はありません。' },
  reason: { en: 'Give the reason with --reason "..."; it is recorded in the audit trail.', ja: '--reason "..." で理由を指定してください。監査記録に残ります。' },
  restricted: { en: '{address} restricted: {held} message(s) moved to quarantine.', ja: '{address} を停止しました: {held} 通を隔離しました。' },
  released: { en: '{address} released; {count} quarantined message(s) requeued.', ja: '{address} の停止を解除しました。隔離中の {count} 通を再送キューに戻しました。' },
  hours: {
    en: 'Give the length of the campaign with --hours N (1 to {max}), or end it with --end.',
    ja: '--hours N (1〜{max}) でキャンペーンの時間を指定するか、--end で終了してください。',
  },
  campaign: { en: '{address} may send its campaign until {until}.', ja: '{address} のキャンペーン送信を {until} まで許可しました。' },
  campaignEnded: { en: 'Campaign allowance of {address} ended.', ja: '{address} のキャンペーン送信の許可を終了しました。' },
  noPlace: { en: 'No incident of the organisation "{id}". The ID ends its alert mail; the console lists them under Incidents.', ja: '組織のインシデント「{id}」はありません。ID は警告メールの末尾にあります。管理画面のインシデントに一覧があります。' },
  placeDone: { en: 'Incident {id}: {n} account(s) restricted, {already} already restricted, {missing} no longer an account.', ja: 'インシデント {id}: {n} アカウントを停止しました (停止済み {already}、アカウントなし {missing})。' },
  unknownSub: { en: 'Unknown subcommand "{name}". Run "mailwarden account --help".', ja: '不明なサブコマンド「{name}」です。"mailwarden account --help" を参照してください。' },
} satisfies Record<string, Text>;

const options = { config: { type: 'string' }, reason: { type: 'string' }, 'release-held': { type: 'boolean' }, hours: { type: 'string' }, end: { type: 'boolean' }, 'place-incident': { type: 'string' } } as const;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(args, options, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values: v, positionals: [sub, raw] } = parsed.parsed;
  const place = sub === 'restrict' && !raw ? (v['place-incident'] as string | undefined) : undefined;
  if (place !== undefined) return restrictPlace(place, v.reason as string | undefined, v.config as string | undefined);
  if (!['status', 'restrict', 'release', 'campaign'].includes(sub ?? '') || !raw) return fail(t.unknownSub, { name: sub ?? '' }, 2);
  const address = normaliseAddress(raw);
  const reason = v.reason as string | undefined;
  if (sub !== 'status' && !reason) return fail(t.reason, {}, 2);
  const hours = sub === 'campaign' && v.end !== true ? campaignHours(v.hours as string | undefined) : 0;
  if (Number.isNaN(hours)) return fail(t.hours, { max: CAMPAIGN_MAX_HOURS }, 2);
  const config = loadForCommand(v.config);
  if (!config) return 2;
  return withStore(config, async (store) => {
    const account = await store.accounts.get(address);
    if (!account) return fail(t.missing, { address });
    if (sub === 'status') return status(store, address);
    if (sub === 'restrict') return restrict(store, address, reason!);
    if (sub === 'campaign') return campaign(store, config, address, reason!, hours);
    return release(store, address, reason!, v['release-held'] === true);
  });
}

async function status(store: Store, address: string): Promise<number> {
  const a = (await store.accounts.get(address))!;
  const held = await store.queue.list({ account: address, state: 'held' });
  const incidents = await store.events.query({ account: address, codes: ['incident:restricted', 'incident:watch', 'account:released', 'account:restricted'], newestFirst: true, limit: 5 });
  const allowance = await currentCampaign(store, address);
  process.stdout.write(
    `${JSON.stringify({ address, state: a.state, disabled: a.disabled, mustChangePassword: a.mustChangePassword, held: held.length, campaign: allowance, recent: incidents.map((e) => ({ ts: e.ts, code: e.code, ...e.data })) }, null, 2)}\n`,
  );
  return 0;
}

async function restrict(store: Store, address: string, reason: string, extra: Record<string, unknown> = {}): Promise<number> {
  const ts = new Date().toISOString();
  await store.events.append({ ts, code: 'account:restricted', account: address, data: { reason, by: 'cli', ...extra } });
  await auditCli(store, 'account.restrict', address, reason);
  // Sessions are cut by the running gateway when it sees the event; here nothing is connected.
  const containment = new Containment(store, { closeSessionsOf: () => 0 }, createLogger('silent'));
  await containment.apply({ ts, account: address, type: 'state', state: 'restricted', reasons: [byAdministrator('restricted', reason)] });
  const held = await store.queue.list({ account: address, state: 'held' });
  process.stderr.write(`${say(t.restricted, { address, held: held.length })}\n`);
  return 0;
}

/** Restricts every account an incident of the organisation names that is not restricted yet. */
async function restrictPlace(id: string, reason: string | undefined, configFile: string | undefined): Promise<number> {
  if (!reason) return fail(t.reason, {}, 2);
  const config = loadForCommand(configFile);
  if (!config) return 2;
  return withStore(config, async (store) => {
    const incident = await placeIncidentDetail(store, id);
    if (!incident) return fail(t.noPlace, { id });
    let n = 0;
    for (const m of incident.members) {
      if (m.state === null || m.state === 'restricted') continue;
      await restrict(store, m.address, reason, { placeIncident: incident.incidentId });
      n++;
    }
    const already = incident.members.filter((m) => m.state === 'restricted').length;
    await auditCli(store, 'place-incident.restrict', incident.incidentId, reason);
    process.stderr.write(`${say(t.placeDone, { id: incident.incidentId, n, already, missing: incident.members.length - n - already })}\n`);
    return 0;
  });
}

async function release(store: Store, address: string, reason: string, releaseHeld: boolean): Promise<number> {
  const ts = new Date().toISOString();
  await store.accounts.update(address, { state: 'active' });
  let count = 0;
  if (releaseHeld) {
    for (const m of await store.queue.list({ account: address, state: 'held', limit: 100_000 })) count += (await store.queue.release(m.id)) ? 1 : 0;
  }
  await store.events.append({ ts, code: 'account:released', account: address, data: { reason, by: 'cli', requeued: count } });
  await auditCli(store, 'account.release', address, reason, { requeued: count });
  process.stderr.write(`${say(t.released, { address, count })}\n`);
  return 0;
}

/** Whole hours from 1 to CAMPAIGN_MAX_HOURS, or NaN. */
function campaignHours(raw: string | undefined): number {
  const n = Number(raw);
  return raw !== undefined && Number.isInteger(n) && n >= 1 && n <= CAMPAIGN_MAX_HOURS ? n : NaN;
}

/**
 * Records the allowance (`hours` 0: its end); every running node's engine follows the event, and
 * the administrators are told (mail queued for the gateway to deliver, webhooks called from here,
 * waited for so that the command ends after them).
 */
async function campaign(store: Store, config: LoadedConfig, address: string, reason: string, hours: number): Promise<number> {
  const { until, webhooks } = await recordCampaign(store, address, hours, reason, cliActor(), notifierFor(config, store, createLogger('silent')));
  await auditCli(store, hours > 0 ? 'account.campaign' : 'account.campaign-end', address, reason, { until });
  process.stderr.write(`${hours > 0 ? say(t.campaign, { address, until }) : say(t.campaignEnded, { address })}\n`);
  await webhooks;
  return 0;
}
