import type { Text } from '../core/i18n.js';

/**
 * The API's error catalogue: every refusal has a stable code, an HTTP status, a message and,
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
    const fill = (t: Text): Text => ({ en: subst(t.en, this.params), ja: subst(t.ja, this.params) });
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

function subst(s: string, params: Record<string, string | number>): string {
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}
