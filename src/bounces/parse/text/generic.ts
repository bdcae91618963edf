import { classify } from '../classify.js';
import { cleanAddress } from '../fields.js';
import { header, type BounceRecipient, type MailView } from '../types.js';
import { scanText, type TextFormat } from './scan.js';

/**
 * The last resort for notices from unknown software: only when the message plainly is a bounce
 * (sent by the mailer daemon or postmaster, or titled like one) are lines that start with an address
 * read as recipients. Anything looser would turn ordinary replies into bounces.
 */
const BOUNCE_SENDER = /mailer-daemon|postmaster|mail delivery (subsystem|system)|microsoftexchange|mail ?administrator/i;
const BOUNCE_SUBJECT =
  /undeliver|undelivered|returned mail|delivery (status notification|failure|failed|has failed)|failure notice|mail delivery failed|delivery notification|could not be delivered|returned to sender|配信(不能|エラー|失敗)|送信エラー|エラーメール|宛先不明|不達|Unzustellbar|Non remis|No entregado/i;

export function looksLikeBounce(view: MailView): boolean {
  return BOUNCE_SENDER.test(view.from) || BOUNCE_SUBJECT.test(view.subject) || view.headers.has('x-failed-recipients');
}

const GENERIC: TextFormat = {
  name: 'generic',
  start: /./,
  end: /copy of (the|your) (original )?message|original message (follows|headers)|^Content-Type: message|^Received: |^Return-Path: |元のメッセージ/i,
  recipient: /^\s*<?([^\s<>@'"()]+@[a-z0-9.-]+\.[a-z]{2,})>?\s*[:：]?\s*(.*)$/i,
};

export function scanGeneric(view: MailView): BounceRecipient[] {
  const found = scanText(view, GENERIC);
  return found.length > 0 ? found : failedRecipientsHeader(view);
}

/** Exim and others list the failed addresses in X-Failed-Recipients even when the text is unreadable. */
function failedRecipientsHeader(view: MailView): BounceRecipient[] {
  const value = header(view, 'x-failed-recipients');
  if (!value) return [];
  return value
    .split(',')
    .map((a) => cleanAddress(a))
    .filter((a) => a.includes('@'))
    .map((address) => ({
      address,
      action: 'failed' as const,
      status: '',
      reason: classify({ diagnostic: '', status: '', action: 'failed' }),
      diagnostic: '',
      remoteMta: null,
    }));
}
