/**
 * `mailwarden dkim keygen|list|retire|rotate|sweep`: the DKIM key store from the command line.
 * Every command prints the DNS records the administrator has to publish or may remove, because
 * a key is useful only once its record is in DNS.
 */
import { say, type Text } from '../core/i18n.js';
import { fail, parseCommand } from './args.js';
import {
  DkimError,
  dnsRecordFor,
  drainedAt,
  listKeys,
  resolveDataDir,
  retireKey,
  rotateKey,
  sweepKeys,
  createKey,
  zoneFileValue,
  type DkimKey,
  type DkimKeyType,
} from '../delivery/dkim/index.js';

export const summary: Text = { en: 'DKIM keys: generate, list, rotate, retire', ja: 'DKIM 鍵の生成・一覧・ローテーション・廃止' };

const help: Text = {
  en: `Usage:
  mailwarden dkim keygen DOMAIN [--selector S] [--type rsa|ed25519] [--data-dir DIR]
  mailwarden dkim rotate DOMAIN [--selector S] [--type rsa|ed25519] [--data-dir DIR]
  mailwarden dkim list [DOMAIN] [--data-dir DIR]
  mailwarden dkim retire DOMAIN SELECTOR [--force] [--data-dir DIR]
  mailwarden dkim sweep [DOMAIN] [--drain-days N] [--data-dir DIR]

keygen adds an active key; rotate adds one and moves the previous active key of the same type to
"retiring" (still published, no longer signing). sweep withdraws retiring keys whose drain time
(default 7 days after their last signature) has passed. The data directory is --data-dir, else
MAILWARDEN_DATA_DIR, else ./data.`,
  ja: `使い方:
  mailwarden dkim keygen ドメイン [--selector S] [--type rsa|ed25519] [--data-dir DIR]
  mailwarden dkim rotate ドメイン [--selector S] [--type rsa|ed25519] [--data-dir DIR]
  mailwarden dkim list [ドメイン] [--data-dir DIR]
  mailwarden dkim retire ドメイン セレクタ [--force] [--data-dir DIR]
  mailwarden dkim sweep [ドメイン] [--drain-days N] [--data-dir DIR]

keygen は有効な鍵を追加します。rotate は鍵を追加し、同じ種類の以前の鍵を「retiring」
(DNS には公開したまま、署名には使わない) にします。sweep は猶予期間 (既定: 最後の署名から 7 日)
を過ぎた retiring の鍵を廃止します。データディレクトリは --data-dir、なければ
MAILWARDEN_DATA_DIR、なければ ./data です。`,
};

const T = {
  publish: { en: 'Publish this DNS TXT record:', ja: '次の DNS TXT レコードを公開してください:' },
  publishFirst: {
    en: 'Publish it before mail is signed with it; receivers cannot verify a signature whose key is not in DNS yet.',
    ja: 'この鍵で署名する前に公開してください。DNS に鍵がない署名は受信側で検証できません。',
  },
  stillPublished: {
    en: 'Key {selector} is now retiring: keep its record published until {until}, then run "mailwarden dkim sweep".',
    ja: '鍵 {selector} は retiring になりました。{until} までレコードを公開したままにし、その後 "mailwarden dkim sweep" を実行してください。',
  },
  removable: {
    en: 'Key {selector} is retired: its record {name} may be removed from DNS.',
    ja: '鍵 {selector} は廃止されました。DNS のレコード {name} を削除できます。',
  },
  none: { en: 'No DKIM keys stored.', ja: 'DKIM 鍵は保存されていません。' },
  badType: { en: '--type must be rsa or ed25519.', ja: '--type は rsa か ed25519 を指定してください。' },
  missing: { en: 'Missing arguments. Run "mailwarden dkim --help".', ja: '引数が足りません。"mailwarden dkim --help" を参照してください。' },
  error: { en: 'DKIM: {message} ({code})', ja: 'DKIM: {message} ({code})' },
  header: { en: 'DOMAIN / SELECTOR / TYPE / STATE / CREATED', ja: 'ドメイン / セレクタ / 種類 / 状態 / 作成日時' },
} satisfies Record<string, Text>;

const options = {
  selector: { type: 'string' },
  type: { type: 'string' },
  'data-dir': { type: 'string' },
  force: { type: 'boolean' },
  'drain-days': { type: 'string' },
} as const;

type Values = Record<string, string | boolean | string[] | undefined>;

export async function run(args: string[]): Promise<number> {
  const r = parseCommand(args, options, help);
  if ('exitCode' in r) return r.exitCode;
  const { values, positionals } = r.parsed;
  const [sub, ...rest] = positionals;
  const dataDir = resolveDataDir(values['data-dir'] as string | undefined);
  try {
    switch (sub) {
      case 'keygen':
      case 'rotate':
        return await keygen(dataDir, rest, values, sub === 'rotate');
      case 'list':
        return await list(dataDir, rest[0]);
      case 'retire':
        return await retire(dataDir, rest, values);
      case 'sweep':
        return await sweep(dataDir, rest[0], values);
      default:
        process.stdout.write(`${say(help)}\n`);
        return sub ? 2 : 0;
    }
  } catch (err) {
    if (err instanceof DkimError) return fail(T.error, { message: err.message, code: err.code });
    throw err;
  }
}

async function keygen(dataDir: string, rest: string[], values: Values, rotate: boolean): Promise<number> {
  if (!rest[0]) return fail(T.missing, {}, 2);
  const type = (values.type ?? 'rsa') as DkimKeyType;
  if (type !== 'rsa' && type !== 'ed25519') return fail(T.badType, {}, 2);
  const opts = { type, selector: values.selector as string | undefined };
  const key = rotate ? (await rotateKey(dataDir, rest[0], opts)).added : await createKey(dataDir, rest[0], opts);
  const record = dnsRecordFor(key);
  process.stdout.write(`${say(T.publish)}\n\n${record.name}. IN TXT ${zoneFileValue(record)}\n\n${say(T.publishFirst)}\n`);
  if (rotate) await printRetiring(dataDir, rest[0], key);
  return 0;
}

async function printRetiring(dataDir: string, domain: string, added: DkimKey): Promise<void> {
  for (const k of await listKeys(dataDir, domain)) {
    if (k.state !== 'retiring' || k.type !== added.type || k.retiringSince !== added.created) continue;
    process.stdout.write(`${say(T.stillPublished, { selector: k.selector, until: drainedAt(k)?.toISOString() ?? '' })}\n`);
  }
}

async function list(dataDir: string, domain?: string): Promise<number> {
  const keys = await listKeys(dataDir, domain);
  if (keys.length === 0) {
    process.stdout.write(`${say(T.none)}\n`);
    return 0;
  }
  process.stdout.write(`${say(T.header)}\n`);
  for (const k of keys) {
    const until = k.state === 'retiring' ? `  (→ ${drainedAt(k)?.toISOString()})` : '';
    process.stdout.write(`${k.domain}  ${k.selector}  ${k.type}  ${k.state}  ${k.created}${until}\n`);
  }
  return 0;
}

async function retire(dataDir: string, rest: string[], values: Values): Promise<number> {
  if (!rest[0] || !rest[1]) return fail(T.missing, {}, 2);
  const key = await retireKey(dataDir, rest[0], rest[1], { force: values.force === true });
  process.stdout.write(`${say(T.stillPublished, { selector: key.selector, until: drainedAt(key)?.toISOString() ?? '' })}\n`);
  return 0;
}

async function sweep(dataDir: string, domain: string | undefined, values: Values): Promise<number> {
  const days = Number(values['drain-days'] ?? 7);
  const done = await sweepKeys(dataDir, domain, { drainMs: days * 24 * 3600 * 1000 });
  for (const k of done) process.stdout.write(`${say(T.removable, { selector: k.selector, name: dnsRecordFor(k).name })}\n`);
  return 0;
}
