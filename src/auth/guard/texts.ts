/**
 * Reasons the guard gives, for logs, the console and (through the error catalogue) SMTP replies.
 * They never say whether the account exists: a locked or throttled name may be a made-up one.
 */
import { say, type Text } from '../../core/i18n.js';

const reasons = {
  sourceBanned: {
    en: 'Too many failed logins from this network; blocked for {seconds} s.',
    ja: 'このネットワークからのログイン失敗が多すぎるため、{seconds} 秒間ブロックしています。',
  },
  pairBanned: {
    en: 'Too many failed logins for this account from this network; blocked for {seconds} s.',
    ja: 'このネットワークからこのアカウントへのログイン失敗が多すぎるため、{seconds} 秒間ブロックしています。',
  },
  accountLocked: {
    en: 'This account accepts logins only from networks it has used before, after repeated failures; an administrator can reset it.',
    ja: 'ログイン失敗が繰り返されたため、このアカウントは以前に使ったネットワークからのログインのみ受け付けています。管理者が解除できます。',
  },
  stalePassword: {
    en: 'The same wrong password was sent again; the device is probably still using an old password.',
    ja: '同じ誤ったパスワードが再送されました。端末が古いパスワードを使い続けている可能性があります。',
  },
  underAttack: {
    en: 'Many failed logins for this account from unknown networks; logins from new networks are slowed down.',
    ja: '未知のネットワークからこのアカウントへのログイン失敗が多いため、新しいネットワークからのログインを遅延させています。',
  },
  throttled: {
    en: 'Several failed logins; the next attempt is delayed by {seconds} s.',
    ja: 'ログイン失敗が続いたため、次の試行を {seconds} 秒遅らせます。',
  },
} satisfies Record<string, Text>;

export type ReasonName = keyof typeof reasons;

/** The reason in both languages, placeholders filled. */
export function reason(name: ReasonName, params: Record<string, string | number> = {}): Text {
  const t: Text = reasons[name];
  return { en: say(t, params, 'en'), ja: say(t, params, 'ja') };
}

export function seconds(ms: number): number {
  return Math.ceil(ms / 1000);
}
