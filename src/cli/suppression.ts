import { say, type Text } from '../core/i18n.js';
import type { Store, Suppression } from '../storage/ports/index.js';
import { fail, parseCommand, printJsonLine } from './args.js';
import { cliActor, loadForCommand, withStore } from './context.js';

export const summary: Text = {
  en: 'The suppression list: addresses no longer sent to after a hard bounce (list, add, remove)',
  ja: '送信停止リスト: 恒久的な配送エラーの後に送信を止めたアドレス (一覧・追加・解除)',
};

const help: Text = {
  en: `Usage: mailwarden suppression <subcommand> [--config FILE]
  list [--limit N] [--json]              newest first
  add ADDRESS [--reason TEXT]            stop sending to an address by hand
  remove ADDRESS [--reason TEXT]         send to it again (e.g. the mailbox exists again)
Submission refuses a suppressed recipient at RCPT TO with 550 5.1.1 and the date and reason.`,
  ja: `使い方: mailwarden suppression <サブコマンド> [--config FILE]
  list [--limit N] [--json]              新しい順
  add アドレス [--reason 理由]            手動で送信を停止
  remove アドレス [--reason 理由]         送信を再開 (メールボックスが復活した場合など)
停止中の宛先は、送信受付の RCPT TO で 550 5.1.1 (日付と理由つき) により拒否されます。`,
};

const t = {
  header: { en: 'ADDRESS / SINCE / REASON / STATUS / QUEUE ID / BY', ja: 'アドレス / 停止日時 / 理由 / ステータス / キュー ID / 登録者' },
  empty: { en: 'The suppression list is empty.', ja: '送信停止リストは空です。' },
  added: { en: 'Suppressed: {address}', ja: '送信停止にしました: {address}' },
  already: { en: '{address} was already suppressed; the entry is now manual.', ja: '{address} はすでに送信停止でした。手動の登録に更新しました。' },
  removed: { en: 'Removed from the suppression list: {address}', ja: '送信停止を解除しました: {address}' },
  notThere: { en: '{address} is not on the suppression list.', ja: '{address} は送信停止リストにありません。' },
  badAddress: { en: 'Give one email address, e.g. "mailwarden suppression remove kijitora@example.net".', ja: 'メールアドレスを 1 つ指定してください (例: "mailwarden suppression remove kijitora@example.net")。' },
  unknownSub: { en: 'Unknown subcommand "{name}". Run "mailwarden suppression --help".', ja: '不明なサブコマンド「{name}」です。"mailwarden suppression --help" を参照してください。' },
} satisfies Record<string, Text>;

const options = { config: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, reason: { type: 'string' } } as const;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(args, options, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values: v, positionals: [sub, address] } = parsed.parsed;
  if (sub !== 'list' && sub !== 'add' && sub !== 'remove') return fail(t.unknownSub, { name: sub ?? '' }, 2);
  if (sub !== 'list' && !/^[^\s@]+@[^\s@]+$/.test(address ?? '')) return fail(t.badAddress, {}, 2);
  const config = loadForCommand(v.config);
  if (!config) return 2;
  const reason = typeof v.reason === 'string' ? v.reason : '';
  return withStore(config, (store) => {
    if (sub === 'list') return list(store, Number(v.limit ?? 1000), v.json === true);
    return sub === 'add' ? add(store, address!, reason) : remove(store, address!, reason);
  });
}

async function list(store: Store, limit: number, json: boolean): Promise<number> {
  const entries = await store.suppression.list({ limit });
  if (json) {
    entries.forEach((e) => printJsonLine(e));
    return 0;
  }
  if (entries.length === 0) {
    process.stderr.write(`${say(t.empty)}\n`);
    return 0;
  }
  process.stdout.write(`${say(t.header)}\n`);
  for (const e of entries) process.stdout.write(`${[e.address, e.createdAt, e.reason, e.status || '-', e.sourceQueueId ?? '-', e.createdBy].join('  ')}\n`);
  return 0;
}

/** Manual changes are recorded in the event record and the audit log: who lifted a suppression, and why. */
async function record(store: Store, action: 'added' | 'removed', address: string, reason: string): Promise<void> {
  const ts = new Date().toISOString();
  await store.events.append({ ts, code: `suppression:${action}`, account: null, data: { address, by: cliActor(), reason } });
  await store.audit.append({ ts, actor: cliActor(), action: `suppression.${action === 'added' ? 'add' : 'remove'}`, target: address, reason, data: {} });
}

async function add(store: Store, address: string, reason: string): Promise<number> {
  const entry: Suppression = { address: address.toLowerCase(), reason: 'manual', status: '', sourceQueueId: null, createdBy: cliActor(), createdAt: new Date().toISOString() };
  const fresh = await store.suppression.add(entry);
  await record(store, 'added', entry.address, reason);
  process.stdout.write(`${say(fresh ? t.added : t.already, { address: entry.address })}\n`);
  return 0;
}

async function remove(store: Store, address: string, reason: string): Promise<number> {
  if (!(await store.suppression.remove(address))) return fail(t.notThere, { address }, 1);
  await record(store, 'removed', address.toLowerCase(), reason);
  process.stdout.write(`${say(t.removed, { address: address.toLowerCase() })}\n`);
  return 0;
}
