import { sayBoth, type Text } from '../core/i18n.js';
import type { Verdict } from '../events/replay.js';

/**
 * The SMTP reply for each verdict of the detection engine (RFC 3463 enhanced codes). Replies are
 * read by the user in their mail client, so they carry both languages and say whom to ask.
 * `accept` has no reply of its own: the gateway answers 250 once the message is queued.
 */
export interface VerdictReply {
  code: number;
  enhanced: string;
  text: Text;
}

export const overLimitReply: VerdictReply = {
  code: 451,
  enhanced: '4.7.1',
  text: {
    en: 'This account has reached its sending limit for now; please try again later. If this keeps happening, contact your IT administrator.',
    ja: 'このアカウントは現在送信上限に達しています。しばらくしてから再送してください。繰り返し発生する場合は IT 管理者に連絡してください。',
  },
};

export const restrictedReply: VerdictReply = {
  code: 550,
  enhanced: '5.7.1',
  text: {
    en: 'Sending from this account is suspended because of unusual activity. Contact your IT administrator.',
    ja: '不審な送信が検知されたため、このアカウントからの送信は停止されています。IT 管理者に連絡してください。',
  },
};

/** A held message is kept in quarantine for review; the client is told it was taken. */
export const heldReply: VerdictReply = {
  code: 250,
  enhanced: '2.6.0',
  text: {
    en: 'Message accepted for review before delivery. If it is urgent, contact your IT administrator.',
    ja: 'メッセージは配信前の確認のため受け付けました。急ぎの場合は IT 管理者に連絡してください。',
  },
};

export function replyFor(verdict: Verdict): VerdictReply | null {
  switch (verdict) {
    case 'defer':
      return overLimitReply;
    case 'reject':
      return restrictedReply;
    case 'hold':
      return heldReply;
    case 'accept':
      return null;
  }
}

/**
 * The reply as SMTP lines: one per language, each prefixed with the code and enhanced status
 * (RFC 5321 multi-line form: "451-4.7.1 ..." then "451 4.7.1 ...").
 */
export function replyLines(reply: VerdictReply): string[] {
  const lines = sayBoth(reply.text).split('\n');
  return lines.map((line, i) => `${reply.code}${i < lines.length - 1 ? '-' : ' '}${reply.enhanced} ${line}`);
}
