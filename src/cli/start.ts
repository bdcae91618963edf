import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { startGateway } from '../app/gateway.js';
import { initialise } from '../app/init.js';
import { say, type Text } from '../core/i18n.js';
import { parseCommand } from './args.js';
import { configPath, loadForCommand } from './context.js';

export const summary: Text = { en: 'Start the gateway (submission, delivery, bounces, console)', ja: 'ゲートウェイを起動 (送信受付・配送・バウンス受信・管理画面)' };

const help: Text = {
  en: 'Usage: mailwarden start [--config FILE] [--init]\n--init creates the config, data directory and certificate first when the config file does not exist.\nSIGTERM or Ctrl-C stops cleanly: sessions in flight finish first.',
  ja: '使い方: mailwarden start [--config FILE] [--init]\n--init: 設定ファイルがなければ、設定・データディレクトリ・証明書を先に作成します。\nSIGTERM または Ctrl-C で安全に停止します (処理中のセッションは完了させます)。',
};

const t = {
  listening: { en: 'Mailwarden is running. Listening:', ja: 'Mailwarden が起動しました。待ち受け:' },
  starttls: { en: '  submission (STARTTLS)   {host}:{port}', ja: '  送信受付 (STARTTLS)     {host}:{port}' },
  tls: { en: '  submission (implicit TLS) {host}:{port}', ja: '  送信受付 (暗黙的 TLS)   {host}:{port}' },
  plain: { en: '  plain port for tests (no AUTH) {host}:{port}', ja: '  テスト用平文ポート (AUTH なし) {host}:{port}' },
  bounce: { en: '  bounces and DMARC reports {host}:{port}', ja: '  バウンス・DMARC レポート受信 {host}:{port}' },
  device: { en: '  devices without AUTH (listed sources only) {host}:{port}', ja: '  認証できない機器用 (登録済みの送信元のみ) {host}:{port}' },
  store: { en: '  store: {store}', ja: '  ストア: {store}' },
  console: { en: '  admin console and API   {url}   (create an administrator: npx mailwarden admin add NAME --role admin)', ja: '  管理画面と API          {url}   (管理者の作成: npx mailwarden admin add 名前 --role admin)' },
  stopping: { en: 'Stopping: finishing sessions in flight...', ja: '停止中: 処理中のセッションを完了させています...' },
  stopped: { en: 'Stopped.', ja: '停止しました。' },
  noUsers: { en: 'No accounts yet: add one with "npx mailwarden user add you@example.com".', ja: 'アカウントがまだありません: "npx mailwarden user add you@example.com" で追加してください。' },
} satisfies Record<string, Text>;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(args, { config: { type: 'string' }, init: { type: 'boolean' } }, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const path = configPath(parsed.parsed.values.config);
  if (!existsSync(path) && parsed.parsed.values.init) await initialise(dirname(path));
  const config = loadForCommand(path);
  if (!config) return 2;
  const gateway = await startGateway(config);
  const lines = [say(t.listening)];
  for (const l of gateway.listeners) lines.push(say(t[l.name], { host: l.name === 'bounce' ? config.bounces.host : config.submission.host, port: l.port }));
  if (gateway.adminPort) lines.push(say(t.console, { url: `http://${config.admin.host}:${gateway.adminPort}/` }));
  lines.push(say(t.store, { store: config.store }));
  if ((await gateway.store.accounts.list()).length === 0) lines.push(say(t.noUsers));
  process.stdout.write(`${lines.join('\n')}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  process.stderr.write(`${say(t.stopping)}\n`);
  await gateway.stop();
  process.stderr.write(`${say(t.stopped)}\n`);
  return 0;
}
