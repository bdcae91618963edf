import { say, type Text } from '../core/i18n.js';

/**
 * One catalogue of errors: each code maps to its SMTP reply, enhanced status and HTTP status,
 * with the text in both languages. Throw sites use codes; tests assert codes.
 */
export interface ErrorSpec {
  smtp: number;
  enhanced: string;
  http: number;
  text: Text;
}

export const errors = {
  AUTH_REQUIRED: { smtp: 530, enhanced: '5.7.0', http: 401, text: { en: 'Authentication required', ja: '認証が必要です' } },
  AUTH_FAILED: {
    smtp: 535,
    enhanced: '5.7.8',
    http: 401,
    text: { en: 'Authentication credentials invalid', ja: '認証情報が正しくありません' },
  },
  AUTH_THROTTLED: {
    smtp: 454,
    enhanced: '4.7.0',
    http: 429,
    text: { en: 'Too many failed logins; try again later', ja: 'ログインの失敗が多すぎます。しばらくしてから再試行してください' },
  },
  AUTH_STALE_PASSWORD: {
    smtp: 535,
    enhanced: '5.7.8',
    http: 401,
    text: {
      en: 'This device keeps using an old password; update the password in its mail settings',
      ja: 'この端末は古いパスワードを使い続けています。メール設定のパスワードを更新してください',
    },
  },
  AUTH_APP_PASSWORD_REQUIRED: {
    smtp: 535,
    enhanced: '5.7.8',
    http: 401,
    text: {
      en: 'This account accepts app passwords only; create one for this device in the console',
      ja: 'このアカウントはアプリパスワードのみ使えます。管理画面でこの端末用に作成してください',
    },
  },
  PASSWORD_CHANGE_REQUIRED: {
    smtp: 535,
    enhanced: '5.7.8',
    http: 403,
    text: {
      en: 'This password must be changed before it can be used again; contact your IT administrator',
      ja: 'このパスワードは変更するまで使えません。IT 管理者に連絡してください',
    },
  },
  ACCOUNT_DISABLED: { smtp: 535, enhanced: '5.7.8', http: 403, text: { en: 'Authentication credentials invalid', ja: '認証情報が正しくありません' } },
  ACCOUNT_RESTRICTED: {
    smtp: 550,
    enhanced: '5.7.1',
    http: 403,
    text: {
      en: 'Sending from this account is suspended for suspected abuse; contact your IT administrator',
      ja: '不正利用の疑いにより、このアカウントからの送信は停止されています。IT 管理者に連絡してください',
    },
  },
  SENDER_NOT_ALLOWED: {
    smtp: 550,
    enhanced: '5.7.1',
    http: 403,
    text: {
      en: '{field} address <{address}> is not allowed for account {account}: an account may send only as its own address or its aliases',
      ja: '{field} のアドレス <{address}> はアカウント {account} では使えません: 送信できるのは自分のアドレスとエイリアスだけです',
    },
  },
  DEVICE_EXTERNAL_RECIPIENT: {
    smtp: 550,
    enhanced: '5.7.1',
    http: 403,
    text: {
      en: 'Device {device} may send to internal recipients only',
      ja: '機器 {device} は社内の宛先にのみ送信できます',
    },
  },
  NULL_SENDER: {
    smtp: 550,
    enhanced: '5.7.1',
    http: 403,
    text: { en: 'An empty envelope sender is not allowed on submission', ja: '送信では空のエンベロープ送信者は使えません' },
  },
  TOO_MANY_RECIPIENTS: {
    smtp: 452,
    enhanced: '4.5.3',
    http: 400,
    text: { en: 'Too many recipients; at most {max} per message', ja: '宛先が多すぎます。1 通あたり最大 {max} 件です' },
  },
  MESSAGE_TOO_BIG: {
    smtp: 552,
    enhanced: '5.3.4',
    http: 413,
    text: { en: 'Message size exceeds the limit of {max} bytes', ja: 'メッセージが上限 {max} バイトを超えています' },
  },
  SMUGGLING: {
    smtp: 550,
    enhanced: '5.5.2',
    http: 400,
    text: {
      en: 'Message refused: bare CR or LF next to a "." line (SMTP smuggling); send CRLF line endings only',
      ja: 'メッセージを拒否しました: 「.」行の前後に単独の CR または LF があります (SMTP スマグリング)。改行は CRLF のみを使ってください',
    },
  },
  LINE_TOO_LONG: {
    smtp: 550,
    enhanced: '5.6.0',
    http: 400,
    text: { en: 'Message has a line longer than {max} characters (RFC 5322)', ja: 'メッセージに {max} 文字を超える行があります (RFC 5322)' },
  },
  BAD_MESSAGE: {
    smtp: 550,
    enhanced: '5.6.0',
    http: 400,
    text: { en: 'Message refused: {problem}', ja: 'メッセージを拒否しました: {problem}' },
  },
  TOO_MANY_COMMANDS: {
    smtp: 421,
    enhanced: '4.7.0',
    http: 429,
    text: { en: 'Too many commands in this session; reconnect', ja: 'このセッションのコマンドが多すぎます。再接続してください' },
  },
  TOO_MANY_CONNECTIONS: {
    smtp: 421,
    enhanced: '4.7.0',
    http: 429,
    text: { en: 'Too many connections from your address; try again later', ja: 'このアドレスからの接続が多すぎます。しばらくしてから再試行してください' },
  },
  RATE_LIMITED: {
    smtp: 451,
    enhanced: '4.7.1',
    http: 429,
    text: {
      en: 'Sending limit reached for this account; try again later. If you did not send this mail, contact your IT administrator',
      ja: 'このアカウントの送信上限に達しました。しばらくしてから再試行してください。心当たりがない場合は IT 管理者に連絡してください',
    },
  },
  STORE_UNAVAILABLE: {
    smtp: 451,
    enhanced: '4.3.0',
    http: 503,
    text: { en: 'Message could not be stored; try again later', ja: 'メッセージを保存できませんでした。しばらくしてから再試行してください' },
  },
  RCPT_SUPPRESSED: {
    smtp: 550,
    enhanced: '5.1.1',
    http: 409,
    text: {
      en: '<{address}>: suppressed after a hard bounce on {date} ({reason}); ask your IT administrator to remove it',
      ja: '<{address}>: {date} に恒久的な配送エラー ({reason}) があったため送信を停止しています。解除は IT 管理者に依頼してください',
    },
  },
  BOUNCE_NO_SUCH_ADDRESS: {
    smtp: 550,
    enhanced: '5.1.1',
    http: 404,
    text: {
      en: '<{address}>: no such bounce address; this server accepts only bounces of mail it sent and does not relay',
      ja: '<{address}>: このバウンス用アドレスはありません。このサーバーは自身が送ったメールのバウンスだけを受け付け、中継はしません',
    },
  },
  BOUNCE_TOKEN_FORGED: {
    smtp: 550,
    enhanced: '5.7.1',
    http: 403,
    text: {
      en: '<{address}>: return-path signature does not match; this gateway did not send mail with this return path',
      ja: '<{address}>: 返送先アドレスの署名が一致しません。このゲートウェイはこの返送先でメールを送っていません',
    },
  },
  BOUNCE_TOKEN_EXPIRED: {
    smtp: 550,
    enhanced: '5.7.1',
    http: 410,
    text: {
      en: '<{address}>: return path expired (older than {days} days); bounces are accepted only for recent mail',
      ja: '<{address}>: 返送先アドレスの有効期限 ({days} 日) が切れています。バウンスは最近送ったメールについてのみ受け付けます',
    },
  },
  SHUTTING_DOWN: {
    smtp: 421,
    enhanced: '4.3.2',
    http: 503,
    text: { en: 'Gateway is shutting down; try again shortly', ja: 'ゲートウェイを停止中です。少し待ってから再試行してください' },
  },
} satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errors;

/** An error with a catalogue code; smtp-server turns `responseCode` and the message into the reply. */
export class GatewayError extends Error {
  readonly responseCode: number;

  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    const spec = errors[code];
    // SMTP replies stay ASCII (clients without SMTPUTF8 cannot show anything else).
    super(`${spec.enhanced} ${say(spec.text, params, 'en')}`);
    this.responseCode = spec.smtp;
  }

  localized(lang: 'en' | 'ja'): string {
    return say(errors[this.code].text, this.params, lang);
  }
}
