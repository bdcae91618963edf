/**
 * From whatever arrived to the report's XML bytes, as a stream: raw XML, gzip, ZIP, or an email
 * (RFC 5322) carrying one of those as an attachment. The format is told by content (magic bytes),
 * not by file name, because reporters name attachments inconsistently. XML and gzip flow through
 * without being held; a ZIP archive or an email is held whole, within its own, smaller cap.
 */
import { simpleParser, type Attachment } from 'mailparser';
import { inflateBounded } from './inflate.js';
import { firstXmlFromZip } from './zip.js';
import { DmarcParseError, type DmarcLimits } from './types.js';

const T = {
  inputTooBig: {
    en: 'the input is larger than the limit of {max} bytes',
    ja: '入力が上限 {max} バイトを超えています',
  },
  xmlTooBig: {
    en: 'the decompressed report is larger than the limit of {max} bytes',
    ja: '展開後のレポートが上限 {max} バイトを超えています',
  },
  badGzip: { en: 'not a readable gzip file: {why}', ja: '読み取れない gzip ファイルです: {why}' },
  empty: { en: 'the input is empty', ja: '入力が空です' },
  noAttachment: {
    en: 'the message carries no DMARC report (no XML, gzip or ZIP attachment)',
    ja: 'メールに DMARC レポート (XML・gzip・ZIP の添付) がありません',
  },
  badEmail: { en: 'not a readable email message: {why}', ja: '読み取れないメールです: {why}' },
  bufferedTooBig: {
    en: 'the ZIP archive or email is larger than the limit of {max} bytes',
    ja: 'ZIP アーカイブまたはメールが上限 {max} バイトを超えています',
  },
};

/** What a report can be handed in as: the bytes, or a stream of them (a file, stdin, an upload). */
export type DmarcInput = Buffer | AsyncIterable<Uint8Array>;

type Kind = 'xml' | 'gzip' | 'zip' | 'email';

function sniff(buf: Buffer): Kind {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return 'gzip';
  if (buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50) return 'zip';
  // XML may start with a byte order mark (UTF-8 or UTF-16) and whitespace before the first '<'.
  const head = buf.subarray(0, 512);
  if (head[0] === 0xfe || head[0] === 0xff) return 'xml';
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return text.startsWith('<') ? 'xml' : 'email';
}

const tooBig = (max: number): DmarcParseError => new DmarcParseError('DMARC_TOO_LARGE', T.xmlTooBig, { max });

function gunzipBounded(input: DmarcInput, limits: DmarcLimits): AsyncIterable<Buffer> {
  // ISIZE (RFC 1952 §2.3.1) is the last member's size mod 2^32: a cheap early refusal, not the real check.
  if (Buffer.isBuffer(input) && input.length >= 18 && input.readUInt32LE(input.length - 4) > limits.maxXmlBytes) {
    throw tooBig(limits.maxXmlBytes);
  }
  return inflateBounded(input, 'gzip', {
    maxRatio: limits.maxInflateRatio,
    maxBytes: limits.maxXmlBytes,
    tooLarge: () => tooBig(limits.maxXmlBytes),
    unreadable: (why) => new DmarcParseError('DMARC_BAD_GZIP', T.badGzip, { why }),
  });
}

const REPORT_TYPES = /(xml|gzip|x-gzip|zip|x-zip|x-zip-compressed|octet-stream)/i;
const REPORT_NAMES = /\.(xml|gz|gzip|zip)$/i;

function looksLikeReport(a: Attachment): boolean {
  return REPORT_NAMES.test(a.filename ?? '') || REPORT_TYPES.test(a.contentType ?? '');
}

/** The report carried by an email: the first attachment that is one, or an XML body (some small reporters inline it). */
async function fromEmail(buf: Buffer): Promise<Buffer> {
  let mail;
  try {
    mail = await simpleParser(buf, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  } catch (err) {
    throw new DmarcParseError('DMARC_BAD_EMAIL', T.badEmail, { why: (err as Error).message });
  }
  for (const a of mail.attachments.filter(looksLikeReport)) {
    if (sniff(a.content) !== 'email') return a.content;
  }
  const body = (mail.text ?? '').trim();
  if (body.startsWith('<?xml') || body.startsWith('<feedback')) return Buffer.from(body, 'utf8');
  throw new DmarcParseError('DMARC_NO_REPORT', T.noAttachment);
}

/** A stream's bytes, refused as soon as they pass `max`. */
async function* counted(chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, max: number, error: () => DmarcParseError): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const c of chunks) {
    total += c.length;
    if (total > max) throw error();
    yield Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.length);
  }
}

/** The first bytes of a stream, enough to tell its format, and the whole stream again. */
async function peek(chunks: AsyncIterable<Buffer>, want: number): Promise<{ head: Buffer; all: AsyncIterable<Buffer> }> {
  const it = chunks[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < want && !done) {
    const next = await it.next();
    done = next.done === true;
    if (next.value) seen.push(next.value);
    size += next.value?.length ?? 0;
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield* seen;
    if (!done) yield* { [Symbol.asyncIterator]: () => it };
  }
  return { head: Buffer.concat(seen), all: all() };
}

async function wholeOf(chunks: AsyncIterable<Buffer>, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  const error = (): DmarcParseError => new DmarcParseError('DMARC_TOO_LARGE', T.bufferedTooBig, { max });
  for await (const c of counted(chunks, max, error)) parts.push(c);
  return Buffer.concat(parts);
}

function* slices(buf: Buffer): Generator<Buffer> {
  for (let i = 0; i < buf.length; i += 64 * 1024) yield buf.subarray(i, i + 64 * 1024);
}

/** The XML of the report in `input`, as a stream of bytes within the limits. */
export async function unpack(input: DmarcInput, limits: DmarcLimits): Promise<AsyncIterable<Buffer>> {
  const inputTooBig = (): DmarcParseError => new DmarcParseError('DMARC_TOO_LARGE', T.inputTooBig, { max: limits.maxInputBytes });
  if (Buffer.isBuffer(input) && input.length > limits.maxInputBytes) throw inputTooBig();
  const { head, all } = Buffer.isBuffer(input)
    ? { head: input, all: input }
    : await peek(counted(input, limits.maxInputBytes, inputTooBig), 512);
  if (head.length === 0) throw new DmarcParseError('DMARC_EMPTY', T.empty);
  const kind = sniff(head);
  if (kind === 'xml') return counted(Buffer.isBuffer(all) ? slices(all) : all, limits.maxXmlBytes, () => tooBig(limits.maxXmlBytes));
  if (kind === 'gzip') return gunzipBounded(all, limits);
  let buf = Buffer.isBuffer(all) ? all : await wholeOf(all, limits.maxBufferedBytes);
  if (buf.length > limits.maxBufferedBytes) throw new DmarcParseError('DMARC_TOO_LARGE', T.bufferedTooBig, { max: limits.maxBufferedBytes });
  if (kind === 'email') {
    buf = await fromEmail(buf);
    // An attachment that is itself a message (message/rfc822 forward) is not followed: one level only.
    if (sniff(buf) === 'email') throw new DmarcParseError('DMARC_NO_REPORT', T.noAttachment);
    return unpack(buf, limits);
  }
  return firstXmlFromZip(buf, limits);
}
