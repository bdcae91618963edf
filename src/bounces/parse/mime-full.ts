import { simpleParser, type ParsedMail, type HeaderValue } from 'mailparser';
import { attachmentText, headerBlock, MESSAGE_HEADERS, MessageUnreadable, ORIGINAL_TYPES, STATUS_TYPES } from './mime-parts.js';
import type { MailView } from './types.js';

/**
 * The complete decoder: mailparser builds the whole message (text, HTML converted to text, every
 * attachment). It is the reference the fast reader in mime-fast.ts is held to, and reads whatever
 * that reader leaves to it.
 */
export async function readMailFull(input: Buffer): Promise<MailView> {
  const mail = await simpleParser(input, {
    keepDeliveryStatus: true,
    // only the plain text and the report parts matter here: skip HTML generation and hashing
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    checksumAlgo: false,
    maxHtmlLengthToParse: 2_000_000,
  });
  if (!mail.headerLines.some((h) => MESSAGE_HEADERS.has(h.key))) throw new MessageUnreadable('no message headers');
  return toView(mail);
}

function toView(mail: ParsedMail): MailView {
  const atts = mail.attachments ?? [];
  const statusParts = atts.filter((a) => STATUS_TYPES.has(a.contentType));
  const feedback = atts.find((a) => a.contentType === 'message/feedback-report');
  const original = atts.find((a) => ORIGINAL_TYPES.has(a.contentType));
  const ct = mail.headers.get('content-type') as { params?: Record<string, string> } | undefined;
  return {
    headers: headerMap(mail),
    subject: mail.subject ?? '',
    from: mail.from?.text ?? '',
    text: bodyText(mail),
    deliveryStatus: statusParts.map((a) => attachmentText(a.content)),
    feedbackReport: feedback ? attachmentText(feedback.content) : undefined,
    originalHeaders: original ? headerBlock(attachmentText(original.content)) : undefined,
    reportType: ct?.params?.['report-type']?.toLowerCase(),
  };
}

function bodyText(mail: ParsedMail): string {
  if (mail.text) return mail.text;
  // an HTML-only notice (Microsoft 365) is converted by mailparser into `text`; keep a fallback
  return typeof mail.html === 'string' ? mail.html.replace(/<[^>]+>/g, ' ') : '';
}

function headerMap(mail: ParsedMail): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [key, value] of mail.headers) {
    const values = Array.isArray(value) ? value : [value];
    map.set(key, values.map(headerValueText));
  }
  return map;
}

function headerValueText(value: HeaderValue | unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const v = value as { text?: string; value?: unknown };
    if (typeof v.text === 'string') return v.text;
    if (typeof v.value === 'string') return v.value;
  }
  return String(value ?? '');
}
