import { say, type Lang, type Text } from '../../core/i18n.js';
import { reasonText } from '../../core/reason-text.js';

/** What an alert says; every part exists in both languages. */
export interface IncidentFacts {
  incidentId: string;
  account: string;
  state: 'restricted' | 'watch' | 'active';
  ts: string;
  reasons: string[];
  held: number;
  sessionsClosed: number;
  appPasswordsRevoked: number;
  update: boolean;
}

const t = {
  subjectRestricted: { en: '[Mailwarden] Account {account} restricted: suspected abuse', ja: '[Mailwarden] アカウント {account} の送信を停止しました (不正利用の疑い)' },
  subjectWatch: { en: '[Mailwarden] Account {account} under watch', ja: '[Mailwarden] アカウント {account} を監視中です' },
  subjectReleased: { en: '[Mailwarden] Account {account} released', ja: '[Mailwarden] アカウント {account} の停止を解除しました' },
  lead: {
    en: 'At {ts} Mailwarden restricted the account {account} because its sending looked like abuse of a stolen password.',
    ja: '{ts} に、盗まれたパスワードの不正利用とみられる送信があったため、アカウント {account} の送信を停止しました。',
  },
  leadWatch: { en: 'At {ts} the account {account} started to send unusually; it is being watched.', ja: '{ts} にアカウント {account} の送信が通常と異なるため、監視を始めました。' },
  leadReleased: { en: 'At {ts} the account {account} was released and may send again.', ja: '{ts} にアカウント {account} の停止が解除され、再び送信できるようになりました。' },
  why: { en: 'Why:', ja: '理由:' },
  done: {
    en: 'Done automatically: {held} queued message(s) moved to quarantine, {sessions} session(s) cut, {apps} app password(s) revoked, password change required.',
    ja: '自動で実施: キュー内のメール {held} 通を隔離、セッション {sessions} 件を切断、アプリパスワード {apps} 件を失効、パスワード変更を要求。',
  },
  next: {
    en: 'Next steps: reset the password, check the user\'s devices for malware, review the quarantine, warn recipients if spam went out; then release the account in the console or with "mailwarden account release".',
    ja: '次の対応: パスワードを再設定し、利用者の端末をマルウェア検査し、隔離メールを確認し、スパムが送られた相手には注意を促してください。その後、管理画面または "mailwarden account release" で停止を解除します。',
  },
  user: {
    en: 'Your mail account {account} was suspended because mail that looked like spam was sent from it. If you did not send it, your password may have been stolen. Contact your IT administrator.',
    ja: 'あなたのメールアカウント {account} から迷惑メールとみられる送信があったため、送信を停止しました。心当たりがない場合はパスワードが盗まれた可能性があります。IT 管理者に連絡してください。',
  },
} satisfies Record<string, Text>;

export function subject(f: IncidentFacts, lang: Lang): string {
  const text = f.state === 'restricted' ? t.subjectRestricted : f.state === 'watch' ? t.subjectWatch : t.subjectReleased;
  return say(text, { account: f.account }, lang);
}

export function adminBody(f: IncidentFacts, lang: Lang): string {
  const params = { ts: f.ts, account: f.account, held: f.held, sessions: f.sessionsClosed, apps: f.appPasswordsRevoked };
  if (f.state === 'active') return say(t.leadReleased, params, lang);
  const lines = [say(f.state === 'restricted' ? t.lead : t.leadWatch, params, lang), '', say(t.why, {}, lang), ...f.reasons.map((r) => `  - ${reasonText(r, lang)}`)];
  if (f.state === 'restricted') lines.push('', say(t.done, params, lang), '', say(t.next, params, lang));
  lines.push('', `incident: ${f.incidentId}`);
  return lines.join('\n');
}

export function userBody(f: IncidentFacts, lang: Lang): string {
  return say(t.user, { account: f.account }, lang);
}

/** One line for chat tools: both languages, since a channel is read by everyone. */
export function summaryLine(f: IncidentFacts): string {
  return `${subject(f, 'en')}\n${subject(f, 'ja')}`;
}

/**
 * A campaign allowance given or ended by an administrator (see src/incidents/campaign.ts): it
 * relaxes detection for one account, so every administrator hears of it, whoever gave it.
 */
export interface CampaignFacts {
  account: string;
  ts: string;
  /** The end of the allowance; at or before `ts` when it was ended. */
  until: string;
  hours: number;
  reason: string;
  by: string;
}

const c = {
  subjectAllowed: { en: '[Mailwarden] Campaign allowance for {account} until {until}', ja: '[Mailwarden] {account} のキャンペーン送信を {until} まで許可しました' },
  subjectEnded: { en: '[Mailwarden] Campaign allowance for {account} ended', ja: '[Mailwarden] {account} のキャンペーン送信の許可を終了しました' },
  allowed: {
    en: 'At {ts} {by} allowed a campaign for {account} for {hours} hour(s), until {until}.\nReason: {reason}\n\nUntil then its mail is judged as a declared bulk sender\'s: the signals about what it sends are damped; its limits, probation and every check of where the mail comes from stay. If you did not expect this, end it in the console or with "mailwarden account campaign {account} --end --reason TEXT".',
    ja: '{ts} に {by} が {account} のキャンペーン送信を {hours} 時間 ({until} まで) 許可しました。\n理由: {reason}\n\nその間、このアカウントの送信は宣言済みの一括送信者として判定されます。送信内容に関する検知は弱められますが、送信上限・試用期間・送信元の検査はすべて維持されます。心当たりがない場合は、管理画面または "mailwarden account campaign {account} --end --reason 理由" で終了してください。',
  },
  ended: {
    en: 'At {ts} {by} ended the campaign allowance of {account}.\nReason: {reason}',
    ja: '{ts} に {by} が {account} のキャンペーン送信の許可を終了しました。\n理由: {reason}',
  },
} satisfies Record<string, Text>;

const campaignEnded = (f: CampaignFacts): boolean => f.hours === 0;

export function campaignSubject(f: CampaignFacts, lang: Lang): string {
  return say(campaignEnded(f) ? c.subjectEnded : c.subjectAllowed, { account: f.account, until: f.until }, lang);
}

export function campaignBody(f: CampaignFacts, lang: Lang): string {
  return say(campaignEnded(f) ? c.ended : c.allowed, { ts: f.ts, by: f.by, account: f.account, hours: f.hours, until: f.until, reason: f.reason }, lang);
}

export function campaignSummary(f: CampaignFacts): string {
  return `${campaignSubject(f, 'en')}\n${campaignSubject(f, 'ja')}`;
}
