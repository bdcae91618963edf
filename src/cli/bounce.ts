import { open } from 'node:fs/promises';
import { say, type Text } from '../core/i18n.js';
import { parseCommand, printJsonLine } from './args.js';
import { MAX_INPUT_BYTES, parseBounce, type BounceResult } from '../bounces/parse/index.js';

/**
 * `mailwarden bounce <subcommand>`. Each subcommand is one entry in the table below with its own
 * help; `parse` needs nothing but the files it is given (no store, no config), so that it can run
 * anywhere a bounce was saved.
 */
export const summary: Text = {
  en: 'Read bounce messages: parse DSNs and provider notices into JSON',
  ja: 'バウンスメールの解析: DSN や各社の不達通知を JSON に変換',
};

interface Subcommand {
  run(args: string[]): Promise<number>;
  summary: Text;
}

const subcommands: Record<string, Subcommand> = {
  parse: {
    run: runParse,
    summary: { en: 'parse raw messages and print one JSON line per file', ja: 'メールを解析し、ファイルごとに JSON を 1 行出力' },
  },
  list: {
    // loaded on use, so that `parse` never loads the store modules
    run: async (args) => (await import('./bounce-list.js')).runList(args),
    summary: { en: 'list received bounces, complaints and reports from the store', ja: '受信したバウンス・苦情・レポートをストアから一覧表示' },
  },
};

const groupHelp: Text = {
  en: 'Usage: mailwarden bounce <subcommand> [options]\n\nSubcommands:\n{list}',
  ja: '使い方: mailwarden bounce <サブコマンド> [オプション]\n\nサブコマンド:\n{list}',
};

const unknownSub: Text = {
  en: 'Unknown subcommand "bounce {name}". Run "mailwarden bounce --help" for the list.',
  ja: '不明なサブコマンド「bounce {name}」です。一覧は "mailwarden bounce --help" で確認できます。',
};

export async function run(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const list = Object.entries(subcommands).map(([n, s]) => `  ${n.padEnd(10)} ${say(s.summary)}`);
    const text = `${say(groupHelp, { list: list.join('\n') })}\n`;
    (name ? process.stdout : process.stderr).write(text);
    return name ? 0 : 2;
  }
  const sub = subcommands[name];
  if (!sub) {
    process.stderr.write(`${say(unknownSub, { name })}\n`);
    return 2;
  }
  return sub.run(rest);
}

const parseHelp: Text = {
  en: `Usage: mailwarden bounce parse [--json] FILE...

Reads raw messages (RFC 5322; "-" reads standard input) and prints one JSON object per file, one
line each, in the order given:
  {"file":"a.eml","isBounce":true,"originalMessageId":"<id@host>","recipients":[{"address":…,
   "action":"failed","status":"5.1.1","reason":"userunknown","diagnostic":…,"remoteMta":…}]}
A message that is not a bounce gives "isBounce":false and no recipients. A file that cannot be read
or parsed gives {"file":…,"error":…} and the run goes on. Only the first 10 MB of a file are read.
Output is always JSON; --json is accepted for symmetry with other commands. Exit status 0 when the
run completed, 2 for bad arguments.`,
  ja: `使い方: mailwarden bounce parse [--json] ファイル...

メール (RFC 5322 形式、"-" は標準入力) を読み、ファイルごとに JSON オブジェクトを 1 行ずつ、指定順に出力します:
  {"file":"a.eml","isBounce":true,"originalMessageId":"<id@host>","recipients":[{"address":…,
   "action":"failed","status":"5.1.1","reason":"userunknown","diagnostic":…,"remoteMta":…}]}
バウンスでないメールは "isBounce":false で recipients は空です。読めない・解析できないファイルは
{"file":…,"error":…} となり、処理は続行します。各ファイルは先頭 10 MB まで読みます。
出力は常に JSON です (--json は他のコマンドとの互換のため受け付けます)。終了コードは完了時 0、引数の誤りは 2 です。`,
};

const noFiles: Text = {
  en: 'No input files. Give one or more files, or "-" for standard input.',
  ja: '入力ファイルがありません。ファイルを 1 つ以上、または標準入力なら "-" を指定してください。',
};

async function runParse(args: string[]): Promise<number> {
  const got = parseCommand(args, { json: { type: 'boolean' } }, parseHelp);
  if ('exitCode' in got) return got.exitCode;
  const files = got.parsed.positionals;
  if (files.length === 0) {
    process.stderr.write(`${say(noFiles)}\n`);
    return 2;
  }
  for (const file of files) printJsonLine(await parseOne(file));
  return 0;
}

const cannotRead: Text = { en: 'cannot read: {reason}', ja: '読み込めません: {reason}' };
const cannotParse: Text = { en: 'not a readable message: {reason}', ja: 'メールとして解析できません: {reason}' };

type ParseLine =
  | ({ file: string } & Pick<BounceResult, 'isBounce' | 'originalMessageId' | 'recipients'>)
  | { file: string; error: string };

/** One input file -> its contract line. Every failure becomes an error line; none stops the run. */
async function parseOne(file: string): Promise<ParseLine> {
  let raw: Buffer;
  try {
    raw = file === '-' ? await readStdin() : await readHead(file);
  } catch (err) {
    return { file, error: say(cannotRead, { reason: errorText(err) }) };
  }
  try {
    const r = await parseBounce(raw);
    // only the contract fields: other tools read these lines and the shape is fixed
    return { file, isBounce: r.isBounce, originalMessageId: r.originalMessageId, recipients: r.recipients };
  } catch (err) {
    return { file, error: say(cannotParse, { reason: errorText(err) }) };
  }
}

/** Reads at most MAX_INPUT_BYTES: a bounce's report comes first, the returned original after it. */
async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(MAX_INPUT_BYTES);
    let length = 0;
    while (length < buf.length) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return Buffer.from(buf.subarray(0, length));
  } finally {
    await handle.close();
  }
}

let stdinUsed = false;

async function readStdin(): Promise<Buffer> {
  // standard input can be read once; a second "-" reads as an empty input
  if (stdinUsed) return Buffer.alloc(0);
  stdinUsed = true;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    if (size >= MAX_INPUT_BYTES) continue; // keep draining so the writer is not blocked
    const b = chunk as Buffer;
    chunks.push(b);
    size += b.length;
  }
  return Buffer.concat(chunks).subarray(0, MAX_INPUT_BYTES);
}

const errnoTexts: Record<string, Text> = {
  ENOENT: { en: 'no such file', ja: 'ファイルがありません' },
  EISDIR: { en: 'is a directory', ja: 'ディレクトリです' },
  EACCES: { en: 'permission denied', ja: '権限がありません' },
};

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const known = e?.code ? errnoTexts[e.code] : undefined;
  return known ? say(known) : (e?.message ?? String(err));
}
