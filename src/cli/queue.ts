import { say, type Text } from '../core/i18n.js';
import type { QueuedMessage, Store } from '../storage/ports/index.js';
import { fail, parseCommand, printJsonLine } from './args.js';
import { auditCli, loadForCommand, withStore } from './context.js';

export const summary: Text = { en: 'Inspect and manage the queue and quarantine (list, show, retry, release, delete)', ja: 'キューと隔離の確認・操作 (一覧・表示・再送・解放・削除)' };

const help: Text = {
  en: `Usage: mailwarden queue <subcommand> [--config FILE]
  list [--state queued|held|done] [--account ADDRESS] [--limit N] [--json]
  show ID [--raw]        retry ID        release ID        delete ID`,
  ja: `使い方: mailwarden queue <サブコマンド> [--config FILE]
  list [--state queued|held|done] [--account アドレス] [--limit N] [--json]
  show ID [--raw]        retry ID        release ID        delete ID`,
};

const t = {
  missing: { en: 'No message {id} in the queue. "mailwarden queue list" shows the queue.', ja: 'キューにメッセージ {id} はありません。"mailwarden queue list" で確認できます。' },
  notState: { en: 'Message {id} is not {state}; nothing done.', ja: 'メッセージ {id} は {state} ではないため、何もしていません。' },
  done: { en: '{action}: {id}', ja: '{action}: {id}' },
  unknownSub: { en: 'Unknown subcommand "{name}". Run "mailwarden queue --help".', ja: '不明なサブコマンド「{name}」です。"mailwarden queue --help" を参照してください。' },
  badState: { en: '--state must be queued, held or done.', ja: '--state には queued・held・done のいずれかを指定してください。' },
} satisfies Record<string, Text>;

const options = {
  config: { type: 'string' },
  state: { type: 'string' },
  account: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  raw: { type: 'boolean' },
} as const;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(args, options, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values: v, positionals: [sub, id] } = parsed.parsed;
  const config = loadForCommand(v.config);
  if (!config) return 2;
  if (sub === 'list') {
    const state = v.state as string | undefined;
    if (state && !['queued', 'held', 'done'].includes(state)) return fail(t.badState, {}, 2);
    return withStore(config, (s) => list(s, { state: state as QueuedMessage['state'] | undefined, account: v.account as string | undefined, limit: Number(v.limit ?? 1000) }, v.json === true));
  }
  const actions: Record<string, (s: Store, id: string) => Promise<number>> = {
    show: (s, i) => show(s, i, v.raw === true),
    retry: (s, i) => act(s.queue.retryNow(i), i, 'retry', 'queued'),
    release: (s, i) => act(s.queue.release(i), i, 'release', 'held'),
    delete: (s, i) => act(s.queue.delete(i), i, 'delete', 'queued'),
  };
  const action = actions[sub ?? ''];
  if (!action || !id) return fail(t.unknownSub, { name: sub ?? '' }, 2);
  return withStore(config, async (s) => {
    const m = await s.queue.get(id);
    if (!m) return fail(t.missing, { id });
    const code = await action(s, id);
    if (code === 0 && sub !== 'show') {
      await s.events.append({ ts: new Date().toISOString(), code: `queue:${sub}`, account: null, data: { queueId: id, by: 'cli' } });
      await auditCli(s, sub === 'release' ? 'quarantine.release' : `queue.${sub}`, id, '', { account: m.account });
    }
    return code;
  });
}

async function list(store: Store, filter: { state?: QueuedMessage['state']; account?: string; limit: number }, json: boolean): Promise<number> {
  for (const m of await store.queue.list(filter)) {
    if (json) {
      printJsonLine(m);
      continue;
    }
    const pending = m.recipients.filter((r) => r.status !== 'delivered' && r.status !== 'failed').length;
    process.stdout.write(`${m.id}  ${m.state.padEnd(6)} ${m.createdAt}  ${m.account}  ${m.recipients.length} rcpt (${pending} open)  next ${m.nextAttemptAt}${m.reason ? `  ${m.reason}` : ''}\n`);
  }
  return 0;
}

async function show(store: Store, id: string, raw: boolean): Promise<number> {
  if (raw) {
    process.stdout.write((await store.queue.getRaw(id)) ?? Buffer.alloc(0));
    return 0;
  }
  process.stdout.write(`${JSON.stringify(await store.queue.get(id), null, 2)}\n`);
  return 0;
}

async function act(done: Promise<boolean>, id: string, action: string, state: string): Promise<number> {
  if (!(await done)) return fail(t.notState, { id, state });
  process.stderr.write(`${say(t.done, { action, id })}\n`);
  return 0;
}
