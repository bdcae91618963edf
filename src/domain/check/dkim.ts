/**
 * DKIM posture: each selector in use is published at `<selector>._domainkey.<domain>`, is a
 * DKIM1 key record, and carries the same public key as the key that signs (a stale record after a
 * rotation makes every signature fail).
 */
import { finding, tags, txtWith, LOOKUP_FAILED, RETRY, type CheckOptions, type DkimSelector, type Finding } from './types.js';

const T = {
  noSelectors: {
    en: 'No DKIM selector is known for {domain}, so DKIM was not checked.',
    ja: '{domain} の DKIM セレクタが不明なため、DKIM は確認していません。',
  },
  noSelectorsFix: {
    en: 'Create a key with "mailwarden dkim keygen {domain}" and publish the record it prints.',
    ja: '"mailwarden dkim keygen {domain}" で鍵を作成し、表示されたレコードを公開してください。',
  },
  missing: { en: 'The DKIM key {name} is not published.', ja: 'DKIM 鍵 {name} が公開されていません。' },
  missingFix: {
    en: 'Publish the TXT record printed by "mailwarden dkim list" / "dkim keygen" at {name}; until then receivers cannot verify signatures.',
    ja: '"mailwarden dkim keygen" が表示した TXT レコードを {name} に公開してください。公開するまで受信側は署名を検証できません。',
  },
  revoked: { en: 'The DKIM record {name} has an empty key (p=): the key is revoked.', ja: 'DKIM レコード {name} の鍵 (p=) が空で、失効しています。' },
  revokedFix: { en: 'Publish the current key, or stop signing with this selector.', ja: '現在の鍵を公開するか、このセレクタでの署名をやめてください。' },
  mismatch: {
    en: 'The DKIM record {name} holds a different key from the one the gateway signs with; signatures will fail.',
    ja: 'DKIM レコード {name} の鍵がゲートウェイの署名鍵と異なり、署名の検証が失敗します。',
  },
  mismatchFix: { en: 'Replace the record with: {value}', ja: 'レコードを次の値に置き換えてください: {value}' },
  ok: { en: 'The DKIM key {name} is published and matches the key in use.', ja: 'DKIM 鍵 {name} は公開されており、使用中の鍵と一致しています。' },
  present: { en: 'The DKIM key {name} is published.', ja: 'DKIM 鍵 {name} は公開されています。' },
};

function normalise(s: string | DkimSelector): DkimSelector {
  return typeof s === 'string' ? { selector: s } : s;
}

async function checkSelector(domain: string, sel: DkimSelector, opts: CheckOptions): Promise<Finding> {
  const name = `${sel.selector}._domainkey.${domain}`;
  // v=DKIM1 is optional (RFC 6376 §3.6.1); any record with p= is a key record.
  const res = await txtWith(opts.resolver, name, /(^|;)\s*(v=DKIM1|p=)/i);
  if (!res.ok) return finding('dkim', 'warning', 'dkim-lookup-failed', LOOKUP_FAILED, RETRY, { name, error: res.error });
  if (res.value.length === 0) return finding('dkim', 'critical', 'dkim-missing', T.missing, T.missingFix, { name });
  const published = (tags(res.value[0]).get('p') ?? '').replace(/\s+/g, '');
  if (!published) return finding('dkim', 'critical', 'dkim-revoked', T.revoked, T.revokedFix, { name });
  if (!sel.publicKey) return finding('dkim', 'ok', 'dkim-present', T.present, undefined, { name });
  if (published !== sel.publicKey) {
    const k = sel.publicKey.length > 100 ? 'rsa' : 'ed25519';
    return finding('dkim', 'critical', 'dkim-mismatch', T.mismatch, T.mismatchFix, { name, value: `v=DKIM1; k=${k}; p=${sel.publicKey}` });
  }
  return finding('dkim', 'ok', 'dkim-ok', T.ok, undefined, { name });
}

export async function checkDkim(domain: string, opts: CheckOptions): Promise<Finding[]> {
  const selectors = (opts.dkimSelectors ?? []).map(normalise);
  if (selectors.length === 0) return [finding('dkim', 'warning', 'dkim-no-selectors', T.noSelectors, T.noSelectorsFix, { domain })];
  return Promise.all(selectors.map((s) => checkSelector(domain, s, opts)));
}
