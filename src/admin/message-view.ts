import { simpleParser } from 'mailparser';

/** Past this, the text view is cut: an administrator reads a sample, not a 25 MB attachment. */
const MAX_TEXT = 64 * 1024;

export interface MessageView {
  headers: { name: string; value: string }[];
  subject: string;
  from: string;
  text: string;
  truncated: boolean;
  attachments: { filename: string | null; contentType: string; size: number }[];
}

/**
 * Headers and a plain-text view of a stored message. HTML is never passed on to the console:
 * when a message has only HTML, the parser's text rendering of it is shown instead, so nothing in
 * a suspicious message (scripts, tracking pixels, forms) can run in an administrator's browser.
 */
export async function viewMessage(raw: Buffer): Promise<MessageView> {
  const parsed = await simpleParser(raw, { skipHtmlToText: false, skipImageLinks: true, skipTextLinks: true });
  const seen = new Map<string, number>();
  const headers = parsed.headerLines.map((h) => {
    const colon = h.line.indexOf(':');
    const nth = seen.get(h.key) ?? 0;
    seen.set(h.key, nth + 1);
    const raw = colon > 0 ? h.line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim() : h.line;
    return { name: colon > 0 ? h.line.slice(0, colon) : h.key, value: raw.includes('=?') ? decoded(parsed.headers.get(h.key), nth) ?? raw : raw };
  });
  const text = parsed.text ?? '';
  return {
    headers,
    subject: parsed.subject ?? '',
    from: parsed.from?.text ?? '',
    text: text.slice(0, MAX_TEXT),
    truncated: text.length > MAX_TEXT,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
  };
}

/** The parser's decoded form of an encoded-word header (RFC 2047), when it has a plain one. */
function decoded(value: unknown, nth: number): string | null {
  const v = Array.isArray(value) ? value[nth] : value;
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string') return (v as { text: string }).text;
  return null;
}
