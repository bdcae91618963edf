/**
 * What both MIME readers (mime-fast.ts, mime-full.ts) agree on: which parts a bounce reader needs
 * and how their bytes become text.
 */
export const STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
export const FEEDBACK_TYPE = 'message/feedback-report';
export const ORIGINAL_TYPES = new Set([
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/rfc822-headers',
  'message/global-headers',
]);

/** A message has at least one of these; binary junk that happens to contain a colon does not. */
export const MESSAGE_HEADERS = new Set(['from', 'to', 'subject', 'date', 'message-id', 'received', 'return-path']);

export class MessageUnreadable extends Error {}

export function attachmentText(content: Buffer): string {
  // report fields are ASCII or UTF-8 (RFC 6533); latin1 never throws on stray bytes
  const utf8 = content.toString('utf8');
  return utf8.includes('\uFFFD') ? content.toString('latin1') : utf8;
}

/** The header section of an attached message: everything up to the first empty line. */
export function headerBlock(text: string): string {
  const end = text.search(/\r?\n\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}
