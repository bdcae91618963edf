import type { Text } from '../core/i18n.js';
import type { StoredEvent } from '../storage/ports/index.js';
import { fail, parseCommand, printJsonLine } from './args.js';
import { loadForCommand, withStore } from './context.js';

export const summary: Text = { en: 'Show the event record (auth attempts, submissions, deliveries, incidents)', ja: 'イベント記録の表示 (認証・送信・配送・インシデント)' };

const help: Text = {
  en: `Usage: mailwarden events tail [-n N] [--account ADDRESS] [--code CODE]... [--follow] [--json] [--config FILE]
Shows the latest N events (default 50), oldest first; --follow keeps printing new ones.`,
  ja: `使い方: mailwarden events tail [-n N] [--account アドレス] [--code コード]... [--follow] [--json] [--config FILE]
最新 N 件 (既定 50) のイベントを古い順に表示します。--follow で新しいイベントを表示し続けます。`,
};

const unknownSub: Text = { en: 'Unknown subcommand "{name}". Run "mailwarden events --help".', ja: '不明なサブコマンド「{name}」です。"mailwarden events --help" を参照してください。' };

const options = {
  config: { type: 'string' },
  n: { type: 'string', short: 'n' },
  account: { type: 'string' },
  code: { type: 'string', multiple: true },
  follow: { type: 'boolean', short: 'f' },
  json: { type: 'boolean' },
} as const;

function print(e: StoredEvent, json: boolean): void {
  if (json) printJsonLine(e);
  else process.stdout.write(`${e.ts}  ${e.code.padEnd(24)} ${(e.account ?? '-').padEnd(28)} ${JSON.stringify(e.data)}\n`);
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(args, options, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values: v, positionals: [sub] } = parsed.parsed;
  if (sub !== 'tail') return fail(unknownSub, { name: sub ?? '' }, 2);
  const config = loadForCommand(v.config);
  if (!config) return 2;
  const filter = { account: v.account as string | undefined, codes: v.code as string[] | undefined };
  return withStore(config, async (store) => {
    const latest = await store.events.query({ ...filter, limit: Number(v.n ?? 50), newestFirst: true });
    latest.reverse().forEach((e) => print(e, v.json === true));
    let afterId = latest.length ? latest[latest.length - 1].id : 0;
    while (v.follow) {
      await new Promise((r) => setTimeout(r, 1000));
      for (const e of await store.events.query({ ...filter, afterId, limit: 1000 })) {
        print(e, v.json === true);
        afterId = e.id;
      }
    }
    return 0;
  });
}
