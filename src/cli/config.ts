import type { Text } from '../core/i18n.js';
import { configReference } from '../config/docs.js';
import { fail, parseCommand } from './args.js';
import { loadForCommand } from './context.js';

export const summary: Text = { en: 'Check the config, show the effective config (secrets hidden), print the reference', ja: '設定の検査・実効設定の表示 (秘密情報は伏せ字)・リファレンスの出力' };

const help: Text = {
  en: 'Usage: mailwarden config check|show|docs [--config FILE]\n  check  validate the file; exit 1 with the key, value and fix on an error\n  show   the effective config as JSON, secrets redacted\n  docs   the reference of every key (docs/config.md)',
  ja: '使い方: mailwarden config check|show|docs [--config FILE]\n  check  ファイルを検証 (誤りがあればキー・値・直し方を表示して終了コード 1)\n  show   実効設定を JSON で表示 (秘密情報は伏せ字)\n  docs   全キーのリファレンス (docs/config.md)',
};

const unknownSub: Text = { en: 'Unknown subcommand "{name}". Run "mailwarden config --help".', ja: '不明なサブコマンド「{name}」です。"mailwarden config --help" を参照してください。' };
const valid: Text = { en: 'The config is valid.', ja: '設定は正しい形式です。' };

const SECRET_KEYS = /(password|secret|pass)$/i;

/** Replaces every secret value, and the credentials in a store or Redis URL, before printing. */
export function redact(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (SECRET_KEYS.test(key) || key === 'previousSecrets' || key === 'previousAppPasswordSecrets') return value ? '[redacted]' : '';
    return value.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:[redacted]@');
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(args, { config: { type: 'string' } }, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const [sub] = parsed.parsed.positionals;
  if (sub === 'docs') {
    process.stdout.write(configReference());
    return 0;
  }
  if (sub !== 'check' && sub !== 'show') return fail(unknownSub, { name: sub ?? '' }, 2);
  const config = loadForCommand(parsed.parsed.values.config);
  if (!config) return 1;
  if (sub === 'check') return fail(valid, {}, 0);
  process.stdout.write(`${JSON.stringify(redact(config), null, 2)}\n`);
  return 0;
}
