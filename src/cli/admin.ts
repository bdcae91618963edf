import { adminView, createAdmin, resetMfa, USERNAME, type Enrolment } from '../admin/admins.js';
import { recordAudit } from '../admin/audit.js';
import { isRole } from '../admin/roles.js';
import { adminSeal } from '../admin/totp-seal.js';
import { say, type Text } from '../core/i18n.js';
import type { Store } from '../storage/ports/index.js';
import { fail, parseCommand, printJsonLine } from './args.js';
import { cliActor, loadForCommand, withStore, type LoadedConfig } from './context.js';
import { PasswordInputError, readPassword } from './password-input.js';

export const summary: Text = { en: 'Manage console administrators (add, list, reset-mfa)', ja: '管理画面の管理者の管理 (追加・一覧・二要素認証の再設定)' };

const help: Text = {
  en: `Usage: mailwarden admin <subcommand> [--config FILE]
  add USERNAME --role admin|operator|auditor [--password-stdin]
                    prints the TOTP enrolment URI (otpauth://) and the recovery codes, once
  reset-mfa USERNAME  new TOTP secret and recovery codes; the old ones stop working
  list [--json]
Roles: admin (everything), operator (incidents, quarantine, restrict/release), auditor (read-only).`,
  ja: `使い方: mailwarden admin <サブコマンド> [--config FILE]
  add ユーザー名 --role admin|operator|auditor [--password-stdin]
                    TOTP 登録用 URI (otpauth://) と回復コードを一度だけ表示します
  reset-mfa ユーザー名  TOTP シークレットと回復コードを作り直します (古いものは無効になります)
  list [--json]
役割: admin (すべて)、operator (インシデント・隔離・送信停止/解除)、auditor (閲覧のみ)。`,
};

const t = {
  badName: { en: '"{name}" is not a valid administrator name (2-64 of a-z 0-9 . _ -, starting with a letter or digit).', ja: '「{name}」は管理者名として使えません (a-z 0-9 . _ - の 2〜64 文字、先頭は英数字)。' },
  badRole: { en: 'Give --role admin, operator or auditor.', ja: '--role に admin、operator、auditor のいずれかを指定してください。' },
  exists: { en: 'Administrator {name} already exists. "mailwarden admin reset-mfa {name}" renews the second factor.', ja: '管理者 {name} は既に存在します。二要素認証の再設定は "mailwarden admin reset-mfa {name}" です。' },
  missing: { en: 'No administrator {name}. "mailwarden admin list" shows them.', ja: '管理者 {name} はいません。"mailwarden admin list" で確認できます。' },
  refused: { en: 'Password refused:', ja: 'パスワードは使えません:' },
  enrol: {
    en: 'Add this to an authenticator app (or turn it into a QR code), then sign in at the console:',
    ja: 'この URI を認証アプリに登録してから (QR コードにしても可)、管理画面にサインインしてください:',
  },
  codes: {
    en: 'Recovery codes (each works once; store them offline — they are not shown again):',
    ja: '回復コード (各 1 回のみ有効。オフラインで保管してください。再表示はできません):',
  },
  unknownSub: { en: 'Unknown subcommand "{name}". Run "mailwarden admin --help".', ja: '不明なサブコマンド「{name}」です。"mailwarden admin --help" を参照してください。' },
  none: { en: 'No administrators yet. Create one: mailwarden admin add NAME --role admin', ja: '管理者はまだいません。作成: mailwarden admin add 名前 --role admin' },
} satisfies Record<string, Text>;

const options = { config: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean' }, json: { type: 'boolean' } } as const;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(args, options, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values: v, positionals: [sub, name] } = parsed.parsed;
  if (!['add', 'reset-mfa', 'list'].includes(sub ?? '')) return fail(t.unknownSub, { name: sub ?? '' }, 2);
  if (sub !== 'list' && !USERNAME.test(name ?? '')) return fail(t.badName, { name: name ?? '' }, 2);
  if (sub === 'add' && !isRole(v.role)) return fail(t.badRole, {}, 2);
  const config = loadForCommand(v.config);
  if (!config) return 2;
  if (sub === 'list') return withStore(config, (s) => list(s, v.json === true));
  if (sub === 'reset-mfa') return withStore(config, (s) => reset(s, config, name!));
  let password: string;
  try {
    password = await readPassword(v['password-stdin'] === true);
  } catch (err) {
    if (err instanceof PasswordInputError) return (process.stderr.write(`${err.message}\n`), 2);
    throw err;
  }
  return withStore(config, (s) => add(s, config, name!, v.role as 'admin', password));
}

async function add(store: Store, config: LoadedConfig, name: string, role: 'admin' | 'operator' | 'auditor', password: string): Promise<number> {
  const result = await createAdmin(store, { username: name, role, password, issuer: config.admin.totpIssuer }, adminSeal(config));
  if (!result.ok && 'exists' in result) return fail(t.exists, { name });
  if (!result.ok) {
    process.stderr.write(`${say(t.refused)}\n`);
    for (const p of result.problems) process.stderr.write(`  - ${say(p.message)} ${say(p.fix)}\n`);
    return 1;
  }
  await recordAudit(store.audit, { actor: cliActor(), action: 'admin.add', target: name, data: { role } });
  printEnrolment(result.enrolment);
  return 0;
}

async function reset(store: Store, config: LoadedConfig, name: string): Promise<number> {
  const enrolment = await resetMfa(store, name, config.admin.totpIssuer, adminSeal(config));
  if (!enrolment) return fail(t.missing, { name });
  // Console sessions live in the store: the reset signs the administrator out on every node.
  await store.admins.deleteSessionsOf(enrolment.admin.id);
  await recordAudit(store.audit, { actor: cliActor(), action: 'admin.reset-mfa', target: name });
  printEnrolment(enrolment);
  return 0;
}

/** The secrets go to stdout only, once; nothing of them is logged or stored in clear. */
function printEnrolment(e: Enrolment): void {
  process.stderr.write(`${say(t.enrol)}\n`);
  process.stdout.write(`${e.otpauthUri}\n`);
  process.stderr.write(`${say(t.codes)}\n`);
  process.stdout.write(`${e.recoveryCodes.join('\n')}\n`);
}

async function list(store: Store, json: boolean): Promise<number> {
  const admins = await store.admins.list();
  if (admins.length === 0 && !json) process.stderr.write(`${say(t.none)}\n`);
  for (const a of admins) {
    const view = adminView(a);
    if (json) printJsonLine(view);
    else process.stdout.write(`${a.username.padEnd(24)} ${a.role.padEnd(9)} ${view.mfaEnrolled ? 'mfa' : '---'} ${a.lastLoginAt ?? '-'}\n`);
  }
  return 0;
}
