import { stringify as toYaml } from 'yaml';
import { ADDRESS, changePassword, normaliseAddress, vetPassword } from '../app/accounts.js';
import { hashPassword } from '../auth/password-hash.js';
import { say, type Text } from '../core/i18n.js';
import type { Account, Store } from '../storage/ports/index.js';
import { fail, parseCommand, printJsonLine } from './args.js';
import { auditCli, loadForCommand, withStore } from './context.js';
import { PasswordInputError, readPassword } from './password-input.js';
import { importUsers } from './user-import.js';

export const summary: Text = { en: 'Manage mail accounts (add, list, passwd, import, ...)', ja: 'メールアカウントの管理 (追加・一覧・パスワード変更・一括登録など)' };

const help: Text = {
  en: `Usage: mailwarden user <subcommand> [--config FILE]
  add ADDRESS [--name NAME] [--alias ADDR]... [--group G] [--lang ja|en] [--app-passwords-only] [--password-stdin]
  list [--json]                 show ADDRESS [--json]
  passwd ADDRESS [--password-stdin]
  alias ADDRESS add|remove ALIAS
  aliases                       every account's aliases as YAML for "mailwarden replay --config"
  disable ADDRESS               enable ADDRESS               delete ADDRESS
  import FILE.csv               columns: address,name,password,aliases(;-separated),group
Passwords are asked at the terminal or read with --password-stdin, never taken as arguments.`,
  ja: `使い方: mailwarden user <サブコマンド> [--config FILE]
  add ADDRESS [--name 名前] [--alias 別名]... [--group G] [--lang ja|en] [--app-passwords-only] [--password-stdin]
  list [--json]                 show ADDRESS [--json]
  passwd ADDRESS [--password-stdin]
  alias ADDRESS add|remove 別名
  aliases                       全アカウントの別名を "mailwarden replay --config" 用の YAML で出力
  disable ADDRESS               enable ADDRESS               delete ADDRESS
  import FILE.csv               列: address,name,password,aliases(; 区切り),group
パスワードは端末で入力するか --password-stdin で渡します。引数では受け付けません。`,
};

const t = {
  badAddress: { en: '"{address}" is not a mail address (expected user@domain).', ja: '「{address}」はメールアドレスではありません (user@domain の形式)。' },
  exists: { en: 'Account {address} already exists. Use "mailwarden user passwd" to change its password.', ja: 'アカウント {address} は既に存在します。パスワード変更は "mailwarden user passwd" を使ってください。' },
  missing: { en: 'No account {address}. "mailwarden user list" shows the accounts.', ja: 'アカウント {address} はありません。"mailwarden user list" で一覧を確認できます。' },
  added: { en: 'Account {address} added.', ja: 'アカウント {address} を追加しました。' },
  changed: { en: 'Account {address} updated.', ja: 'アカウント {address} を更新しました。' },
  deleted: { en: 'Account {address} deleted.', ja: 'アカウント {address} を削除しました。' },
  rejected: { en: 'Password refused:', ja: 'パスワードは使えません:' },
  unknownSub: { en: 'Unknown subcommand "{name}". Run "mailwarden user --help".', ja: '不明なサブコマンド「{name}」です。"mailwarden user --help" を参照してください。' },
} satisfies Record<string, Text>;

const options = {
  config: { type: 'string' },
  name: { type: 'string' },
  alias: { type: 'string', multiple: true },
  group: { type: 'string' },
  lang: { type: 'string' },
  'app-passwords-only': { type: 'boolean' },
  'password-stdin': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(args, options, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values: v, positionals: [sub, address, ...rest] } = parsed.parsed;
  const config = loadForCommand(v.config);
  if (!config) return 2;
  if (sub === 'list') return withStore(config, (s) => list(s, v.json === true));
  if (sub === 'aliases') return withStore(config, (s) => aliasesForReplay(s));
  if (sub === 'import') return address ? withStore(config, (s) => importUsers(s, address)) : fail(t.badAddress, { address: '' }, 2);
  const handlers: Record<string, (s: Store, a: string) => Promise<number>> = {
    add: (s, a) => add(s, a, v),
    show: (s, a) => show(s, a, v.json === true),
    passwd: (s, a) => passwd(s, a, v['password-stdin'] === true),
    alias: (s, a) => alias(s, a, rest[0], rest[1]),
    disable: (s, a) => toggle(s, a, true),
    enable: (s, a) => toggle(s, a, false),
    delete: (s, a) => remove(s, a),
  };
  const handler = handlers[sub ?? ''];
  if (!handler) return fail(t.unknownSub, { name: sub ?? '' }, 2);
  const target = normaliseAddress(address ?? '');
  if (!ADDRESS.test(target)) return fail(t.badAddress, { address: address ?? '' }, 2);
  return withStore(config, (s) => handler(s, target));
}

function printProblems(problems: { message: Text; fix: Text }[]): number {
  process.stderr.write(`${say(t.rejected)}\n`);
  for (const p of problems) process.stderr.write(`  - ${say(p.message)} ${say(p.fix)}\n`);
  return 1;
}

async function add(store: Store, address: string, v: Record<string, unknown>): Promise<number> {
  if (await store.accounts.get(address)) return fail(t.exists, { address });
  const aliases = ((v.alias as string[] | undefined) ?? []).map(normaliseAddress);
  const bad = aliases.find((a) => !ADDRESS.test(a));
  if (bad) return fail(t.badAddress, { address: bad }, 2);
  const name = (v.name as string | undefined) ?? '';
  const password = await readPasswordOrFail(v['password-stdin'] === true);
  if (password === null) return 2;
  const vetted = await vetPassword(password, { address, name });
  if (!vetted.ok) return printProblems(vetted.problems);
  await store.accounts.create({
    address,
    name,
    passwordHash: await hashPassword(password),
    aliases,
    group: (v.group as string | undefined) ?? null,
    lang: v.lang === 'en' || v.lang === 'ja' ? v.lang : null,
    appPasswordsOnly: v['app-passwords-only'] === true,
  });
  await store.events.append({ ts: new Date().toISOString(), code: 'account:created', account: address, data: { by: 'cli' } });
  await auditCli(store, 'account.add', address);
  process.stderr.write(`${say(t.added, { address })}\n`);
  return 0;
}

async function readPasswordOrFail(fromStdin: boolean): Promise<string | null> {
  try {
    return await readPassword(fromStdin);
  } catch (err) {
    if (err instanceof PasswordInputError) return (process.stderr.write(`${err.message}\n`), null);
    throw err;
  }
}

function publicView(a: Account) {
  const { passwordHash: _h, passwordHistory: _p, ...rest } = a;
  return rest;
}

/**
 * Every account's aliases as the detection configuration's `accounts` section: replay checks
 * senders as the gateway does, but knows aliases only from its configuration, so a backtest of
 * the gateway's own record needs them (the gateway reads them from this store).
 */
async function aliasesForReplay(store: Store): Promise<number> {
  const accounts: Record<string, { aliases: string[] }> = {};
  for (const a of await store.accounts.list()) if (a.aliases.length > 0) accounts[a.address] = { aliases: a.aliases };
  process.stdout.write(toYaml({ accounts }));
  return 0;
}

async function list(store: Store, json: boolean): Promise<number> {
  const accounts = await store.accounts.list();
  for (const a of accounts) {
    if (json) printJsonLine(publicView(a));
    else process.stdout.write(`${a.address.padEnd(36)} ${a.state.padEnd(10)} ${a.disabled ? 'disabled' : 'enabled '} ${a.name}\n`);
  }
  return 0;
}

async function show(store: Store, address: string, json: boolean): Promise<number> {
  const a = await store.accounts.get(address);
  if (!a) return fail(t.missing, { address });
  const apps = (await store.accounts.listAppPasswords(address)).map(({ hash: _h, ...rest }) => rest);
  const view = { ...publicView(a), appPasswords: apps };
  process.stdout.write(json ? `${JSON.stringify(view)}\n` : `${JSON.stringify(view, null, 2)}\n`);
  return 0;
}

async function passwd(store: Store, address: string, fromStdin: boolean): Promise<number> {
  const a = await store.accounts.get(address);
  if (!a) return fail(t.missing, { address });
  const password = await readPasswordOrFail(fromStdin);
  if (password === null) return 2;
  const result = await changePassword(store, a, password);
  if (!result.ok) return printProblems(result.problems);
  await auditCli(store, 'account.passwd', address);
  process.stderr.write(`${say(t.changed, { address })}\n`);
  return 0;
}

async function alias(store: Store, address: string, op: string | undefined, value: string | undefined): Promise<number> {
  const a = await store.accounts.get(address);
  if (!a) return fail(t.missing, { address });
  const target = normaliseAddress(value ?? '');
  if ((op !== 'add' && op !== 'remove') || !ADDRESS.test(target)) return fail(t.badAddress, { address: value ?? '' }, 2);
  const aliases = op === 'add' ? [...new Set([...a.aliases, target])] : a.aliases.filter((x) => x !== target);
  await store.accounts.update(address, { aliases });
  await auditCli(store, 'account.aliases', address, '', { before: a.aliases, after: aliases });
  process.stderr.write(`${say(t.changed, { address })}\n`);
  return 0;
}

async function toggle(store: Store, address: string, disabled: boolean): Promise<number> {
  const updated = await store.accounts.update(address, { disabled });
  if (!updated) return fail(t.missing, { address });
  await store.events.append({ ts: new Date().toISOString(), code: disabled ? 'account:disabled' : 'account:enabled', account: address, data: { by: 'cli' } });
  await auditCli(store, disabled ? 'account.disable' : 'account.enable', address);
  process.stderr.write(`${say(t.changed, { address })}\n`);
  return 0;
}

async function remove(store: Store, address: string): Promise<number> {
  if (!(await store.accounts.delete(address))) return fail(t.missing, { address });
  await store.events.append({ ts: new Date().toISOString(), code: 'account:deleted', account: address, data: { by: 'cli' } });
  await auditCli(store, 'account.delete', address);
  process.stderr.write(`${say(t.deleted, { address })}\n`);
  return 0;
}
