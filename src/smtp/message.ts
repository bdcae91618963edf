import { createHash } from 'node:crypto';
import { Headers } from 'mailsplit';
import addressparser from 'nodemailer/lib/addressparser/index.js';

/** What the pipeline needs to know of a submitted message, read from its header once. */
export interface MessageFacts {
  headerEnd: number;
  headers: Headers;
  from: string[];
  sender: string | null;
  messageId: string | null;
  hasDate: boolean;
  subject: string;
  client: string;
  bodyHash: string;
}

export function headerEndOf(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  if (crlf !== -1) return crlf + 4;
  const lf = raw.indexOf('\n\n');
  return lf !== -1 ? lf + 2 : raw.length;
}

export function addresses(value: string): string[] {
  return addressparser(value, { flatten: true })
    .map((a) => (a.address ?? '').trim().toLowerCase())
    .filter((a) => a.length > 0);
}

export function readFacts(raw: Buffer): MessageFacts {
  const headerEnd = headerEndOf(raw);
  const headers = new Headers(raw.subarray(0, headerEnd));
  const fromLines = headers.get('from');
  const senderLine = headers.getFirst('sender');
  const messageId = headers.getFirst('message-id');
  return {
    headerEnd,
    headers,
    from: fromLines.flatMap((l) => addresses(l.replace(/^from:/i, ''))),
    sender: senderLine ? (addresses(senderLine)[0] ?? '') : null,
    messageId: messageId ? messageId.trim() : null,
    hasDate: headers.hasHeader('date'),
    subject: headers.getFirst('subject'),
    client: headers.getFirst('x-mailer') || headers.getFirst('user-agent'),
    // The body hash lets detection see one text sent to many, without storing the text itself.
    bodyHash: createHash('sha256').update(raw.subarray(headerEnd)).digest('hex').slice(0, 32),
  };
}
