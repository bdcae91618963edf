/**
 * Inbound transport posture: MX (the domain receives replies and bounces), MTA-STS (RFC 8461) and
 * TLS-RPT (RFC 8460). Only DNS is checked; the MTA-STS policy file is served over HTTPS and is not
 * fetched here, so the finding says what the file must contain.
 */
import { finding, lookup, tags, txtWith, LOOKUP_FAILED, RETRY, type CheckOptions, type Finding } from './types.js';

const T = {
  noMx: { en: '{domain} has no MX record: replies and bounces to the domain cannot be delivered.', ja: '{domain} に MX レコードがなく、返信やバウンスメールを受け取れません。' },
  noMxFix: { en: 'Publish an MX record for the server that receives mail for {domain}.', ja: '{domain} 宛てのメールを受信するサーバーの MX レコードを公開してください。' },
  nullMx: { en: '{domain} publishes a null MX (RFC 7505): it receives no mail.', ja: '{domain} は null MX (RFC 7505) を公開しており、メールを受信しません。' },
  nullMxFix: { en: 'Only right for a send-only domain; bounces then need a return path on another domain.', ja: '送信専用ドメインの場合のみ適切です。バウンスは別ドメインの return path で受ける必要があります。' },
  mxOk: { en: '{domain} receives mail at {hosts}.', ja: '{domain} のメールは {hosts} で受信されます。' },
  mxDangling: { en: 'The MX host {host} has no address.', ja: 'MX ホスト {host} にアドレスがありません。' },
  mxDanglingFix: { en: 'Publish an A or AAAA record for {host}, or remove it from the MX set.', ja: '{host} の A または AAAA レコードを公開するか、MX から削除してください。' },
  noSts: { en: 'No MTA-STS record at {name}: senders may deliver to {domain} without TLS if an attacker strips it.', ja: '{name} に MTA-STS レコードがなく、攻撃者が TLS を除去すると暗号化なしで配送される可能性があります。' },
  noStsFix: {
    en: 'Publish TXT "v=STSv1; id={id}" at {name} and serve https://mta-sts.{domain}/.well-known/mta-sts.txt containing: version: STSv1 / mode: testing / {mx} / max_age: 604800. Move to mode: enforce once TLS-RPT reports are clean.',
    ja: '{name} に TXT "v=STSv1; id={id}" を公開し、https://mta-sts.{domain}/.well-known/mta-sts.txt に次の内容を置いてください: version: STSv1 / mode: testing / {mx} / max_age: 604800。TLS-RPT レポートに問題がなければ mode: enforce にしてください。',
  },
  badSts: { en: 'The MTA-STS record at {name} is malformed: "{record}".', ja: '{name} の MTA-STS レコードが不正です: "{record}"。' },
  badStsFix: { en: 'It must read "v=STSv1; id=<1-32 letters or digits>"; change the id whenever the policy file changes.', ja: '"v=STSv1; id=<英数字 1〜32 文字>" の形式にし、ポリシーファイルを変えるたびに id を変更してください。' },
  stsOk: {
    en: 'MTA-STS is announced (id={id}); the policy file at https://mta-sts.{domain}/.well-known/mta-sts.txt was not fetched.',
    ja: 'MTA-STS が公開されています (id={id})。https://mta-sts.{domain}/.well-known/mta-sts.txt のポリシーファイルは取得していません。',
  },
  stsOkFix: { en: 'Make sure the policy file lists every MX host: {mx}.', ja: 'ポリシーファイルにすべての MX ホストが記載されていることを確認してください: {mx}。' },
  noRpt: { en: 'No TLS-RPT record at {name}: you will not hear about TLS failures delivering to {domain}.', ja: '{name} に TLS-RPT レコードがなく、{domain} 宛て配送の TLS 失敗が報告されません。' },
  noRptFix: { en: 'Publish TXT "v=TLSRPTv1; rua=mailto:tls-reports@{domain}" at {name}.', ja: '{name} に TXT "v=TLSRPTv1; rua=mailto:tls-reports@{domain}" を公開してください。' },
  badRpt: { en: 'The TLS-RPT record at {name} has no valid rua: "{record}".', ja: '{name} の TLS-RPT レコードに有効な rua がありません: "{record}"。' },
  rptOk: { en: 'TLS reports go to {rua}.', ja: 'TLS レポートの送信先は {rua} です。' },
};

export async function checkMx(domain: string, opts: CheckOptions): Promise<{ findings: Finding[]; hosts: string[] }> {
  const res = await lookup(() => opts.resolver.resolveMx(domain));
  if (!res.ok) return { findings: [finding('mx', 'warning', 'mx-lookup-failed', LOOKUP_FAILED, RETRY, { name: domain, error: res.error })], hosts: [] };
  const mx = [...res.value].sort((a, b) => a.priority - b.priority);
  if (mx.length === 0) return { findings: [finding('mx', 'warning', 'mx-missing', T.noMx, T.noMxFix, { domain })], hosts: [] };
  if (mx.length === 1 && (mx[0].exchange === '' || mx[0].exchange === '.')) {
    return { findings: [finding('mx', 'info', 'mx-null', T.nullMx, T.nullMxFix, { domain })], hosts: [] };
  }
  const hosts = mx.map((m) => m.exchange.replace(/\.$/, '').toLowerCase());
  const findings = [finding('mx', 'ok', 'mx-ok', T.mxOk, undefined, { domain, hosts: hosts.join(', ') })];
  for (const host of hosts) {
    const [a, aaaa] = await Promise.all([lookup(() => opts.resolver.resolve4(host)), lookup(() => opts.resolver.resolve6(host))]);
    const none = (a.ok ? a.value.length : 0) + (aaaa.ok ? aaaa.value.length : 0) === 0;
    if (none && a.ok && aaaa.ok) findings.push(finding('mx', 'warning', 'mx-no-address', T.mxDangling, T.mxDanglingFix, { host }));
  }
  return { findings, hosts };
}

export async function checkMtaSts(domain: string, mxHosts: string[], opts: CheckOptions): Promise<Finding[]> {
  const name = `_mta-sts.${domain}`;
  const mx = (mxHosts.length ? mxHosts : [`mx.${domain}`]).map((h) => `mx: ${h}`).join(' / ');
  const res = await txtWith(opts.resolver, name, /^v=STSv1/i);
  if (!res.ok) return [finding('mta-sts', 'warning', 'mta-sts-lookup-failed', LOOKUP_FAILED, RETRY, { name, error: res.error })];
  const id = new Date().toISOString().slice(0, 10).replace(/-/g, '') + '01';
  if (res.value.length === 0) return [finding('mta-sts', 'info', 'mta-sts-missing', T.noSts, T.noStsFix, { name, domain, id, mx })];
  const t = tags(res.value[0]);
  const stsId = t.get('id') ?? '';
  if (res.value.length > 1 || !/^[A-Za-z0-9]{1,32}$/.test(stsId)) {
    return [finding('mta-sts', 'warning', 'mta-sts-syntax', T.badSts, T.badStsFix, { name, record: res.value.join(' | ').slice(0, 200) })];
  }
  return [finding('mta-sts', 'ok', 'mta-sts-record', T.stsOk, T.stsOkFix, { id: stsId, domain, mx: mxHosts.join(', ') || '-' })];
}

export async function checkTlsRpt(domain: string, opts: CheckOptions): Promise<Finding[]> {
  const name = `_smtp._tls.${domain}`;
  const res = await txtWith(opts.resolver, name, /^v=TLSRPTv1/i);
  if (!res.ok) return [finding('tls-rpt', 'warning', 'tls-rpt-lookup-failed', LOOKUP_FAILED, RETRY, { name, error: res.error })];
  if (res.value.length === 0) return [finding('tls-rpt', 'info', 'tls-rpt-missing', T.noRpt, T.noRptFix, { name, domain })];
  const rua = tags(res.value[0]).get('rua') ?? '';
  if (!/^(mailto:|https:)/i.test(rua)) {
    return [finding('tls-rpt', 'warning', 'tls-rpt-syntax', T.badRpt, T.noRptFix, { name, domain, record: res.value[0].slice(0, 200) })];
  }
  return [finding('tls-rpt', 'ok', 'tls-rpt-ok', T.rptOk, undefined, { rua })];
}
