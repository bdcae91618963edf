import { randomUUID } from 'node:crypto';
import { normaliseAddress } from '../app/accounts.js';
import { appPasswordKeys } from '../app/app-passwords.js';
import { generateAppPassword, hashAppPassword } from '../auth/app-password.js';
import { say, type Text } from '../core/i18n.js';
import { fail, parseCommand, printJsonLine } from './args.js';
import { auditCli, loadForCommand, withStore } from './context.js';

export const summary: Text = { en: 'App passwords per device (create, list, revoke)', ja: '端末ごとのアプリパスワード (作成・一覧・失効)' };

const help: Text = {
  en: `Usage: mailwarden app-password <subcommand> ADDRESS [--config FILE]
  create ADDRESS --label LABEL     e.g. --label "iPhone" or --label "複合機 3F"; the password is shown once
  list ADDRESS [--json]
  revoke ADDRESS (ID | --all)`,
  ja: `使い方: mailwarden app-password <サブコマンド> アドレス [--config FILE]
  create アドレス --label ラベル     例: --label "iPhone"、--label "複合機 3F"。パスワードは一度だけ表示します
  list アドレス [--json]
  revoke アドレス (ID | --all)`,
};

const t = {
  missing: { en: 'No account {address}.', ja: 'アカウント {address} はありません。' },
  label: { en: 'Give the device a name with --label (e.g. "iPhone").', ja: '--label で端末名を指定してください (例: "iPhone")。' },
  created: {
    en: 'App password for {address} ({label}), shown only now; type it into the device as its password:\n\n    {password}\n',
    ja: '{address} ({label}) のアプリパスワードです。表示は今回だけです。端末のパスワード欄に入力してください:\n\n    {password}\n',
  },
  revoked: { en: '{count} app password(s) revoked.', ja: 'アプリパスワードを {count} 件失効しました。' },
  unknownSub: { en: 'Unknown subcommand "{name}". Run "mailwarden app-password --help".', ja: '不明なサブコマンド「{name}」です。"mailwarden app-password --help" を参照してください。' },
} satisfies Record<string, Text>;

const options = { config: { type: 'string' }, label: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } } as const;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(args, options, help);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values: v, positionals: [sub, raw, id] } = parsed.parsed;
  if (!['create', 'list', 'revoke'].includes(sub ?? '') || !raw) return fail(t.unknownSub, { name: sub ?? '' }, 2);
  const config = loadForCommand(v.config);
  if (!config) return 2;
  const address = normaliseAddress(raw);
  return withStore(config, async (store) => {
    if (!(await store.accounts.get(address))) return fail(t.missing, { address });
    if (sub === 'list') {
      for (const p of await store.accounts.listAppPasswords(address)) {
        const { hash: _h, ...view } = p;
        if (v.json) printJsonLine(view);
        else process.stdout.write(`${p.id}  ${p.label.padEnd(20)} created ${p.createdAt}  last used ${p.lastUsedAt ?? '-'} ${p.lastUsedIp ?? ''}${p.revokedAt ? `  revoked ${p.revokedAt}` : ''}\n`);
      }
      return 0;
    }
    const ts = new Date().toISOString();
    if (sub === 'revoke') {
      if (!id && !v.all) return fail(t.unknownSub, { name: 'revoke' }, 2);
      const count = await store.accounts.revokeAppPasswords(address, v.all ? undefined : id, ts);
      await store.events.append({ ts, code: 'account:app-password-revoked', account: address, data: { id: id ?? 'all', count, by: 'cli' } });
      await auditCli(store, v.all ? 'app-password.revoke-all' : 'app-password.revoke', address, '', v.all ? { revoked: count } : { id });
      process.stderr.write(`${say(t.revoked, { count })}\n`);
      return 0;
    }
    const label = v.label as string | undefined;
    if (!label) return fail(t.label, {}, 2);
    const password = generateAppPassword();
    const appId = randomUUID();
    await store.accounts.addAppPassword({ id: appId, account: address, label, hash: hashAppPassword(password, appPasswordKeys(config)[0]), createdAt: ts });
    // A new credential is a new footing: the detection engine puts the account on probation.
    await store.events.append({ ts, code: 'account:app-password-created', account: address, data: { ts, type: 'credential', account: address, kind: 'app-password', id: appId, label } });
    await auditCli(store, 'app-password.create', address, '', { id: appId, label });
    process.stdout.write(`${say(t.created, { address, label, password })}\n`);
    return 0;
  });
}
