import { say, type Lang, type Text } from '../../core/i18n.js';
import { placeText, reasonText } from '../../core/reason-text.js';

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
  /** The account's page in the console, when its address is configured (`admin.publicUrl`). */
  console?: string;
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
  console: { en: 'In the console: {url}', ja: '管理画面: {url}' },
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
  lines.push('', ...consoleLine(f.console, lang), `incident: ${f.incidentId}`);
  return lines.join('\n');
}

/** The line that links to the console's page, when there is one. */
function consoleLine(url: string | undefined, lang: Lang): string[] {
  return url ? [say(t.console, { url }, lang)] : [];
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

/**
 * Many accounts mailing only people they never mailed, each from one place new to it (see
 * `PlaceFinding`): an incident of the organisation, reported when it opens and each time the
 * number of accounts doubles.
 */
export interface PlaceFacts {
  incidentId: string;
  ts: string;
  /** The place as the engine's reasons name it: `network …` or `country XX`; or one text, `body TAG`. */
  where: string;
  accounts: string[];
  /** Accounts of the incident restricted so far (their own alerts folded into this incident's updates). */
  restricted: string[];
  update: boolean;
  /** The incident's page in the console, when its address is configured (`admin.publicUrl`). */
  console?: string;
}

const p = {
  subject: { en: '[Mailwarden] {n} accounts mailing strangers from {where}: stolen passwords?', ja: '[Mailwarden] {where} から {n} アカウントが初めての宛先へ送信 (パスワード流出の疑い)' },
  lead: {
    en: 'At {ts}, {n} accounts were mailing only people they never mailed before from {where}, a place new to each of them, within 6 hours. One account at a time this looks like a traveller; together it is the mark of a list of stolen passwords, used one account after another.',
    ja: '{ts} の時点で、6 時間以内に {n} 個のアカウントが、それぞれにとって初めての送信元 ({where}) から、これまで送ったことのない相手だけに送信しています。1 アカウントずつなら出張中の利用者にも見えますが、まとまって起きるのは、盗まれたパスワードの一覧が順に使われているときの特徴です。',
  },
  update: { en: 'Update: more accounts, or accounts restricted.', ja: '続報: 該当アカウントの増加、または送信停止がありました。' },
  accounts: { en: 'Accounts (first to start first):', ja: 'アカウント (開始順):' },
  restricted: {
    en: 'Restricted so far (queued mail quarantined, sessions cut, app passwords revoked, password change required; each owner was told):',
    ja: 'これまでに送信停止したアカウント (キュー内のメールを隔離、セッションを切断、アプリパスワードを失効、パスワード変更を要求済み。各利用者には通知済み):',
  },
  done: {
    en: 'Each account\'s mail from there is scored with this finding: held once the score says so; from ten accounts on, an account whose message is held is restricted.',
    ja: '各アカウントの送信はこの検知を加えて評価され、スコアに応じて保留されます。10 アカウント以上になると、送信が保留されたアカウントは停止されます。',
  },
  next: {
    en: 'Next steps: ask these users whether they are really at that place; for those who are not, reset the password and restrict the account in the console or with "mailwarden account restrict ADDRESS --reason TEXT". The incident\'s page in the console (Incidents) and "mailwarden account restrict --place-incident ID --reason TEXT" restrict every account named at once.',
    ja: '次の対応: 各利用者に本当にその場所にいるか確認してください。心当たりのない利用者は、パスワードを再設定し、管理画面または "mailwarden account restrict アドレス --reason 理由" で送信を停止してください。管理画面のインシデントのページと "mailwarden account restrict --place-incident ID --reason 理由" では、名前の挙がったアカウントをまとめて停止できます。',
  },
} satisfies Record<string, Text>;

/** The same, for one text sent by many accounts each from a place not its own (`where` is `body TAG`). */
const oneText = {
  subject: { en: '[Mailwarden] {n} accounts sending one text from places not their own: stolen passwords?', ja: '[Mailwarden] {n} アカウントが普段と異なる送信元から同一本文を送信 (パスワード流出の疑い)' },
  lead: {
    en: 'At {ts}, {n} accounts had sent {where} to people they never mailed before within 6 hours, each from a network, country or IP not its own: the very same message body from every one of them. People write a text each in a message of their own; the same body from many accounts is one sender working through a list of stolen passwords.',
    ja: '{ts} の時点で、6 時間以内に {n} 個のアカウントが、それぞれ普段と異なるネットワーク・国・IP から、{where} をこれまで送ったことのない相手へ送信しています (どれもまったく同じ本文)。人が書くメールは一通ごとに異なります。多数のアカウントから同じ本文が送られるのは、盗まれたパスワードの一覧を使う一人の送信者の特徴です。',
  },
  done: {
    en: 'Each account\'s mail with this text is scored with this finding: held once the score says so; from five accounts on, an account whose message is held is restricted. The held messages are in the quarantine.',
    ja: 'この本文を含む各アカウントの送信はこの検知を加えて評価され、スコアに応じて保留されます。5 アカウント以上になると、送信が保留されたアカウントは停止されます。保留されたメールは隔離にあります。',
  },
  next: {
    en: 'Next steps: reset the passwords of these accounts and restrict them in the console or with "mailwarden account restrict ADDRESS --reason TEXT"; the incident\'s page in the console (Incidents) and "mailwarden account restrict --place-incident ID --reason TEXT" restrict every account named at once. Warn the recipients: the text may be phishing.',
    ja: '次の対応: これらのアカウントのパスワードを再設定し、管理画面または "mailwarden account restrict アドレス --reason 理由" で送信を停止してください。管理画面のインシデントのページと "mailwarden account restrict --place-incident ID --reason 理由" では、名前の挙がったアカウントをまとめて停止できます。受信者にも注意を呼びかけてください (フィッシングの可能性があります)。',
  },
} satisfies Record<string, Text>;

/** The texts of an incident's kind: one place, or one text (`body TAG`). */
function kindOf(f: PlaceFacts): typeof oneText {
  return f.where.startsWith('body ') ? oneText : p;
}

export function placeSubject(f: PlaceFacts, lang: Lang): string {
  return say(kindOf(f).subject, { n: f.accounts.length, where: placeText(f.where, lang) }, lang);
}

export function placeBody(f: PlaceFacts, lang: Lang): string {
  const k = kindOf(f);
  const params = { ts: f.ts, n: f.accounts.length, where: placeText(f.where, lang) };
  const lines = [...(f.update ? [say(p.update, {}, lang), ''] : []), say(k.lead, params, lang), '', say(p.accounts, {}, lang), ...f.accounts.map((a) => `  - ${a}`)];
  if (f.restricted.length > 0) lines.push('', say(p.restricted, {}, lang), ...f.restricted.map((a) => `  - ${a}`));
  lines.push('', say(k.done, {}, lang), '', say(k.next, {}, lang), '', ...consoleLine(f.console, lang), `incident: ${f.incidentId}`);
  return lines.join('\n');
}

export function placeSummary(f: PlaceFacts): string {
  return `${placeSubject(f, 'en')}\n${placeSubject(f, 'ja')}`;
}

/** Messages of one account deleted from quarantine after `days` days without a release. */
export interface HeldExpiredFacts {
  account: string;
  days: number;
  messages: { messageId: string; createdAt: string; recipients: number }[];
}

const h = {
  subject: { en: '[Mailwarden] {n} message(s) held for review were not sent', ja: '[Mailwarden] 確認のため保留された {n} 通は送信されませんでした' },
  lead: {
    en: 'These messages from {account} were held for review and not released within {days} days. They were not sent, and have now been deleted:',
    ja: '{account} からの以下のメールは確認のため保留され、{days} 日以内に解放されませんでした。送信されずに削除されました:',
  },
  line: { en: '  - {at}  {messageId}  ({n} recipient(s))', ja: '  - {at}  {messageId}  (宛先 {n} 件)' },
  more: { en: '  … and {n} more', ja: '  … ほか {n} 通' },
  next: {
    en: 'If you sent them, send them again; if you did not, your password may have been stolen: contact your IT administrator.',
    ja: 'ご自身が送ったものであれば、もう一度送信してください。心当たりがない場合はパスワードが盗まれた可能性があります。IT 管理者に連絡してください。',
  },
} satisfies Record<string, Text>;

/** At most this many messages are listed one by one in the notice. */
const LISTED = 20;

export function heldExpiredSubject(f: HeldExpiredFacts, lang: Lang): string {
  return say(h.subject, { n: f.messages.length }, lang);
}

export function heldExpiredBody(f: HeldExpiredFacts, lang: Lang): string {
  const lines = [say(h.lead, { account: f.account, days: f.days }, lang), ''];
  for (const m of f.messages.slice(0, LISTED)) lines.push(say(h.line, { at: m.createdAt, messageId: m.messageId, n: m.recipients }, lang));
  if (f.messages.length > LISTED) lines.push(say(h.more, { n: f.messages.length - LISTED }, lang));
  lines.push('', say(h.next, {}, lang));
  return lines.join('\n');
}
