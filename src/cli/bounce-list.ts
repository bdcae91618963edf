import { say, type Text } from '../core/i18n.js';
import type { InboundKind, InboundMessage } from '../storage/ports/index.js';
import { fail, parseCommand, printJsonLine } from './args.js';
import { loadForCommand, withStore } from './context.js';

/**
 * `mailwarden bounce list`: the bounces, complaints and reports the gateway received, from the
 * store, newest first. Kept apart from `bounce parse`, which must run without config or store.
 */
const help: Text = {
  en: `Usage: mailwarden bounce list [--account ADDRESS] [--kind KIND] [--limit N] [--json] [--config FILE]
Newest first. KIND: bounce, complaint, autoreply, none, dmarc-report, spoofing, unmatched.
--json prints one object per line: id, receivedAt, source, kind, account, queueId, state, summary.`,
  ja: `使い方: mailwarden bounce list [--account アドレス] [--kind 種類] [--limit N] [--json] [--config FILE]
新しい順に表示します。種類: bounce, complaint, autoreply, none, dmarc-report, spoofing, unmatched。
--json では 1 行に 1 件 (id, receivedAt, source, kind, account, queueId, state, summary) を出力します。`,
};

const t = {
  header: { en: 'RECEIVED / KIND / ACCOUNT / QUEUE ID / RECIPIENTS', ja: '受信日時 / 種類 / アカウント / キュー ID / 宛先' },
  empty: { en: 'No bounces received yet.', ja: 'まだバウンスを受信していません。' },
  badKind: { en: 'Unknown kind "{kind}". Run "mailwarden bounce list --help".', ja: '不明な種類「{kind}」です。"mailwarden bounce list --help" を参照してください。' },
} satisfies Record<string, Text>;

const KINDS: InboundKind[] = ['bounce', 'complaint', 'autoreply', 'none', 'dmarc-report', 'spoofing', 'unmatched'];
const options = { config: { type: 'string' }, account: { type: 'string' }, kind: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } } as const;

/** One line per message: who it concerns and what each recipient's bounce said. */
function line(m: InboundMessage): string {
  const rcpts = (m.summary.recipients as { address: string; status?: string; reason?: string }[] | undefined) ?? [];
  const what = rcpts.map((r) => `${r.address} ${r.status ?? ''} ${r.reason ?? ''}`.trim()).join(', ');
  const kind = m.state === 'handled' ? (m.kind ?? '-') : `${m.state}${m.error ? `: ${m.error}` : ''}`;
  return [m.receivedAt, kind, m.account ?? '-', m.queueId ?? '-', what || '-'].join('  ');
}

export async function runList(args: string[]): Promise<number> {
  const parsed = parseCommand(args, options, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const v = parsed.parsed.values;
  const kind = v.kind as InboundKind | undefined;
  if (kind && !KINDS.includes(kind)) return fail(t.badKind, { kind }, 2);
  const config = loadForCommand(v.config);
  if (!config) return 2;
  const query = { account: v.account as string | undefined, kind, limit: Number(v.limit ?? 100), newestFirst: true };
  return withStore(config, async (store) => {
    const found = await store.bounces.list(query);
    if (v.json) {
      for (const m of found) printJsonLine({ id: m.id, receivedAt: m.receivedAt, source: m.source, kind: m.kind, account: m.account, queueId: m.queueId, state: m.state, summary: m.summary });
      return 0;
    }
    if (found.length === 0) {
      process.stderr.write(`${say(t.empty)}\n`);
      return 0;
    }
    process.stdout.write(`${say(t.header)}\n${found.map(line).join('\n')}\n`);
    return 0;
  });
}
