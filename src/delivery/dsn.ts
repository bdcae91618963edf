/**
 * Delivery status notifications (RFC 3464) for recipients that failed or expired: a
 * multipart/report (RFC 6522) with a human part in English and Japanese, the machine-readable
 * message/delivery-status part, and the original headers as text/rfc822-headers (headers only:
 * returning the body would turn a forged sender into a reflection channel for spam).
 */
import { randomBytes } from 'node:crypto';
import { encodeWords } from 'nodemailer/lib/mime-funcs/index.js';
import { say, type Text } from '../core/i18n.js';

export interface DsnRecipient {
  address: string;
  /** Enhanced status code, class 5 for Action: failed. */
  status: string;
  /** The reply of the remote server, or our own text when no server answered. */
  diagnostic: string;
  /** True when `diagnostic` is an SMTP reply (Diagnostic-Code type "smtp"). */
  smtpReply: boolean;
  remoteMta: string | null;
  lastAttempt: Date;
}

export interface DsnInput {
  reportingMta: string;
  /** The original envelope sender, who receives the DSN. */
  to: string;
  arrivalDate: Date;
  now: Date;
  originalMessageId: string;
  originalRaw: Buffer;
  recipients: DsnRecipient[];
}

const T: Record<string, Text> = {
  subject: {
    en: 'Undelivered Mail Returned to Sender',
    ja: '配信不能のお知らせ (Undelivered Mail)',
  },
  intro: {
    en: 'This is the mail gateway at {mta}.\r\nYour message could not be delivered to one or more recipients. Details follow.',
    ja: 'こちらは {mta} のメールゲートウェイです。\r\nお送りいただいたメールを、次の宛先に配信できませんでした。詳細は以下のとおりです。',
  },
  line: { en: '  <{address}>: {diagnostic}', ja: '  <{address}>: {diagnostic}' },
  outro: {
    en: 'The headers of your message are attached. If you did not send this message, your account may be misused: please tell your administrator.',
    ja: '元のメールのヘッダーを添付しています。このメールを送信した覚えがない場合は、アカウントが不正に使われている可能性があります。管理者に連絡してください。',
  },
};

/** RFC 5322 §3.3 date-time. */
export function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

/** Field values are one line of ASCII: replies can span lines and carry 8-bit text. */
function fieldValue(s: string): string {
  return s.replace(/\s*\r?\n\s*/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim();
}

/** Folds a long header field at spaces (RFC 5322 §2.2.3), keeping lines under 78 octets. */
function fold(line: string): string {
  const out: string[] = [];
  let rest = line;
  while (rest.length > 78) {
    const cut = rest.lastIndexOf(' ', 76);
    if (cut <= 0) break;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out.join('\r\n');
}

function humanPart(input: DsnInput): string {
  const lines = (lang: 'en' | 'ja') => [
    say(T.intro, { mta: input.reportingMta }, lang),
    '',
    ...input.recipients.map((r) => say(T.line, { address: r.address, diagnostic: fieldValue(r.diagnostic) }, lang)),
    '',
    say(T.outro, {}, lang),
  ];
  const text = [...lines('en'), '', '----', '', ...lines('ja')].join('\r\n') + '\r\n';
  // Base64 keeps the Japanese text intact across hops without 8BITMIME.
  return Buffer.from(text, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
}

function statusPart(input: DsnInput): string {
  const perMessage = [`Reporting-MTA: dns; ${input.reportingMta}`, `Arrival-Date: ${rfc5322Date(input.arrivalDate)}`];
  const perRecipient = input.recipients.map((r) =>
    [
      `Final-Recipient: rfc822; ${fieldValue(r.address)}`,
      'Action: failed',
      `Status: ${r.status}`,
      ...(r.remoteMta ? [`Remote-MTA: dns; ${fieldValue(r.remoteMta)}`] : []),
      fold(`Diagnostic-Code: ${r.smtpReply ? 'smtp' : 'X-Mailwarden'}; ${fieldValue(r.diagnostic)}`),
      `Last-Attempt-Date: ${rfc5322Date(r.lastAttempt)}`,
    ].join('\r\n'),
  );
  return [perMessage.join('\r\n'), ...perRecipient].join('\r\n\r\n') + '\r\n';
}

function originalHeaders(raw: Buffer): { text: string; eightBit: boolean } {
  const end = raw.indexOf('\r\n\r\n');
  const head = (end >= 0 ? raw.subarray(0, end + 2) : raw).toString('latin1');
  const normalized = head.replace(/\r?\n/g, '\r\n');
  return { text: normalized.endsWith('\r\n') ? normalized : `${normalized}\r\n`, eightBit: /[^\t\r\n\x20-\x7e]/.test(normalized) };
}

/** Builds the DSN; `messageId` is the new message's Message-ID, with angle brackets. */
export function buildDsn(input: DsnInput): { raw: Buffer; messageId: string } {
  const boundary = `----=_dsn_${randomBytes(12).toString('hex')}`;
  const messageId = `<${randomBytes(12).toString('hex')}.dsn@${input.reportingMta}>`;
  const headers = originalHeaders(input.originalRaw);
  const subject = `${T.subject.en} / ${T.subject.ja}`;
  const head = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.reportingMta}>`,
    `To: <${input.to}>`,
    `Subject: ${encodeWords(subject, 'B', 52)}`,
    `Date: ${rfc5322Date(input.now)}`,
    `Message-ID: ${messageId}`,
    ...(input.originalMessageId ? [`In-Reply-To: ${fieldValue(input.originalMessageId)}`] : []),
    // RFC 3834 §5: an automatic response; receivers must not answer it automatically.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n boundary="${boundary}"`,
  ];
  const parts = [
    ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', humanPart(input)].join('\r\n'),
    ['Content-Type: message/delivery-status', '', statusPart(input)].join('\r\n'),
    [
      'Content-Type: text/rfc822-headers; charset=utf-8',
      `Content-Transfer-Encoding: ${headers.eightBit ? '8bit' : '7bit'}`,
      '',
      '',
    ].join('\r\n'),
  ];
  const before = `${head.join('\r\n')}\r\n\r\n` + parts.map((p) => `--${boundary}\r\n${p}`).join('\r\n');
  // The original header bytes are copied as they were received, whatever their charset.
  const raw = Buffer.concat([
    Buffer.from(before, 'utf8'),
    Buffer.from(headers.text, 'latin1'),
    Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
  ]);
  return { raw, messageId };
}
