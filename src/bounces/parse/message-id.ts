import { parseFields } from './fields.js';
import { RETURN_PATH_PREFIX } from '../return-path.js';
import { header, type MailView } from './types.js';

/**
 * The Message-ID of the message this notice answers: from the returned original (attached part, or
 * the copy that plain-text bounces quote inline), then In-Reply-To / References, which Microsoft
 * 365 notices and auto-replies set.
 */
export function originalMessageId(view: MailView): string | null {
  const attached = firstId(parseFields(view.originalHeaders ?? '').get('message-id')?.[0]);
  if (attached) return attached;
  const inline = /^[ \t>]*Message-ID:[ \t]*\r?\n?[ \t]*(<[^<>\s]+>)/im.exec(view.text);
  if (inline) return inline[1];
  return firstId(header(view, 'in-reply-to')) ?? firstId(header(view, 'references'));
}

function firstId(value: string | undefined): string | null {
  return value ? (/<[^<>\s]+@[^<>\s]+>/.exec(value)?.[0] ?? null) : null;
}

const TOKEN = new RegExp(`\\b${RETURN_PATH_PREFIX}\\+([a-z0-9=._-]+)@([a-z0-9.-]+\\.[a-z]{2,})`, 'i');
/** Where the envelope recipient of the notice (= our return path) shows up, most reliable first. */
const ENVELOPE_HEADERS = ['x-original-to', 'delivered-to', 'envelope-to', 'x-envelope-to', 'x-rcpt-to', 'to'];

/** The signed return path this notice was sent to, if any; verification is up to the caller. */
export function returnPathOf(view: MailView): { token: string; address: string } | undefined {
  const candidates = [
    ...ENVELOPE_HEADERS.flatMap((h) => view.headers.get(h) ?? []),
    ...(parseFields(view.originalHeaders ?? '').get('return-path') ?? []),
    view.text,
  ];
  for (const value of candidates) {
    const m = TOKEN.exec(value);
    if (m) return { token: m[1].toLowerCase(), address: m[0].toLowerCase() };
  }
  return undefined;
}
