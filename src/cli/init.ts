import { initialise } from '../app/init.js';
import { say, type Text } from '../core/i18n.js';
import { parseCommand } from './args.js';

export const summary: Text = { en: 'Create a config file, a data directory and a self-signed TLS certificate', ja: '設定ファイル・データディレクトリ・自己署名 TLS 証明書を作成' };

const help: Text = {
  en: 'Usage: mailwarden init [DIR] [--hostname NAME]\nWrites DIR/mailwarden.yaml (commented), DIR/data/ and a self-signed certificate in DIR/data/tls/. Existing files are kept.',
  ja: '使い方: mailwarden init [DIR] [--hostname 名前]\nDIR/mailwarden.yaml (説明付き)、DIR/data/、DIR/data/tls/ に自己署名証明書を作成します。既存のファイルは上書きしません。',
};

const t = {
  created: { en: 'created {path}', ja: '作成: {path}' },
  kept: { en: 'kept existing {path}', ja: '既存のため変更なし: {path}' },
  next: {
    en: 'Next: add a user with "mailwarden user add you@example.com", then "npm start" (or "mailwarden start").',
    ja: '次に "mailwarden user add you@example.com" でユーザーを追加し、"npm start" (または "mailwarden start") で起動します。',
  },
} satisfies Record<string, Text>;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(args, { hostname: { type: 'string' } }, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const dir = parsed.parsed.positionals[0] ?? '.';
  const result = await initialise(dir, (parsed.parsed.values.hostname as string | undefined) ?? 'localhost');
  for (const path of result.created) process.stderr.write(`${say(t.created, { path })}\n`);
  for (const path of result.kept) process.stderr.write(`${say(t.kept, { path })}\n`);
  process.stderr.write(`${say(t.next)}\n`);
  return 0;
}
