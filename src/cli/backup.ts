import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { sqlitePath } from '../app/open-store.js';
import { say, type Text } from '../core/i18n.js';
import { fail, parseCommand } from './args.js';
import { auditCli, loadForCommand, withStore } from './context.js';

export const summary: Text = {
  en: 'Copy the embedded store (SQLite) to a file while the gateway runs',
  ja: '稼働中のゲートウェイの組み込みストア (SQLite) をファイルにコピー',
};

const help: Text = {
  en: `Usage: mailwarden backup FILE [--config FILE]

Copies the embedded store (accounts, queue with message bodies, events, audit log) to FILE with
SQLite's online backup: a consistent copy, taken while the gateway keeps running. FILE must not
exist yet. Back up the TLS and DKIM keys, dataDir/app-password.key and the configuration apart
(see docs/deploy.md, "What to back up"). A PostgreSQL store is backed up with pg_dump or base
backups instead.`,
  ja: `使い方: mailwarden backup ファイル [--config FILE]

組み込みストア (アカウント、本文を含むキュー、イベント、監査ログ) を SQLite のオンライン
バックアップでファイルにコピーします。ゲートウェイを止めずに、整合性のあるコピーが取れます。
ファイルはまだ存在しないものを指定してください。TLS と DKIM の鍵、dataDir/app-password.key、
設定ファイルは別にバックアップしてください (docs/deploy.md の「What to back up」)。
PostgreSQL のストアは pg_dump またはベースバックアップでバックアップします。`,
};

const t = {
  needFile: { en: 'Give the file to write the copy to, e.g. "mailwarden backup /backup/mailwarden-2026-11-30.db".', ja: 'コピー先のファイルを指定してください (例: "mailwarden backup /backup/mailwarden-2026-11-30.db")。' },
  exists: { en: '{file} exists already: give a new file, so that no earlier backup is overwritten.', ja: '{file} はすでに存在します。以前のバックアップを上書きしないよう、新しいファイルを指定してください。' },
  postgres: { en: 'The store is PostgreSQL ({store}): back it up with pg_dump or base backups (docs/deploy.md, "What to back up").', ja: 'ストアは PostgreSQL ({store}) です。pg_dump またはベースバックアップでバックアップしてください (docs/deploy.md の「What to back up」)。' },
  missing: { en: 'No store at {path}: start the gateway once, or check "store" in the configuration.', ja: '{path} にストアがありません。ゲートウェイを一度起動するか、設定の "store" を確認してください。' },
  failed: { en: 'Backup failed: {error}. Nothing usable was written to {file}; check the space and permissions there.', ja: 'バックアップに失敗しました: {error}。{file} に使えるものは書かれていません。空き容量と権限を確認してください。' },
  done: { en: 'Store copied to {file} ({pages} pages). Keep the keys and the configuration with it (see --help).', ja: 'ストアを {file} にコピーしました ({pages} ページ)。鍵と設定も一緒に保管してください (--help を参照)。' },
} satisfies Record<string, Text>;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(args, { config: { type: 'string' } }, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values: v, positionals } = parsed.parsed;
  if (positionals.length !== 1) return fail(t.needFile, {}, 2);
  const file = resolve(positionals[0]);
  if (existsSync(file)) return fail(t.exists, { file }, 2);
  const config = loadForCommand(v.config);
  if (!config) return 2;
  const path = sqlitePath(config.store, config.configDir);
  if (path === null) return fail(t.postgres, { store: config.store.replace(/\/\/[^@/]*@/, '//…@') }, 2);
  if (path === ':memory:' || !existsSync(path)) return fail(t.missing, { path });
  // A connection of its own, reading only: the running gateway keeps writing meanwhile.
  const db = new Database(path, { readonly: true, fileMustExist: true });
  let pages: number;
  try {
    ({ totalPages: pages } = await db.backup(file));
  } catch (err) {
    rmSync(file, { force: true });
    return fail(t.failed, { error: (err as Error).message, file });
  } finally {
    db.close();
  }
  await withStore(config, (store) => auditCli(store, 'store.backup', file));
  process.stderr.write(`${say(t.done, { file, pages })}\n`);
  return 0;
}
