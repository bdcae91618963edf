/**
 * XML text to a plain object, safely. A DMARC report is written by a stranger: any document that
 * declares a DOCTYPE or an ENTITY is refused outright (XXE, billion laughs), entity processing is
 * off, and the structure is validated first so that broken or truncated XML gives a clear error
 * rather than a half-read report.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DmarcParseError } from './types.js';

const T = {
  doctype: {
    en: 'the report declares a DOCTYPE or ENTITY, which is not allowed (external or expanding entities)',
    ja: 'レポートに DOCTYPE または ENTITY 宣言があります。外部エンティティ・展開攻撃を防ぐため受け付けません',
  },
  notXml: { en: 'the report is not XML', ja: 'レポートが XML ではありません' },
  broken: {
    en: 'the report is not well-formed XML (line {line}): {why}',
    ja: 'レポートの XML が壊れています (行 {line}): {why}',
  },
  notFeedback: {
    en: 'the XML is not a DMARC aggregate report (no <feedback> element)',
    ja: 'XML が DMARC 集計レポートではありません (<feedback> 要素がありません)',
  },
};

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  // Values stay strings: report ids like 17052489357553443 must not lose digits as numbers.
  parseTagValue: false,
  trimValues: true,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Text from bytes: UTF-16 when its byte order mark says so, otherwise UTF-8 (the BOM dropped). */
export function decodeXml(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  return buf.toString('utf8').replace(/^\uFEFF/, '');
}

/** Refuses DTDs anywhere in the document; a real report never has one. */
export function refuseDeclarations(xml: string): void {
  if (/<!\s*(DOCTYPE|ENTITY)/i.test(xml)) throw new DmarcParseError('DMARC_DOCTYPE', T.doctype);
}

export function parseXml(xml: string): Record<string, unknown> {
  if (!xml.trimStart().startsWith('<')) throw new DmarcParseError('DMARC_NOT_XML', T.notXml);
  refuseDeclarations(xml);
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: true });
  if (valid !== true) {
    throw new DmarcParseError('DMARC_BROKEN_XML', T.broken, { line: valid.err.line, why: valid.err.msg });
  }
  const doc = parser.parse(xml) as Record<string, unknown>;
  const feedback = doc.feedback;
  if (!feedback || typeof feedback !== 'object') throw new DmarcParseError('DMARC_NOT_REPORT', T.notFeedback);
  return feedback as Record<string, unknown>;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * The five predefined XML entities and character references, decoded by hand: with entity
 * processing off the parser leaves them as written, and these cannot expand or fetch anything.
 */
export function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/gi, (m, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref.toLowerCase()] ?? m;
    const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}
