/**
 * SPF posture: one record, valid terms, at most 10 DNS-querying terms, the gateway's addresses
 * authorised, and a closing `-all` or `~all` so that everyone else is not.
 */
import { countLookups, evaluateSpf, parseSpf, spfRecords, type SpfContext } from './spf-eval.js';
import { finding, LOOKUP_FAILED, RETRY, type CheckOptions, type Finding } from './types.js';

const T = {
  missing: { en: '{domain} publishes no SPF record.', ja: '{domain} に SPF レコードがありません。' },
  missingFix: {
    en: 'Publish a TXT record at {domain}: "v=spf1 {mechanisms} -all" listing every server that sends as the domain.',
    ja: '{domain} に TXT レコード "v=spf1 {mechanisms} -all" を公開し、このドメインで送信するすべてのサーバーを列挙してください。',
  },
  multiple: { en: '{domain} publishes {n} SPF records; receivers then treat SPF as a permanent error.', ja: '{domain} に SPF レコードが {n} 件あります。受信側は SPF を永続エラーとして扱います。' },
  multipleFix: { en: 'Merge them into a single "v=spf1 …" TXT record.', ja: '1 つの "v=spf1 …" TXT レコードに統合してください。' },
  syntax: { en: 'The SPF record has terms receivers do not understand: {terms}.', ja: 'SPF レコードに解釈できない項目があります: {terms}。' },
  syntaxFix: { en: 'Correct or remove them; one bad term makes the whole record a permanent error.', ja: '修正または削除してください。1 つでも不正な項目があるとレコード全体が永続エラーになります。' },
  tooMany: { en: 'The SPF record needs {n} DNS lookups; the limit is 10 and receivers fail SPF beyond it.', ja: 'SPF レコードの DNS 参照が {n} 回あります。上限は 10 回で、超えると受信側で SPF が失敗します。' },
  tooManyFix: {
    en: 'Remove unused include: terms, replace a/mx with ip4:/ip6: ranges, or ask a provider for a flatter include.',
    ja: '使っていない include: を削除するか、a/mx を ip4:/ip6: の範囲に置き換えてください。',
  },
  lookupsOk: { en: 'The SPF record needs {n} of at most 10 DNS lookups.', ja: 'SPF レコードの DNS 参照は {n} 回です (上限 10 回)。' },
  plusAll: { en: 'The SPF record ends in "{all}", which authorises every server on the Internet.', ja: 'SPF レコードの末尾が "{all}" で、インターネット上のすべてのサーバーを許可しています。' },
  plusAllFix: { en: 'Replace it with "-all" (or "~all" while you are still finding all your senders).', ja: '"-all" に置き換えてください (送信元を洗い出している間は "~all")。' },
  neutralAll: { en: 'The SPF record ends in "?all", which says nothing about other servers.', ja: 'SPF レコードの末尾が "?all" で、他のサーバーについて何も表明していません。' },
  noAll: { en: 'The SPF record has no closing "all" term, so forged mail gets a neutral result.', ja: 'SPF レコードの末尾に "all" がなく、なりすましメールが neutral と判定されます。' },
  noAllFix: { en: 'End the record with "-all" (or "~all").', ja: 'レコードの末尾に "-all" (または "~all") を付けてください。' },
  softAll: { en: 'The SPF record ends in "~all": other servers soft-fail.', ja: 'SPF レコードの末尾は "~all" です (他のサーバーはソフトフェイル)。' },
  softAllFix: { en: 'Once DMARC reports show no legitimate sender failing, change it to "-all".', ja: 'DMARC レポートで正規の送信元が失敗していないことを確認したら "-all" に変更してください。' },
  hardAll: { en: 'The SPF record ends in "-all": other servers fail.', ja: 'SPF レコードの末尾は "-all" です (他のサーバーは失敗)。' },
  notCovered: { en: 'The gateway address {ip} is not authorised by SPF (result: {result}).', ja: 'ゲートウェイのアドレス {ip} が SPF で許可されていません (判定: {result})。' },
  notCoveredFix: { en: 'Add "{mechanism}" before the "all" term of the SPF record.', ja: 'SPF レコードの "all" の前に "{mechanism}" を追加してください。' },
  covered: { en: 'The gateway address {ip} passes SPF.', ja: 'ゲートウェイのアドレス {ip} は SPF に合格します。' },
};

const mechanismFor = (ip: string): string => (ip.includes(':') ? `ip6:${ip}` : `ip4:${ip}`);

function allFinding(all: { qualifier: string } | undefined): Finding {
  if (!all) return finding('spf', 'warning', 'spf-no-all', T.noAll, T.noAllFix);
  if (all.qualifier === '+') return finding('spf', 'critical', 'spf-plus-all', T.plusAll, T.plusAllFix, { all: '+all' });
  if (all.qualifier === '?') return finding('spf', 'warning', 'spf-neutral-all', T.neutralAll, T.plusAllFix);
  if (all.qualifier === '~') return finding('spf', 'info', 'spf-softfail-all', T.softAll, T.softAllFix);
  return finding('spf', 'ok', 'spf-fail-all', T.hardAll);
}

async function coverage(ctx: SpfContext, domain: string, ips: string[]): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const ip of ips) {
    const result = await evaluateSpf(ctx, domain, ip);
    out.push(
      result === 'pass'
        ? finding('spf', 'ok', 'spf-ip-covered', T.covered, undefined, { ip })
        : finding('spf', 'critical', 'spf-ip-not-covered', T.notCovered, T.notCoveredFix, { ip, result, mechanism: mechanismFor(ip) }),
    );
  }
  return out;
}

export async function checkSpf(domain: string, opts: CheckOptions): Promise<Finding[]> {
  const ctx: SpfContext = { resolver: opts.resolver, cache: new Map(), failed: [] };
  const records = await spfRecords(ctx, domain);
  if (ctx.failed.length) return [finding('spf', 'warning', 'spf-lookup-failed', LOOKUP_FAILED, RETRY, { name: domain, error: ctx.failed[0] })];
  const mechanisms = (opts.sendingIps ?? []).map(mechanismFor).join(' ') || 'ip4:<gateway address>';
  if (records.length === 0) return [finding('spf', 'critical', 'spf-missing', T.missing, T.missingFix, { domain, mechanisms })];
  if (records.length > 1) return [finding('spf', 'critical', 'spf-multiple', T.multiple, T.multipleFix, { domain, n: records.length })];
  const spf = parseSpf(records[0]);
  const out: Finding[] = [];
  if (spf.errors.length) out.push(finding('spf', 'critical', 'spf-syntax', T.syntax, T.syntaxFix, { terms: spf.errors.join(' ') }));
  const n = await countLookups(ctx, domain);
  out.push(
    n > 10
      ? finding('spf', 'critical', 'spf-too-many-lookups', T.tooMany, T.tooManyFix, { n })
      : finding('spf', 'ok', 'spf-lookups', T.lookupsOk, undefined, { n }),
  );
  // A redirect hands the ending over to the target record.
  if (!spf.redirect || spf.terms.some((t) => t.name === 'all')) out.push(allFinding(spf.terms.find((t) => t.name === 'all')));
  out.push(...(await coverage(ctx, domain, opts.sendingIps ?? [])));
  return out;
}
