import { lang, say, type Text } from '../core/i18n.js';
import { placeText, reasonText } from '../core/reason-text.js';
import { incidentDetail, listIncidents, listPlaceIncidents, placeIncidentDetail } from '../admin/incidents.js';
import type { Store } from '../storage/ports/index.js';
import { fail, parseCommand, printJsonLine } from './args.js';
import { auditCli, cliActor, loadForCommand, withStore } from './context.js';

export const summary: Text = {
  en: 'Incidents of accounts and of the organisation: list, show, add a note',
  ja: 'アカウントと組織のインシデント: 一覧・詳細・メモの追加',
};

const help: Text = {
  en: `Usage: mailwarden incidents <subcommand> [--config FILE]
  list [--open] [--json]        the accounts' incidents (a number each), then the organisation's
                                (many accounts mailing strangers from one new place; an id each)
  show ID [--json]              one incident: reasons, evidence or accounts, notes, checklist
  note ID --text TEXT           add a note to it (recorded with your name, and audited)
The console's Incidents page shows the same; "mailwarden account restrict --place-incident ID"
restricts every account an incident of the organisation names.`,
  ja: `使い方: mailwarden incidents <サブコマンド> [--config FILE]
  list [--open] [--json]        アカウントのインシデント (番号) と、組織のインシデント
                                (同じ新しい送信元から複数アカウントが初めての相手へ送信; ID)
  show ID [--json]              インシデントの詳細: 理由、証拠またはアカウント、メモ、チェックリスト
  note ID --text 本文           メモを追加 (実行者の名前とともに記録され、監査ログに残ります)
管理画面のインシデントのページにも同じ内容が表示されます。"mailwarden account restrict
--place-incident ID" で組織のインシデントに名前の挙がったアカウントをまとめて停止できます。`,
};

const t = {
  unknownSub: { en: 'Unknown subcommand "{name}". Run "mailwarden incidents --help".', ja: '不明なサブコマンド「{name}」です。"mailwarden incidents --help" を参照してください。' },
  needId: { en: 'Give the incident\'s number or id, e.g. "mailwarden incidents show 42" (see "mailwarden incidents list").', ja: 'インシデントの番号または ID を指定してください (例: "mailwarden incidents show 42"。一覧は "mailwarden incidents list")。' },
  needText: { en: 'Give the note with --text "..."', ja: '--text "..." でメモを指定してください。' },
  missing: { en: 'No incident "{id}". See "mailwarden incidents list".', ja: 'インシデント「{id}」はありません。"mailwarden incidents list" を参照してください。' },
  none: { en: 'No incidents. When the detection engine puts an account on watch or restricts it, it appears here.', ja: 'インシデントはありません。検知エンジンがアカウントを監視または停止すると、ここに表示されます。' },
  accounts: { en: 'Incidents of accounts (#, account, state, status, opened, why):', ja: 'アカウントのインシデント (番号、アカウント、状態、状況、発生、理由):' },
  places: { en: 'Incidents of the organisation (id, place, accounts, restricted, last report):', ja: '組織のインシデント (ID、送信元、アカウント数、停止数、最新の報告):' },
  open: { en: 'open', ja: '未解決' },
  closed: { en: 'closed', ja: '解決済み' },
  noted: { en: 'Note added to incident {id}.', ja: 'インシデント {id} にメモを追加しました。' },
} satisfies Record<string, Text>;

const options = { config: { type: 'string' }, json: { type: 'boolean' }, open: { type: 'boolean' }, text: { type: 'string' } } as const;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(args, options, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values: v, positionals: [sub, id] } = parsed.parsed;
  if (sub !== 'list' && sub !== 'show' && sub !== 'note') return fail(t.unknownSub, { name: sub ?? '' }, 2);
  if (sub !== 'list' && !id) return fail(t.needId, {}, 2);
  const text = typeof v.text === 'string' ? v.text.trim() : '';
  if (sub === 'note' && !text) return fail(t.needText, {}, 2);
  const config = loadForCommand(v.config);
  if (!config) return 2;
  return withStore(config, async (store) => {
    if (sub === 'list') return list(store, v.open === true, v.json === true);
    const found = await find(store, id!);
    if (!found) return fail(t.missing, { id: id! });
    if (sub === 'show') {
      if (v.json === true) printJsonLine(found.detail);
      else process.stdout.write(`${JSON.stringify(found.detail, null, 2)}\n`);
      return 0;
    }
    const by = cliActor();
    const target = found.kind === 'account' ? { incident: Number(id) } : { placeIncident: id };
    await store.events.append({ ts: new Date().toISOString(), code: 'incident:note', account: found.kind === 'account' ? found.account : null, data: { ...target, text, by } });
    await auditCli(store, found.kind === 'account' ? 'incident.note' : 'place-incident.note', id!, '', { text });
    process.stderr.write(`${say(t.noted, { id: id! })}\n`);
    return 0;
  });
}

/** An account's incident by its number, or the organisation's by its id. */
async function find(store: Store, id: string): Promise<{ kind: 'account'; account: string; detail: unknown } | { kind: 'place'; detail: unknown } | null> {
  if (/^\d+$/.test(id)) {
    const detail = await incidentDetail(store, Number(id));
    return detail ? { kind: 'account', account: detail.account, detail } : null;
  }
  const detail = await placeIncidentDetail(store, id);
  return detail ? { kind: 'place', detail } : null;
}

async function list(store: Store, openOnly: boolean, json: boolean): Promise<number> {
  const incidents = (await listIncidents(store)).filter((i) => !openOnly || i.status === 'open');
  const places = await listPlaceIncidents(store);
  if (json) {
    for (const i of incidents) printJsonLine({ of: 'account', ...i });
    for (const p of places) printJsonLine({ of: 'organisation', ...p });
    return 0;
  }
  if (incidents.length === 0 && places.length === 0) {
    process.stderr.write(`${say(t.none)}\n`);
    return 0;
  }
  if (incidents.length > 0) {
    process.stdout.write(`${say(t.accounts)}\n`);
    for (const i of incidents) {
      const why = i.reasons.slice(0, 2).map((r) => reasonText(r, lang())).join('; ');
      process.stdout.write(`  #${i.id}  ${i.account}  ${i.kind}  ${say(i.status === 'open' ? t.open : t.closed)}  ${i.openedAt}  ${why}\n`);
    }
  }
  if (places.length > 0) {
    process.stdout.write(`${say(t.places)}\n`);
    for (const p of places) process.stdout.write(`  ${p.incidentId}  ${placeText(p.where, lang())}  ${p.accounts.length}  ${p.restricted.length}  ${p.lastAt}\n`);
  }
  return 0;
}
