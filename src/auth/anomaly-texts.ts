/**
 * What each login anomaly says, in English and Japanese, for the console, the alert mails and
 * the event record: "first login from Vietnam, network AS45899 (VNPT Corp)".
 */
import { say, type Text } from '../core/i18n.js';

export type FindingKind = 'new-ip' | 'new-network' | 'new-country' | 'impossible-travel' | 'unusual-hour';

export interface Finding {
  kind: FindingKind;
  en: string;
  ja: string;
}

const texts: Record<FindingKind, Text> = {
  'new-country': {
    en: 'first login from {country}, network AS{asn} ({asName}), address {ip}',
    ja: '{country} からの初めてのログイン (ネットワーク AS{asn} {asName}、アドレス {ip})',
  },
  'new-network': {
    en: 'first login from network AS{asn} ({asName}) in {country}, address {ip}',
    ja: 'ネットワーク AS{asn} ({asName}、{country}) からの初めてのログイン (アドレス {ip})',
  },
  'new-ip': {
    en: 'first login from address {ip} ({country})',
    ja: 'アドレス {ip} ({country}) からの初めてのログイン',
  },
  'impossible-travel': {
    en: 'login from {to} {minutes} minutes after a login from {from}: no one travels that fast',
    ja: '{from} からのログインの {minutes} 分後に {to} からログイン: 移動できる時間ではありません',
  },
  'unusual-hour': {
    en: 'login at {hour}:00 UTC, an hour at which this account almost never logs in',
    ja: 'UTC {hour} 時台のログイン: このアカウントがほとんどログインしない時間帯です',
  },
};

/** Country codes among `params` (country, from, to) are named in each language. */
export function findingText(kind: FindingKind, params: Record<string, string | number>): { en: string; ja: string } {
  const named = (lang: 'en' | 'ja') => {
    const out = { ...params };
    for (const k of ['country', 'from', 'to']) if (k in out) out[k] = countryName(String(out[k]), lang);
    return out;
  };
  return { en: say(texts[kind], named('en'), 'en'), ja: say(texts[kind], named('ja'), 'ja') };
}

const names = {
  en: new Intl.DisplayNames(['en'], { type: 'region' }),
  ja: new Intl.DisplayNames(['ja'], { type: 'region' }),
};

/** "Vietnam" or "ベトナム"; the code alone when the runtime has no name for it. */
export function countryName(code: string, lang: 'en' | 'ja'): string {
  if (!code) return lang === 'en' ? 'an unknown country' : '不明な国';
  try {
    return names[lang].of(code) ?? code;
  } catch {
    return code;
  }
}
