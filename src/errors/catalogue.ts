import { say, type Text } from '../core/i18n.js';

/**
 * One catalogue of errors: each code maps to its SMTP reply, enhanced status and HTTP status,
 * with the text in both languages; refusals of the admin API that have no SMTP side are in the
 * second table below (`apiErrors`), and no code is in both. Throw sites use codes; tests assert codes.
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
  STORAGE_FULL: {
    smtp: 452,
    enhanced: '4.3.1',
    http: 507,
    text: { en: 'Mail system storage is full; the message was not accepted, try again later', ja: 'メールシステムの保存領域が満杯のため受け付けられませんでした。しばらくしてから再試行してください' },
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

/**
 * Refusals that exist only in the admin API (HTTP): each has a stable code, an HTTP status, a message and,
 * where the caller can do something about it, a fix, each in English and Japanese.
 * Responses carry `{error: {code, message: {en, ja}, fix?: {en, ja}, details?}}`.
 */
interface ApiErrorSpec {
  http: number;
  message: Text;
  fix?: Text;
}

export const apiErrors = {
  UNAUTHENTICATED: {
    http: 401,
    message: { en: 'Sign in first.', ja: 'まずサインインしてください。' },
    fix: { en: 'POST /api/session with username, password and a TOTP or recovery code.', ja: 'ユーザー名・パスワード・TOTP コード (または回復コード) を POST /api/session に送ってください。' },
  },
  SESSION_EXPIRED: {
    http: 401,
    message: { en: 'Your session has expired.', ja: 'セッションの有効期限が切れました。' },
    fix: { en: 'Sign in again.', ja: 'もう一度サインインしてください。' },
  },
  SIGN_IN_FAILED: {
    http: 401,
    message: { en: 'Username, password or code is wrong.', ja: 'ユーザー名、パスワード、またはコードが正しくありません。' },
    fix: {
      en: 'Check all three; the code changes every 30 seconds. Lost your authenticator? Use a recovery code, or ask another administrator to run "mailwarden admin reset-mfa".',
      ja: '3 つとも確認してください。コードは 30 秒ごとに変わります。認証アプリを失くした場合は回復コードを使うか、他の管理者に "mailwarden admin reset-mfa" を依頼してください。',
    },
  },
  SIGN_IN_THROTTLED: {
    http: 429,
    message: { en: 'Too many failed sign-ins; sign-in is paused for a while.', ja: 'サインインの失敗が多すぎるため、しばらく受け付けません。' },
    fix: { en: 'Wait {minutes} minute(s) and try again.', ja: '{minutes} 分待ってから再試行してください。' },
  },
  FORBIDDEN: {
    http: 403,
    message: { en: 'Your role ({role}) may not do this.', ja: 'あなたの役割 ({role}) ではこの操作はできません。' },
    fix: { en: 'Ask an administrator with the "{needed}" permission.', ja: '「{needed}」権限を持つ管理者に依頼してください。' },
  },
  CSRF: {
    http: 403,
    message: { en: 'The request lacks a valid CSRF token.', ja: '有効な CSRF トークンがありません。' },
    fix: { en: 'Send the csrfToken from GET /api/session in the X-CSRF-Token header; reload the console if it was open for long.', ja: 'GET /api/session の csrfToken を X-CSRF-Token ヘッダーで送ってください。長く開いていた場合は画面を再読み込みしてください。' },
  },
  UNSUPPORTED_MEDIA: {
    http: 415,
    message: { en: 'State-changing requests must be JSON.', ja: '変更を伴うリクエストは JSON で送ってください。' },
    fix: { en: 'Set Content-Type: application/json.', ja: 'Content-Type: application/json を指定してください。' },
  },
  BAD_ORIGIN: {
    http: 403,
    message: { en: 'The request came from another site.', ja: '別のサイトからのリクエストです。' },
    fix: { en: 'Use the console at its own address.', ja: '管理画面は本来のアドレスで開いてください。' },
  },
  BAD_REQUEST: {
    http: 400,
    message: { en: 'The request is not valid: {problem}', ja: 'リクエストが正しくありません: {problem}' },
    fix: { en: 'See /api/openapi.json for the expected fields.', ja: '必要な項目は /api/openapi.json を参照してください。' },
  },
  REASON_REQUIRED: {
    http: 400,
    message: { en: 'Give a reason; it is recorded in the audit log.', ja: '理由を入力してください。監査ログに記録されます。' },
  },
  CAMPAIGN_HOURS_REQUIRED: {
    http: 400,
    message: { en: 'Give the length of the campaign in hours, or end it.', ja: 'キャンペーンの時間を指定するか、終了を指定してください。' },
    fix: { en: 'Send {"hours": N, "reason": "..."} (N from 1 to 72), or {"end": true, "reason": "..."}.', ja: '{"hours": N, "reason": "..."} (N は 1〜72) 、または {"end": true, "reason": "..."} を送ってください。' },
  },
  NOT_FOUND: {
    http: 404,
    message: { en: 'No {what} "{id}".', ja: '{what}「{id}」はありません。' },
  },
  ACCOUNT_EXISTS: {
    http: 409,
    message: { en: 'Account {address} already exists.', ja: 'アカウント {address} は既に存在します。' },
    fix: { en: 'Change its password instead.', ja: '代わりにパスワードを変更してください。' },
  },
  ADMIN_EXISTS: {
    http: 409,
    message: { en: 'Administrator {username} already exists.', ja: '管理者 {username} は既に存在します。' },
  },
  BAD_ADDRESS: {
    http: 400,
    message: { en: '"{address}" is not a mail address.', ja: '「{address}」はメールアドレスではありません。' },
    fix: { en: 'Use the form user@domain.', ja: 'user@domain の形式で入力してください。' },
  },
  PASSWORD_REFUSED: {
    http: 422,
    message: { en: 'The password is refused by the password policy.', ja: 'パスワードがパスワードポリシーに合いません。' },
    fix: { en: 'See details for each problem and its fix.', ja: '各問題と対処は details を参照してください。' },
  },
  NOT_HELD: {
    http: 409,
    message: { en: 'Message {id} is not in quarantine.', ja: 'メッセージ {id} は隔離されていません。' },
  },
  NOT_AVAILABLE: {
    http: 503,
    message: { en: '{what} is not available on this server.', ja: 'このサーバーでは {what} を利用できません。' },
    fix: { en: 'Run the action from a running gateway (mailwarden start).', ja: '稼働中のゲートウェイ (mailwarden start) で実行してください。' },
  },
  INTERNAL: {
    http: 500,
    message: { en: 'The server failed to handle the request.', ja: 'サーバーでリクエストを処理できませんでした。' },
    fix: { en: 'Try again; if it persists, look for the request id in the gateway log.', ja: '再試行してください。続く場合はゲートウェイのログでリクエスト ID を確認してください。' },
  },
} satisfies Record<string, ApiErrorSpec>;

export type ApiErrorCode = keyof typeof apiErrors;

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    readonly params: Record<string, string | number> = {},
    readonly details?: unknown,
  ) {
    super(code);
  }

  get status(): number {
    return apiErrors[this.code].http;
  }

  toJSON(): { error: Record<string, unknown> } {
    const spec: ApiErrorSpec = apiErrors[this.code];
    const fill = (t: Text): Text => ({ en: say(t, this.params, 'en'), ja: say(t, this.params, 'ja') });
    return {
      error: {
        code: this.code,
        message: fill(spec.message),
        ...(spec.fix ? { fix: fill(spec.fix) } : {}),
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

/**
 * Whether a store's error says that its disk (or database) is full: SQLite's SQLITE_FULL
 * ("database or disk is full"), PostgreSQL's disk_full (53100), or the system's ENOSPC. Such a
 * write is answered `STORAGE_FULL` (452 4.3.1), which a client retries, rather than as an
 * unexpected error.
 */
export function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC';
}
