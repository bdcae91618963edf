import { simpleParser, type ParsedMail, type Attachment, type HeaderValue } from 'mailparser';
import type { MailView } from './types.js';

/** A bounce carries the original message; past this size only the head is read (the report comes first). */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;
/** Broken or hostile MIME must not hold a bounce listener worker for long. */
export const PARSE_TIMEOUT_MS = 5_000;

const STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ORIGINAL_TYPES = new Set([
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/rfc822-headers',
  'message/global-headers',
]);

export class MessageUnreadable extends Error {}

/** Decodes the MIME structure once into the few parts the bounce readers need. */
export async function readMail(raw: Buffer): Promise<MailView> {
  const input = raw.length > MAX_INPUT_BYTES ? raw.subarray(0, MAX_INPUT_BYTES) : raw;
  const mail = await withTimeout(
    simpleParser(input, {
      keepDeliveryStatus: true,
      // only the plain text and the report parts matter here: skip HTML generation and hashing
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      checksumAlgo: false,
      maxHtmlLengthToParse: 2_000_000,
    }),
  );
  if (!mail.headerLines.some((h) => MESSAGE_HEADERS.has(h.key))) throw new MessageUnreadable('no message headers');
  const view = toView(mail);
  view.originalHeaders ??= inlineOriginalHeaders(input);
  return view;
}

/** A message has at least one of these; binary junk that happens to contain a colon does not. */
const MESSAGE_HEADERS = new Set(['from', 'to', 'subject', 'date', 'message-id', 'received', 'return-path']);

/**
 * mailparser renders an inline message/rfc822 part into the text (ARF reports do this) and drops
 * its Message-ID. RFC 2046 §5.2.1 allows only 7bit, 8bit or binary for message/rfc822, so the
 * header block of the enclosed message can be read straight from the raw input.
 */
function inlineOriginalHeaders(raw: Buffer): string | undefined {
  const text = raw.subarray(0, 4 * 1024 * 1024).toString('latin1').replace(/\r\n?/g, '\n');
  const part = /^Content-Type:[ \t]*(message\/(rfc822|global)|text\/rfc822-headers)\b/im.exec(text);
  if (!part) return undefined;
  const bodyStart = text.indexOf('\n\n', part.index);
  if (bodyStart < 0) return undefined;
  const rest = text.slice(bodyStart + 2);
  const end = rest.indexOf('\n\n');
  return Buffer.from(end < 0 ? rest : rest.slice(0, end), 'latin1').toString('utf8');
}

async function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MessageUnreadable('MIME parsing timed out')), PARSE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
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
    deliveryStatus: statusParts.map(attachmentText),
    feedbackReport: feedback ? attachmentText(feedback) : undefined,
    originalHeaders: original ? headerBlock(attachmentText(original)) : undefined,
    reportType: ct?.params?.['report-type']?.toLowerCase(),
  };
}

function bodyText(mail: ParsedMail): string {
  if (mail.text) return mail.text;
  // an HTML-only notice (Microsoft 365) is converted by mailparser into `text`; keep a fallback
  return typeof mail.html === 'string' ? mail.html.replace(/<[^>]+>/g, ' ') : '';
}

function attachmentText(att: Attachment): string {
  // report fields are ASCII or UTF-8 (RFC 6533); latin1 never throws on stray bytes
  const utf8 = att.content.toString('utf8');
  return utf8.includes('\uFFFD') ? att.content.toString('latin1') : utf8;
}

/** The header section of an attached message: everything up to the first empty line. */
function headerBlock(text: string): string {
  const end = text.search(/\r?\n\r?\n/);
  return end < 0 ? text : text.slice(0, end);
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
