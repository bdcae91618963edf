import { verifyAuditChain } from '../admin/audit.js';
import { say, type Text } from '../core/i18n.js';
import type { Store } from '../storage/ports/index.js';
import { fail, parseCommand, printJsonLine } from './args.js';
import { loadForCommand, withStore } from './context.js';

export const summary: Text = { en: 'Show and verify the tamper-evident audit log', ja: '改ざん検知付き監査ログの表示と検証' };

const help: Text = {
  en: `Usage: mailwarden audit <subcommand> [--config FILE]
  verify [--json]     recompute the hash chain; exit 1 at the first changed, deleted or inserted entry
  list [--json] [--limit N] [--actor A] [--action PREFIX] [--since ISO]
"verify" prints the hash of the last entry: keep a copy elsewhere to detect truncation later.`,
  ja: `使い方: mailwarden audit <サブコマンド> [--config FILE]
  verify [--json]     ハッシュチェーンを再計算し、最初に見つかった変更・削除・挿入で終了コード 1
  list [--json] [--limit N] [--actor A] [--action 接頭辞] [--since ISO]
"verify" は最後のエントリのハッシュを表示します。末尾の削除を後で検出できるよう、別の場所に控えてください。`,
};

const t = {
  intact: { en: 'Audit log intact: {entries} entries; head {head}', ja: '監査ログは改ざんされていません: {entries} 件、先頭ハッシュ {head}' },
  tampered: {
    en: 'AUDIT LOG TAMPERED: entry {seq} {kind} ({detail}). {entries} entries before it verify. Restore the store from a backup and investigate who had database access.',
    ja: '監査ログが改ざんされています: エントリ {seq} が{kind} ({detail})。それより前の {entries} 件は正常です。バックアップから復元し、データベースにアクセスできた者を調査してください。',
  },
  unknownSub: { en: 'Unknown subcommand "{name}". Run "mailwarden audit --help".', ja: '不明なサブコマンド「{name}」です。"mailwarden audit --help" を参照してください。' },
} satisfies Record<string, Text>;

const kinds: Record<string, Text> = {
  changed: { en: 'was changed', ja: '変更されています' },
  deleted: { en: 'was deleted', ja: '削除されています' },
  inserted: { en: 'was inserted', ja: '挿入されています' },
  relinked: { en: 'was relinked', ja: 'つなぎ替えられています' },
};

const options = {
  config: { type: 'string' },
  json: { type: 'boolean' },
  limit: { type: 'string' },
  actor: { type: 'string' },
  action: { type: 'string' },
  since: { type: 'string' },
} as const;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(args, options, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values: v, positionals: [sub] } = parsed.parsed;
  if (sub !== 'verify' && sub !== 'list') return fail(t.unknownSub, { name: sub ?? '' }, 2);
  const config = loadForCommand(v.config);
  if (!config) return 2;
  if (sub === 'verify') return withStore(config, (s) => verify(s, v.json === true));
  return withStore(config, (s) => list(s, v));
}

async function verify(store: Store, json: boolean): Promise<number> {
  const result = await verifyAuditChain(store.audit);
  if (json) printJsonLine(result);
  if (result.ok) {
    if (!json) process.stdout.write(`${say(t.intact, { entries: result.entries, head: result.head })}\n`);
    return 0;
  }
  const p = result.problem!;
  process.stderr.write(`${say(t.tampered, { seq: p.seq, kind: say(kinds[p.kind]), detail: p.detail, entries: result.entries })}\n`);
  return 1;
}

async function list(store: Store, v: Record<string, unknown>): Promise<number> {
  const limit = Math.max(1, Math.min(100_000, Number(v.limit ?? 100) || 100));
  const entries = await store.audit.query({
    newestFirst: true,
    limit,
    actor: v.actor as string | undefined,
    action: v.action as string | undefined,
    since: v.since as string | undefined,
  });
  for (const e of entries.reverse()) {
    if (v.json === true) printJsonLine(e);
    else process.stdout.write(`${String(e.seq).padStart(6)} ${e.ts} ${e.actor.padEnd(20)} ${e.action.padEnd(22)} ${e.target} ${e.reason}\n`);
  }
  return 0;
}
