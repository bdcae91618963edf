/**
 * From whatever arrived to the report's XML bytes: raw XML, gzip, ZIP, or an email (RFC 5322)
 * carrying one of those as an attachment. The format is told by content (magic bytes), not by
 * file name, because reporters name attachments inconsistently.
 */
import { gunzipSync } from 'node:zlib';
import { simpleParser, type Attachment } from 'mailparser';
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
};

export type Kind = 'xml' | 'gzip' | 'zip' | 'email';

export function sniff(buf: Buffer): Kind {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return 'gzip';
  if (buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50) return 'zip';
  // XML may start with a byte order mark (UTF-8 or UTF-16) and whitespace before the first '<'.
  const head = buf.subarray(0, 512);
  if (head[0] === 0xfe || head[0] === 0xff) return 'xml';
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return text.startsWith('<') ? 'xml' : 'email';
}

export function gunzipBounded(buf: Buffer, maxBytes: number): Buffer {
  // ISIZE (RFC 1952 §2.3.1) is the last member's size mod 2^32: a cheap early refusal, not the real check.
  if (buf.length >= 18 && buf.readUInt32LE(buf.length - 4) > maxBytes) {
    throw new DmarcParseError('DMARC_TOO_LARGE', T.xmlTooBig, { max: maxBytes });
  }
  try {
    // zlib stops as soon as the output would pass the cap, so a bomb never allocates more than maxBytes.
    return gunzipSync(buf, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new DmarcParseError('DMARC_TOO_LARGE', T.xmlTooBig, { max: maxBytes });
    }
    throw new DmarcParseError('DMARC_BAD_GZIP', T.badGzip, { why: (err as Error).message });
  }
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

/** The XML bytes of the report in `input`, within the limits. */
export async function unpack(input: Buffer, limits: DmarcLimits): Promise<Buffer> {
  if (input.length === 0) throw new DmarcParseError('DMARC_EMPTY', T.empty);
  if (input.length > limits.maxInputBytes) {
    throw new DmarcParseError('DMARC_TOO_LARGE', T.inputTooBig, { max: limits.maxInputBytes });
  }
  let buf = input;
  let kind = sniff(buf);
  if (kind === 'email') {
    buf = await fromEmail(buf);
    kind = sniff(buf);
    // An attachment that is itself a message (message/rfc822 forward) is not followed: one level only.
    if (kind === 'email') throw new DmarcParseError('DMARC_NO_REPORT', T.noAttachment);
  }
  if (kind === 'gzip') buf = gunzipBounded(buf, limits.maxXmlBytes);
  else if (kind === 'zip') buf = firstXmlFromZip(buf, limits.maxXmlBytes);
  if (buf.length > limits.maxXmlBytes) throw new DmarcParseError('DMARC_TOO_LARGE', T.xmlTooBig, { max: limits.maxXmlBytes });
  return buf;
}
