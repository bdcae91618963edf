/**
 * `mailwarden domain check DOMAIN`: SPF, DKIM, DMARC, MX, MTA-STS and TLS-RPT posture with a fix
 * for each finding. Exit 0 once the check ran, whatever it found (findings are data, not failures).
 */
import { promises as dns } from 'node:dns';
import { say, type Text } from '../core/i18n.js';
import { fail, parseCommand, printJsonLine } from './args.js';
import { checkDomain, type Finding } from '../domain/check/index.js';
import { publicKeyValue, publishedKeys, resolveDataDir, DkimError } from '../delivery/dkim/index.js';

export const summary: Text = { en: 'Domain posture: SPF, DKIM, DMARC, MX, MTA-STS, TLS-RPT', ja: 'ドメイン設定の診断 (SPF・DKIM・DMARC・MX・MTA-STS・TLS-RPT)' };

const help: Text = {
  en: `Usage:
  mailwarden domain check DOMAIN [--json] [--dns-server HOST:PORT] [--sending-ip IP]... [--selector S]... [--data-dir DIR]

Checks the domain's DNS: SPF (syntax, 10-lookup limit, the gateway's addresses, the "all" term),
DKIM (each stored key of the domain is published and matches), DMARC (policy, reports, alignment,
next step), MX, MTA-STS and TLS-RPT. Prints a table, or one JSON object per finding with --json.
The DKIM keys come from the data directory (--data-dir, else MAILWARDEN_DATA_DIR, else ./data).`,
  ja: `使い方:
  mailwarden domain check ドメイン [--json] [--dns-server HOST:PORT] [--sending-ip IP]... [--selector S]... [--data-dir DIR]

ドメインの DNS を診断します: SPF (構文・参照 10 回の上限・ゲートウェイのアドレス・"all")、
DKIM (保存済みの鍵が公開され一致しているか)、DMARC (ポリシー・レポート・アライメント・次の段階)、
MX、MTA-STS、TLS-RPT。表で表示し、--json では項目ごとに JSON を 1 行出力します。
DKIM 鍵はデータディレクトリ (--data-dir、なければ MAILWARDEN_DATA_DIR、なければ ./data) から読みます。`,
};

const T = {
  missing: { en: 'Missing DOMAIN. Run "mailwarden domain --help".', ja: 'ドメインを指定してください。"mailwarden domain --help" を参照してください。' },
  badServer: { en: 'Invalid --dns-server "{value}": {why}', ja: '--dns-server "{value}" が不正です: {why}' },
  header: { en: 'SEVERITY  CHECK    FINDING', ja: '重要度    項目     内容' },
  fix: { en: '          fix: {fix}', ja: '          対処: {fix}' },
} satisfies Record<string, Text>;

const options = {
  json: { type: 'boolean' },
  'dns-server': { type: 'string' },
  'data-dir': { type: 'string' },
  'sending-ip': { type: 'string', multiple: true },
  selector: { type: 'string', multiple: true },
} as const;

function resolverFor(server: string | undefined): dns.Resolver {
  const resolver = new dns.Resolver({ timeout: 5000, tries: 2 });
  if (server) resolver.setServers([server]);
  return resolver;
}

/** Stored keys still published (active or retiring) are the selectors to check, with their public keys. */
async function storedSelectors(dataDir: string, domain: string): Promise<{ selector: string; publicKey: string }[]> {
  try {
    return (await publishedKeys(dataDir, domain)).map((k) => ({ selector: k.selector, publicKey: publicKeyValue(k.privateKey) }));
  } catch (err) {
    if (err instanceof DkimError) return [];
    throw err;
  }
}

function printTable(findings: Finding[]): void {
  const lines = [say(T.header)];
  for (const f of findings) {
    lines.push(`${f.severity.padEnd(9)} ${f.check.padEnd(8)} ${say(f.message)}`);
    const fix = say(f.fix);
    if (fix) lines.push(say(T.fix, { fix }));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function run(args: string[]): Promise<number> {
  const r = parseCommand(args, options, help);
  if ('exitCode' in r) return r.exitCode;
  const { values, positionals } = r.parsed;
  const [sub, domain] = positionals;
  if (sub !== 'check') {
    process.stdout.write(`${say(help)}\n`);
    return sub ? 2 : 0;
  }
  if (!domain) return fail(T.missing, {}, 2);
  let resolver: dns.Resolver;
  try {
    resolver = resolverFor(values['dns-server'] as string | undefined);
  } catch (err) {
    return fail(T.badServer, { value: String(values['dns-server']), why: (err as Error).message }, 2);
  }
  const extra = ((values.selector as string[] | undefined) ?? []).map((s) => ({ selector: s }));
  const stored = await storedSelectors(resolveDataDir(values['data-dir'] as string | undefined), domain);
  const findings = await checkDomain(domain, {
    resolver,
    sendingIps: (values['sending-ip'] as string[] | undefined) ?? [],
    dkimSelectors: [...stored, ...extra.filter((e) => !stored.some((s) => s.selector === e.selector))],
  });
  if (values.json) for (const f of findings) printJsonLine(f);
  else printTable(findings);
  return 0;
}
