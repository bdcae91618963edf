/**
 * DMARC posture (RFC 7489): one record at `_dmarc.<domain>`, reports requested (rua), and a policy
 * on the staged path p=none → quarantine → reject. Each finding names the concrete next step,
 * because the safe order matters: raise the policy only once reports show no legitimate sender failing.
 */
import { finding, tags, txtWith, LOOKUP_FAILED, RETRY, type CheckOptions, type Finding } from './types.js';

const T = {
  missing: { en: '{domain} publishes no DMARC record: anyone can send as the domain unchecked.', ja: '{domain} に DMARC レコードがなく、誰でもこのドメインを名乗って送信できます。' },
  missingFix: {
    en: 'Publish a TXT record at {name}: "v=DMARC1; p=none; rua=mailto:dmarc-reports@{domain}" and read the reports before tightening.',
    ja: '{name} に TXT レコード "v=DMARC1; p=none; rua=mailto:dmarc-reports@{domain}" を公開し、レポートを確認してから強化してください。',
  },
  multiple: { en: '{name} has {n} DMARC records; receivers then ignore DMARC.', ja: '{name} に DMARC レコードが {n} 件あり、受信側は DMARC を無視します。' },
  multipleFix: { en: 'Keep exactly one "v=DMARC1; …" record.', ja: '"v=DMARC1; …" のレコードを 1 件だけにしてください。' },
  syntax: { en: 'The DMARC record has no valid policy (p=): "{record}".', ja: 'DMARC レコードに有効なポリシー (p=) がありません: "{record}"。' },
  syntaxFix: { en: 'Write it as "v=DMARC1; p=none; rua=mailto:…" with v=DMARC1 first.', ja: 'v=DMARC1 を先頭に "v=DMARC1; p=none; rua=mailto:…" の形式で記述してください。' },
  none: { en: 'DMARC policy is p=none: forged mail is reported but still delivered.', ja: 'DMARC ポリシーが p=none で、なりすましメールは報告されるだけで配送されます。' },
  noneFix: {
    en: 'When the reports ("mailwarden dmarc sources") show all your senders passing, change to "p=quarantine; pct=25", then raise pct to 100.',
    ja: 'レポート ("mailwarden dmarc sources") で自社の送信元がすべて合格していれば "p=quarantine; pct=25" に変更し、pct を 100 まで上げてください。',
  },
  quarantine: { en: 'DMARC policy is p=quarantine{pctNote}: failing mail goes to spam.', ja: 'DMARC ポリシーは p=quarantine{pctNote} で、失敗したメールは迷惑メールになります。' },
  quarantineFix: { en: 'After some weeks at pct=100 without legitimate failures, change to "p=reject".', ja: 'pct=100 で数週間、正規メールの失敗がなければ "p=reject" に変更してください。' },
  pctFix: { en: 'Raise pct step by step to 100 (or remove it) while watching the reports.', ja: 'レポートを見ながら pct を段階的に 100 まで上げてください (または削除)。' },
  reject: { en: 'DMARC policy is p=reject{pctNote}: failing mail is refused.', ja: 'DMARC ポリシーは p=reject{pctNote} で、失敗したメールは拒否されます。' },
  noRua: { en: 'The DMARC record requests no aggregate reports (rua=), so you cannot see who sends as the domain.', ja: 'DMARC レコードに rua= がなく、誰がこのドメインで送信しているか分かりません。' },
  noRuaFix: { en: 'Add "rua=mailto:dmarc-reports@{domain}" and feed the reports to "mailwarden dmarc parse".', ja: '"rua=mailto:dmarc-reports@{domain}" を追加し、レポートを "mailwarden dmarc parse" で読んでください。' },
  rua: { en: 'Aggregate reports go to {rua}.', ja: '集計レポートの送信先は {rua} です。' },
  spNone: { en: 'Subdomains have sp=none: forged mail from any subdomain is delivered.', ja: 'サブドメインが sp=none で、サブドメインを名乗るなりすましは配送されます。' },
  spNoneFix: { en: 'Remove sp= (it then follows p=) or set it to the same policy as p=.', ja: 'sp= を削除する (p= に従います) か、p= と同じポリシーにしてください。' },
  strict: {
    en: 'Alignment is strict (adkim={adkim}, aspf={aspf}): mail signed or sent from subdomains fails DMARC.',
    ja: 'アライメントが strict です (adkim={adkim}, aspf={aspf})。サブドメインで署名・送信したメールは DMARC に失敗します。',
  },
  strictFix: { en: 'Keep strict only if every sender uses exactly {domain}; otherwise use relaxed (remove adkim/aspf).', ja: 'すべての送信元が {domain} そのものを使う場合のみ strict にし、それ以外は relaxed (adkim/aspf を削除) にしてください。' },
};

function policyFinding(p: string, pct: number): Finding {
  const pctNote = pct < 100 ? ` pct=${pct}` : '';
  if (p === 'none') return finding('dmarc', 'warning', 'dmarc-p-none', T.none, T.noneFix);
  if (p === 'quarantine') {
    return pct < 100
      ? finding('dmarc', 'warning', 'dmarc-pct-partial', T.quarantine, T.pctFix, { pctNote })
      : finding('dmarc', 'info', 'dmarc-p-quarantine', T.quarantine, T.quarantineFix, { pctNote });
  }
  return pct < 100
    ? finding('dmarc', 'warning', 'dmarc-pct-partial', T.reject, T.pctFix, { pctNote })
    : finding('dmarc', 'ok', 'dmarc-p-reject', T.reject, undefined, { pctNote });
}

export async function checkDmarc(domain: string, opts: CheckOptions): Promise<Finding[]> {
  const name = `_dmarc.${domain}`;
  const res = await txtWith(opts.resolver, name, /^v\s*=\s*DMARC1\s*(;|$)/i);
  if (!res.ok) return [finding('dmarc', 'warning', 'dmarc-lookup-failed', LOOKUP_FAILED, RETRY, { name, error: res.error })];
  if (res.value.length === 0) return [finding('dmarc', 'critical', 'dmarc-missing', T.missing, T.missingFix, { domain, name })];
  if (res.value.length > 1) return [finding('dmarc', 'critical', 'dmarc-multiple', T.multiple, T.multipleFix, { name, n: res.value.length })];
  const t = tags(res.value[0]);
  const p = t.get('p')?.toLowerCase() ?? '';
  if (!['none', 'quarantine', 'reject'].includes(p)) {
    return [finding('dmarc', 'critical', 'dmarc-syntax', T.syntax, T.syntaxFix, { record: res.value[0].slice(0, 200) })];
  }
  const pct = Number(t.get('pct') ?? 100);
  const out = [policyFinding(p, Number.isFinite(pct) ? pct : 100)];
  const rua = t.get('rua');
  out.push(rua ? finding('dmarc', 'ok', 'dmarc-rua', T.rua, undefined, { rua }) : finding('dmarc', 'warning', 'dmarc-no-rua', T.noRua, T.noRuaFix, { domain }));
  if (t.get('sp')?.toLowerCase() === 'none' && p !== 'none') out.push(finding('dmarc', 'warning', 'dmarc-sp-none', T.spNone, T.spNoneFix));
  const adkim = t.get('adkim')?.toLowerCase() ?? 'r';
  const aspf = t.get('aspf')?.toLowerCase() ?? 'r';
  if (adkim === 's' || aspf === 's') out.push(finding('dmarc', 'info', 'dmarc-strict-alignment', T.strict, T.strictFix, { adkim, aspf, domain }));
  return out;
}
