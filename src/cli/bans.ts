import { activeBans, BAN_CODES, BAN_LIFTED, ACCOUNT_RESET, banWindowStart, type ActiveBan } from '../auth/bans.js';
import { parseCidr, sourceKey } from '../auth/guard/index.js';
import { say, type Text } from '../core/i18n.js';
import type { Store } from '../storage/ports/index.js';
import { fail, parseCommand, printJsonLine } from './args.js';
import { cliActor, loadForCommand, withStore, type LoadedConfig } from './context.js';

export const summary: Text = {
  en: 'Brute-force bans of SMTP AUTH sources (list, lift)',
  ja: 'SMTP 認証の総当たり対策によるブロック (一覧・解除)',
};

const help: Text = {
  en: `Usage: mailwarden bans <subcommand> [--config FILE]
  list [--json]                                 bans still running, from the event record
  lift SOURCE [--account ADDRESS] [--reason T]  lift the ban of an address (or IPv6 /64),
                                                or only its ban on one account
  lift --account ADDRESS [--reason T]           lift every ban on the account and its lock
                                                after 100 failures
Running gateways apply a lift within a second.`,
  ja: `使い方: mailwarden bans <サブコマンド> [--config FILE]
  list [--json]                                 継続中のブロック (イベント記録から)
  lift 送信元 [--account アドレス] [--reason 理由] アドレス (IPv6 は /64) のブロック、
                                                または特定アカウントへのブロックのみを解除
  lift --account アドレス [--reason 理由]        アカウントへのすべてのブロックと、
                                                100 回失敗後の制限を解除
稼働中のゲートウェイは 1 秒以内に解除を反映します。`,
};

const t = {
  header: { en: 'SOURCE / ACCOUNT / SINCE / UNTIL / COUNT', ja: '送信元 / アカウント / 開始 / 終了 / 回数' },
  empty: { en: 'No ban is running.', ja: '継続中のブロックはありません。' },
  lifted: { en: 'Lifted: {what} ({n} running ban(s) matched).', ja: '解除しました: {what} (該当する継続中のブロック {n} 件)。' },
  badSource: { en: 'Give an IP address, e.g. "mailwarden bans lift 203.0.113.7", or --account ADDRESS.', ja: 'IP アドレスを指定してください (例: "mailwarden bans lift 203.0.113.7")。または --account アドレス を指定してください。' },
  unknownSub: { en: 'Unknown subcommand "{name}". Run "mailwarden bans --help".', ja: '不明なサブコマンド「{name}」です。"mailwarden bans --help" を参照してください。' },
} satisfies Record<string, Text>;

const options = { config: { type: 'string' }, json: { type: 'boolean' }, account: { type: 'string' }, reason: { type: 'string' } } as const;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(args, options, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values: v, positionals: [sub, target] } = parsed.parsed;
  if (sub !== 'list' && sub !== 'lift') return fail(t.unknownSub, { name: sub ?? '' }, 2);
  const account = typeof v.account === 'string' ? v.account.trim().toLowerCase() : null;
  if (sub === 'lift' && !account && !(target && parseCidr(target))) return fail(t.badSource, {}, 2);
  const config = loadForCommand(v.config);
  if (!config) return 2;
  return withStore(config, async (store) => {
    if (sub === 'list') return list(store, config, v.json === true);
    const source = target ? sourceKey(target, config.auth.guard.ipv6PrefixLength) : null;
    return lift(store, config, source, account, typeof v.reason === 'string' ? v.reason : '');
  });
}

async function running(store: Store, config: LoadedConfig): Promise<ActiveBan[]> {
  const now = Date.now();
  const since = banWindowStart(now, config.auth.guard.banMaxMs);
  const events = await store.events.query({ since, codes: [...BAN_CODES, BAN_LIFTED, ACCOUNT_RESET], limit: 1_000_000 });
  return activeBans(events, now);
}

async function list(store: Store, config: LoadedConfig, json: boolean): Promise<number> {
  const bans = await running(store, config);
  if (json) {
    bans.forEach((b) => printJsonLine(b));
    return 0;
  }
  if (bans.length === 0) {
    process.stderr.write(`${say(t.empty)}\n`);
    return 0;
  }
  process.stdout.write(`${say(t.header)}\n`);
  for (const b of bans) process.stdout.write(`${[b.source, b.account ?? '-', b.since, b.until, b.count].join('  ')}\n`);
  return 0;
}

/** Recorded in the event record (which the gateways follow) and in the audit log: who lifted what, and why. */
async function lift(store: Store, config: LoadedConfig, source: string | null, account: string | null, reason: string): Promise<number> {
  const matched = (await running(store, config)).filter((b) => (source === null || b.source === source) && b.account === account).length;
  const ts = new Date().toISOString();
  const by = cliActor();
  await store.events.append({ ts, code: BAN_LIFTED, account, data: { source, account, by, reason } });
  const what = [source, account].filter(Boolean).join(' / ');
  await store.audit.append({ ts, actor: by, action: 'auth.ban-lift', target: what, reason, data: { source, account } });
  process.stderr.write(`${say(t.lifted, { what, n: matched })}\n`);
  return 0;
}
