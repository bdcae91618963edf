/**
 * What the policy tells a person, per problem code: why the password was refused and what to do
 * instead. Codes are stable (the API and the console key on them); texts may be reworded.
 * The advice follows NIST SP 800-63B-4 and IPA: length over complexity, passphrases welcome, no
 * forced character classes.
 */
import { say, type Text } from '../../core/i18n.js';

export type ProblemCode =
  | 'password:control-characters'
  | 'password:too-short'
  | 'password:too-long'
  | 'password:common'
  | 'password:context'
  | 'password:repetitive'
  | 'password:weak'
  | 'password:reused'
  | 'password:check-unavailable';

export interface PasswordProblem {
  code: ProblemCode;
  message: Text;
  fix: Text;
}

const LONGER: Text = {
  en: 'Use a passphrase of several unrelated words, e.g. four words with spaces between them; spaces and Japanese are allowed.',
  ja: '関係のない複数の単語を並べたパスフレーズにしてください(例: 4つの単語をスペースで区切る)。スペースや日本語も使えます。',
};

const catalogue: Record<ProblemCode, { message: Text; fix: Text }> = {
  'password:control-characters': {
    message: { en: 'The password contains control characters (such as a tab or line break).', ja: 'パスワードに制御文字(タブや改行など)が含まれています。' },
    fix: { en: 'Use only characters you can see, and spaces.', ja: '目に見える文字とスペースだけを使ってください。' },
  },
  'password:too-short': {
    message: { en: 'The password is too short: {length} characters, at least {min} are required.', ja: 'パスワードが短すぎます: {length} 文字です。{min} 文字以上が必要です。' },
    fix: LONGER,
  },
  'password:too-long': {
    message: { en: 'The password is too long: {length} characters, at most {max} are accepted.', ja: 'パスワードが長すぎます: {length} 文字です。{max} 文字までです。' },
    fix: { en: 'Shorten it to {max} characters or fewer.', ja: '{max} 文字以内にしてください。' },
  },
  'password:common': {
    message: { en: 'This password is on a list of common or leaked passwords; attackers try these first.', ja: 'このパスワードは、よく使われるパスワードまたは漏えいしたパスワードの一覧に載っています。攻撃者が最初に試すものです。' },
    fix: { en: 'Choose something new. Changing letters to look-alike symbols (P@ssw0rd) or adding digits does not help.', ja: '新しいものを選んでください。文字を似た記号に変える(P@ssw0rd)ことや数字を付け足すことでは安全になりません。' },
  },
  'password:context': {
    message: { en: 'The password is built from your name, your address, the company name or domain, or the name of this mail service.', ja: 'パスワードが、あなたの名前・メールアドレス・会社名・ドメイン名・メールサービス名から作られています。' },
    fix: { en: 'Leave out words that someone who knows you or the company could guess. {longer}', ja: 'あなたや会社を知る人が推測できる言葉は使わないでください。{longer}' },
  },
  'password:repetitive': {
    message: {
      en: 'The password repeats itself: without the repeated word, the year and runs like "1234" or "aaaa", fewer than {min} characters are left to guess.',
      ja: 'パスワードが繰り返しでできています。繰り返した単語・年・"1234" や "aaaa" のような並びを除くと、推測すべき部分が {min} 文字未満しか残りません。',
    },
    fix: LONGER,
  },
  'password:weak': {
    message: { en: 'The password is too easy to guess (strength {score} of 4; at least {min} is required).{warning}', ja: 'パスワードが推測されやすすぎます(強度 {score}/4、{min} 以上が必要です)。{warning}' },
    fix: LONGER,
  },
  'password:reused': {
    message: { en: 'This password was used for this account before (one of the last {depth}).', ja: 'このパスワードは、このアカウントで以前に使われています(直近 {depth} 件のいずれか)。' },
    fix: { en: 'Choose a password you have not used before; never reuse a password that may have been leaked.', ja: '以前に使ったことのないパスワードを選んでください。漏えいした可能性のあるパスワードは再利用しないでください。' },
  },
  'password:check-unavailable': {
    message: { en: 'The password could not be checked against the list of leaked passwords, so it was not accepted.', ja: '漏えいパスワード一覧との照合ができなかったため、パスワードを受け付けませんでした。' },
    fix: { en: 'Try again later, or ask an administrator to check the installation.', ja: 'しばらくしてから再度お試しいただくか、管理者にインストールの確認を依頼してください。' },
  },
};

/** Builds a problem with its placeholders filled in both languages. */
export function problem(
  code: ProblemCode,
  params: Record<string, string | number> = {},
  langParams: { en?: Record<string, string>; ja?: Record<string, string> } = {},
): PasswordProblem {
  const entry = catalogue[code];
  const both = (t: Text): Text => ({
    en: say(t, { longer: LONGER.en, ...params, ...langParams.en }, 'en'),
    ja: say(t, { longer: LONGER.ja, ...params, ...langParams.ja }, 'ja'),
  });
  return { code, message: both(entry.message), fix: both(entry.fix) };
}
