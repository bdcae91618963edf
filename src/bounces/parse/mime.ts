import { readMailFast } from './mime-fast.js';
import { readMailFull } from './mime-full.js';
import { MessageUnreadable } from './mime-parts.js';
import type { MailView } from './types.js';

export { MessageUnreadable } from './mime-parts.js';

/** A bounce carries the original message; past this size only the head is read (the report comes first). */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;
/** Broken or hostile MIME must not hold a bounce listener worker for long. */
export const PARSE_TIMEOUT_MS = 5_000;

/**
 * Decodes the MIME structure once into the few parts the bounce readers need. The fast reader
 * handles the usual shapes of bounces and complaints; whatever it cannot vouch for (HTML-only
 * notices, inline attached messages, input that may not be a message at all) goes to the full
 * mailparser reader, so the view is the same either way.
 */
export async function readMail(raw: Buffer): Promise<MailView> {
  const input = raw.length > MAX_INPUT_BYTES ? raw.subarray(0, MAX_INPUT_BYTES) : raw;
  const view = await withTimeout(readMailFastOrFull(input));
  view.originalHeaders ??= inlineOriginalHeaders(input);
  return view;
}

async function readMailFastOrFull(input: Buffer): Promise<MailView> {
  return (await readMailFast(input)) ?? (await readMailFull(input));
}

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
