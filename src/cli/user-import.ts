import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ADDRESS, normaliseAddress, vetPassword } from '../app/accounts.js';
import { hashPassword } from '../auth/password-hash.js';
import { say, type Text } from '../core/i18n.js';
import type { NewAccount, Store } from '../storage/ports/index.js';
import { parseCsv } from './csv.js';
import { auditCli } from './context.js';

const t = {
  unreadable: { en: 'Cannot read {file}: {error}', ja: '{file} を読めません: {error}' },
  line: { en: 'line {line}: {problem}', ja: '{line} 行目: {problem}' },
  badAddress: { en: '"{address}" is not a mail address', ja: '「{address}」はメールアドレスではありません' },
  duplicate: { en: '{address} appears twice in the file', ja: '{address} がファイル内で重複しています' },
  exists: { en: '{address} already exists', ja: '{address} は既に存在します' },
  weak: { en: 'password of {address} refused: {why}', ja: '{address} のパスワードは使えません: {why}' },
  nothing: { en: '{count} problem(s); no account was created. Fix the lines above and run the import again.', ja: '問題が {count} 件あります。アカウントは作成していません。上の行を直して再実行してください。' },
  done: { en: '{count} account(s) created. Generated passwords are printed on stdout as CSV: hand them over securely.', ja: '{count} 件のアカウントを作成しました。生成したパスワードは標準出力に CSV で出力しました。安全な方法で渡してください。' },
} satisfies Record<string, Text>;

/** Generated passwords: 120 random bits in base32, grouped for reading aloud. */
function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(24);
  const chars = [...bytes].map((b) => alphabet[b % 32]).join('');
  return chars.match(/.{6}/g)!.join('-');
}

interface Row {
  line: number;
  account: NewAccount;
  password: string;
  generated: boolean;
}

/**
 * Bulk import: every row is checked first, then all accounts are created in one transaction,
 * so a file with one bad line creates nothing and can simply be fixed and run again.
 */
export async function importUsers(store: Store, file: string): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    process.stderr.write(`${say(t.unreadable, { file, error: (err as Error).message })}\n`);
    return 2;
  }
  const problems: string[] = [];
  const rows = await checkRows(store, parseCsv(text), problems);
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`${p}\n`);
    process.stderr.write(`${say(t.nothing, { count: problems.length })}\n`);
    return 1;
  }
  for (const row of rows) row.account.passwordHash = await hashPassword(row.password);
  await store.accounts.createMany(rows.map((r) => r.account));
  await auditCli(store, 'account.import', file, '', { accounts: rows.map((r) => r.account.address) });
  for (const row of rows.filter((r) => r.generated)) process.stdout.write(`${row.account.address},${row.password}\n`);
  process.stderr.write(`${say(t.done, { count: rows.length })}\n`);
  return 0;
}

async function checkRows(store: Store, table: string[][], problems: string[]): Promise<Row[]> {
  const hasHeader = table[0]?.[0]?.trim().toLowerCase() === 'address';
  const seen = new Set<string>();
  const rows: Row[] = [];
  for (let i = hasHeader ? 1 : 0; i < table.length; i++) {
    const [rawAddress = '', name = '', password = '', aliases = '', group = ''] = table[i];
    const line = i + 1;
    const address = normaliseAddress(rawAddress);
    const problem = (text: Text, params: Record<string, string>) => problems.push(say(t.line, { line, problem: say(text, params) }));
    if (!ADDRESS.test(address)) problem(t.badAddress, { address: rawAddress });
    else if (seen.has(address)) problem(t.duplicate, { address });
    else if (await store.accounts.get(address)) problem(t.exists, { address });
    seen.add(address);
    const generated = password === '';
    const pw = generated ? generatePassword() : password;
    if (!generated) {
      const vetted = await vetPassword(pw, { address, name });
      if (!vetted.ok) problem(t.weak, { address, why: vetted.problems.map((p) => say(p.message)).join(' ') });
    }
    const aliasList = aliases.split(';').map(normaliseAddress).filter(Boolean);
    for (const a of aliasList.filter((x) => !ADDRESS.test(x))) problem(t.badAddress, { address: a });
    rows.push({ line, password: pw, generated, account: { address, name, passwordHash: '', aliases: aliasList, group: group || null } });
  }
  return rows;
}
