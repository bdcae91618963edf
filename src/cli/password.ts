/**
 * `mailwarden password check`: runs the password policy on one candidate read from stdin, so that
 * an administrator (or a script) can test a password before setting it. The password is never
 * taken as an argument: arguments end up in shell history and in `ps` output.
 */
import { say, type Text } from '../core/i18n.js';
import { fail, parseCommand, printJsonLine } from './args.js';
import { checkPassword, type PasswordVerdict } from '../auth/password-policy/index.js';

export const summary: Text = { en: 'Check a password against the password policy', ja: 'パスワードがパスワードポリシーを満たすか確認する' };

const help: Text = {
  en: `Usage:
  mailwarden password check [--user ADDRESS] [--name NAME] [--org-domain D] [--org-name N]
                            [--min-length N] [--json]  < password

Reads one password from standard input (one trailing newline is ignored; on a terminal it is
read without echo) and checks it: length (default at least 12 characters), the list of common
and leaked passwords, words from the user's name and address, the company and the service,
and guessability. Exits 0 when the password is acceptable, 1 when it is not, 2 on bad usage.
--json prints {"ok","score","problems":[{"code","message","fix"}]} as one line.`,
  ja: `使い方:
  mailwarden password check [--user アドレス] [--name 氏名] [--org-domain ドメイン] [--org-name 会社名]
                            [--min-length N] [--json]  < パスワード

標準入力からパスワードを 1 つ読み取り (末尾の改行 1 つは無視します。端末からは画面に表示せずに
読み取ります)、次の点を確認します: 長さ (既定は 12 文字以上)、よく使われる・漏えいした
パスワードの一覧、利用者の氏名とアドレス・会社・サービス名に由来する語、推測されやすさ。
受け付けられる場合は 0、受け付けられない場合は 1、使い方の誤りは 2 で終了します。
--json を付けると {"ok","score","problems":[{"code","message","fix"}]} を 1 行で出力します。`,
};

const T = {
  missing: { en: 'Missing subcommand. Run "mailwarden password --help".', ja: 'サブコマンドがありません。"mailwarden password --help" を参照してください。' },
  badMin: { en: '--min-length must be a whole number.', ja: '--min-length には整数を指定してください。' },
  prompt: { en: 'Password (not shown): ', ja: 'パスワード (表示されません): ' },
  interrupted: { en: 'Cancelled.', ja: '中止しました。' },
  accepted: { en: 'Acceptable password (strength {score} of 4).', ja: '受け付けられるパスワードです (強度 {score}/4)。' },
  refused: { en: 'This password is not acceptable:', ja: 'このパスワードは受け付けられません:' },
  fixLabel: { en: 'How to fix: ', ja: '対処: ' },
} satisfies Record<string, Text>;

const options = {
  user: { type: 'string' },
  name: { type: 'string' },
  'org-domain': { type: 'string' },
  'org-name': { type: 'string' },
  'min-length': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function run(args: string[]): Promise<number> {
  const result = parseCommand(args, options, help);
  if ('exitCode' in result) return result.exitCode;
  const { values, positionals } = result.parsed;
  if (positionals[0] !== 'check' || positionals.length !== 1) return fail(T.missing, {}, 2);
  const minLength = parseMinLength(values['min-length']);
  if (minLength === null) return fail(T.badMin, {}, 2);

  const candidate = await readCandidate();
  if (candidate === null) return fail(T.interrupted, {}, 130);
  const verdict = await checkPassword(candidate, {
    account: str(values.user),
    name: str(values.name),
    orgDomain: str(values['org-domain']),
    orgName: str(values['org-name']),
    minLength,
  });
  if (values.json) printJsonLine(verdict);
  else printVerdict(verdict);
  return verdict.ok ? 0 : 1;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** undefined: not given (the policy default applies); null: given but not a number. */
function parseMinLength(v: unknown): number | undefined | null {
  if (typeof v !== 'string') return undefined;
  return /^\d+$/.test(v.trim()) ? Number(v) : null;
}

function printVerdict(v: PasswordVerdict): void {
  if (v.ok) {
    process.stdout.write(`${say(T.accepted, { score: v.score })}\n`);
    return;
  }
  const lines = [say(T.refused)];
  for (const p of v.problems) lines.push(`- ${say(p.message)}`, `  ${say(T.fixLabel)}${say(p.fix)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Reads the whole of a piped stdin, minus one trailing newline; on a terminal, one line without echo. */
async function readCandidate(): Promise<string | null> {
  if (process.stdin.isTTY) return readHidden();
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Raw mode so the password does not appear on screen (or in a terminal recording). */
function readHidden(): Promise<string | null> {
  const stdin = process.stdin;
  process.stderr.write(say(T.prompt));
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  return new Promise((resolve) => {
    let typed = '';
    const finish = (value: string | null) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(typed);
        if (ch === '\u0003') return finish(null);
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
