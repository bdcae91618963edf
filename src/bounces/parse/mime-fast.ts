import { Splitter, type MimeNode, type SplitterChunk } from '@zone-eu/mailsplit';
import FlowedDecoder from '@zone-eu/mailsplit/lib/flowed-decoder.js';
import charsets from 'libmime/lib/charset.js';
import type { Transform } from 'node:stream';
import { decodeHeaders } from './mime-headers.js';
import { attachmentText, FEEDBACK_TYPE, headerBlock, MESSAGE_HEADERS, MessageUnreadable, ORIGINAL_TYPES, STATUS_TYPES } from './mime-parts.js';
import type { MailView } from './types.js';

/**
 * The fast reader: mailsplit walks the MIME tree once and only the parts a bounce reader looks at
 * are decoded (the inline text, the delivery-status and feedback reports, the returned original);
 * images, documents and other attachments are passed over without a copy. It yields exactly the
 * view the full reader (mime-full.ts) would, and gives up (undefined) wherever that would take more
 * than this module does: HTML that mailparser would turn into text, a message/rfc822 part shown
 * inline, punycode addresses, input that is not a message, or a splitter error.
 */
export async function readMailFast(input: Buffer): Promise<MailView | undefined> {
  const parts = await splitParts(input).catch(() => undefined);
  const root = parts?.[0]?.node;
  if (!parts || !root?.headers) return undefined;
  const lines = root.headers.getList();
  // the same header lines the full reader would judge by, from the same splitter
  if (!lines.some((h) => MESSAGE_HEADERS.has(h.key))) throw new MessageUnreadable('no message headers');
  const headers = decodeHeaders(lines);
  if (!headers.exact) return undefined;
  const body = await readBody(parts);
  if (!body) return undefined;
  return {
    headers: headers.map,
    subject: headers.map.get('subject')?.[0] ?? '',
    from: headers.map.get('from')?.[0] ?? '',
    ...body,
    reportType: headers.reportType,
  };
}

type Role = 'text' | 'html' | 'report' | 'skip';

interface Part {
  node: MimeNode;
  role: Role;
  /** The top node of an inline attached message: mailparser prints its headers into the text. */
  showMeta: boolean;
  chunks: Buffer[];
}

const TEXT_TYPES = new Set(['text/plain', 'text/html']);

function splitParts(input: Buffer): Promise<Part[]> {
  return new Promise((resolve, reject) => {
    const parts: Part[] = [];
    const byNode = new Map<MimeNode, Part>();
    const splitter = new Splitter();
    splitter.on('data', (chunk: SplitterChunk) => {
      if (chunk.type === 'node') {
        const showMeta = !!chunk.parentNode && chunk.parentNode.contentType === 'message/rfc822';
        const part: Part = { node: chunk, role: roleOf(chunk), showMeta, chunks: [] };
        parts.push(part);
        byNode.set(chunk, part);
      } else if (chunk.type === 'body') {
        const part = byNode.get(chunk.node);
        if (part && part.role !== 'skip') part.chunks.push(chunk.value);
      }
    });
    const stream = splitter as unknown as Transform;
    stream.once('end', () => resolve(parts));
    stream.once('error', reject);
    splitter.end(input);
  });
}

/** The same decisions as mailparser's createNode/processChunk, named for what this reader does with them. */
function roleOf(node: MimeNode): Role {
  const type = node.contentType || 'text/plain';
  if (node.multipart) return 'skip';
  if (type === 'message/rfc822' && node.messageNode) return 'skip';
  let disposition = node.disposition || '';
  if (disposition && disposition !== 'attachment' && disposition !== 'inline') disposition = 'attachment';
  if (!disposition) disposition = TEXT_TYPES.has(type) ? 'inline' : 'attachment';
  if (TEXT_TYPES.has(type) && disposition === 'inline') return type === 'text/plain' ? 'text' : 'html';
  return STATUS_TYPES.has(type) || type === FEEDBACK_TYPE || ORIGINAL_TYPES.has(type) ? 'report' : 'skip';
}

type Body = Pick<MailView, 'text' | 'deliveryStatus' | 'feedbackReport' | 'originalHeaders'>;

async function readBody(parts: Part[]): Promise<Body | undefined> {
  const hasText = parts.some((p) => p.role === 'text');
  // the headers of an inline message go into the HTML as a table as well: left to the full reader
  if (parts.some((p) => p.showMeta) && parts.some((p) => p.role === 'html')) return undefined;
  const text: string[] = [];
  const html: string[] = [];
  const body: Body = { text: '', deliveryStatus: [], feedbackReport: undefined, originalHeaders: undefined };
  for (const part of parts) {
    if (part.showMeta && hasText) text.push(metaText(part.node));
    if (part.role === 'text' || part.role === 'html') {
      const content = await inlineText(part);
      if (!content) continue;
      if (part.role === 'text') text.push(content);
      // HTML that mailparser converts into text needs html-to-text: left to the full reader
      else if ((!underAlternative(part.node) && hasText) || (part.node.root && !hasText)) return undefined;
      else html.push(content);
    } else if (part.role === 'report') {
      addReport(body, part.node.contentType || '', attachmentText(await transferDecoded(part)));
    }
  }
  body.text = text.length > 0 ? text.join('\n') : html.join('<br/>\n').replace(/<[^>]+>/g, ' ');
  return body;
}

const META = ['From', 'Subject', 'Date', 'To', 'Cc', 'Bcc'];

/** mailparser's summary of an inline message: its From, Subject, Date, To, Cc and Bcc lines. */
function metaText(node: MimeNode): string {
  const headers = node.headers ? decodeHeaders(node.headers.getList()).map : new Map<string, string[]>();
  const lines: string[] = [];
  for (const name of META) {
    const values = headers.get(name.toLowerCase());
    const value = values?.[values.length - 1];
    if (value === undefined) continue;
    lines.push(`${name}: ${name === 'Date' ? new Date(value).toUTCString() : value}`);
  }
  return `\n${lines.join('\n')}\n`;
}

function addReport(body: Body, type: string, content: string): void {
  if (STATUS_TYPES.has(type)) body.deliveryStatus.push(content);
  else if (type === FEEDBACK_TYPE) body.feedbackReport ??= content;
  else body.originalHeaders ??= headerBlock(content);
}

function underAlternative(node: MimeNode): boolean {
  for (let p = node.parentNode; p; p = p.parentNode) if (p.contentType === 'multipart/alternative') return true;
  return false;
}

/** Transfer decoding (base64, quoted-printable) only: report parts are read as bytes. */
function transferDecoded(part: Part): Promise<Buffer> {
  const encoding = part.node.encoding;
  if (encoding !== 'base64' && encoding !== 'quoted-printable') return Promise.resolve(Buffer.concat(part.chunks));
  return through([part.node.getDecoder() as Transform], part.chunks);
}

/** Transfer decoding, format=flowed and the charset, as mailparser does for an inline text part. */
async function inlineText(part: Part): Promise<string> {
  const node = part.node;
  let bytes = await transferDecoded(part);
  if (node.flowed) bytes = await through([new FlowedDecoder({ delSp: node.delSp }) as unknown as Transform], [bytes]);
  const charset = node.charset || 'utf-8';
  const unicode = ['ascii', 'usascii', 'utf8'].includes(charset.toLowerCase().replace(/[^a-z0-9]+/g, ''));
  // libmime's decode() gives for a whole buffer what its decode stream (mailparser's) gives for the parts
  if (!unicode && !(ASCII_SUPERSETS.test(charset) && isPlainAscii(bytes))) bytes = Buffer.from(charsets.decode(bytes, charset), 'utf-8');
  return bytes.toString().replace(/\r?\n/g, '\n');
}

/**
 * Charsets whose decoders map 7-bit text to itself, byte for byte (ISO-2022-JP as long as no escape
 * sequence switches it to JIS X 0208): such a part, when it is plain ASCII, needs no conversion.
 */
const ASCII_SUPERSETS = /^(iso-?8859-\d+|windows-125\d|cp125\d|latin-?\d|iso-2022-jp|shift[-_]jis|x-sjis|windows-31j|cp932|euc-jp)$/i;

function isPlainAscii(bytes: Buffer): boolean {
  for (const b of bytes) if (b === 0 || b > 0x7f || b === 0x1b || b === 0x0e || b === 0x0f) return false;
  return true;
}

/** Runs the chunks through a chain of transforms and collects the output. */
function through(stages: Transform[], chunks: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    for (let i = 0; i < stages.length; i++) {
      stages[i].once('error', reject);
      if (i > 0) stages[i - 1].pipe(stages[i]);
    }
    const last = stages[stages.length - 1];
    last.on('data', (c: Buffer | string) => out.push(typeof c === 'string' ? Buffer.from(c) : c));
    last.once('end', () => resolve(Buffer.concat(out)));
    for (const c of chunks) stages[0].write(c);
    stages[0].end();
  });
}
