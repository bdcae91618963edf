/**
 * XML bytes to element events, as a stream and safely. A DMARC report is written by a stranger:
 * any document that declares a DOCTYPE or an ENTITY is refused outright (XXE, billion laughs);
 * saxes knows only the five predefined entities and character references and never fetches
 * anything; broken or truncated XML gives a clear error rather than a half-read report. What the
 * parser may buffer is bounded too: no single tag, text, comment or entity may span more than
 * MAX_SPAN characters, and elements nest at most MAX_DEPTH deep.
 */
import { SaxesParser } from 'saxes';
import { DmarcParseError } from './types.js';

/** Far above anything in a real report; bounds the text the parser and the tree hold at once. */
export const MAX_SPAN = 1024 * 1024;
/** A report nests five deep; the parser keeps one entry per open element. */
const MAX_DEPTH = 64;

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
  span: {
    en: 'the report has a tag, text or comment longer than the limit of {max} characters',
    ja: 'レポートに上限 {max} 文字を超えるタグ・テキスト・コメントがあります',
  },
  deep: { en: 'the report nests elements more than {max} deep', ja: 'レポートの要素の入れ子が上限 {max} 段を超えています' },
};

/**
 * Slips that the previous parser let through and that real reporters make: an unknown entity or
 * a bad character reference (kept as written), a stray control character, "]]>" in text, "--" in
 * a comment, an attribute without a value, a sloppy XML declaration. Nothing here expands, fetches
 * or changes the structure; every other complaint of saxes is fatal.
 */
const TOLERATED = new Set([
  'undefined entity.',
  'malformed character entity.',
  'disallowed character.',
  'the string "]]>" is disallowed in char data.',
  'malformed comment.',
  'attribute without value.',
  'XML declaration must contain a version.',
]);
const TOLERATED_DECL = /^(expected (one of|the name) |(version number|encoding value|standalone value) must match)/;

const doctypeError = (): DmarcParseError => new DmarcParseError('DMARC_DOCTYPE', T.doctype);
export const spanError = (): DmarcParseError => new DmarcParseError('DMARC_TOO_LARGE', T.span, { max: MAX_SPAN });

/** What the report reader does with the document: element names arrive without a namespace prefix. */
export interface XmlSink {
  open(name: string): void;
  text(text: string): void;
  close(): void;
}

const DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;

function decoderFor(head: Uint8Array): TextDecoder {
  // A UTF-16 byte order mark says so; anything else is read as UTF-8 (its BOM dropped by the decoder).
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder('utf-16le');
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder('utf-16be');
  return new TextDecoder('utf-8');
}

const localName = (name: string): string => {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
};

function countLines(text: string, end = text.length): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Feeds decoded text to saxes, checking what saxes cannot: declarations anywhere, spans, depth. */
class Reader {
  private readonly parser = new SaxesParser({ position: false });
  private started = false;
  private tail = '';
  private lines = 0;
  private chunk = '';
  /** Characters written before `chunk` (saxes's own position is right only inside its callbacks). */
  private chunkStart = 0;
  private lastEvent = 0;
  private depth = 0;

  constructor(sink: XmlSink) {
    const p = this.parser;
    const seen = (): void => void (this.lastEvent = p.position);
    p.on('error', (err) => this.onError(err.message));
    p.on('doctype', () => {
      throw doctypeError();
    });
    p.on('opentag', (tag) => {
      seen();
      if (++this.depth > MAX_DEPTH) throw new DmarcParseError('DMARC_TOO_LARGE', T.deep, { max: MAX_DEPTH });
      sink.open(localName(tag.name));
    });
    p.on('closetag', () => {
      seen();
      this.depth--;
      sink.close();
    });
    p.on('text', (t) => {
      seen();
      if (this.depth > 0) sink.text(t);
    });
    p.on('cdata', (t) => {
      seen();
      sink.text(t);
    });
    // No more handlers: each is a property added to the parser, and from the eighth on V8 turns it
    // into a dictionary object that parses five times slower. Comments thus count towards a span.
  }

  private onError(message: string): void {
    if (TOLERATED.has(message) || TOLERATED_DECL.test(message)) return;
    const line = this.lines + countLines(this.chunk, this.parser.position - this.chunkStart) + 1;
    throw new DmarcParseError('DMARC_BROKEN_XML', T.broken, { line, why: message });
  }

  write(text: string): void {
    if (text === '') return;
    if (!this.started) {
      const rest = text.trimStart();
      if (rest === '') return;
      if (!rest.startsWith('<')) throw new DmarcParseError('DMARC_NOT_XML', T.notXml);
      this.started = true;
    }
    // Also inside comments and text, as before: a real report never has one. The tail catches one split between chunks.
    if (DECLARATION.test(this.tail + text)) throw doctypeError();
    this.tail = text.slice(-32);
    this.chunk = text;
    this.parser.write(text);
    this.chunkStart += text.length;
    this.lines += countLines(text);
    if (this.chunkStart - this.lastEvent > MAX_SPAN) throw spanError();
  }

  end(): void {
    if (!this.started) throw new DmarcParseError('DMARC_NOT_XML', T.notXml);
    this.chunk = '';
    this.parser.close();
  }
}

/** Reads the XML in `bytes` to the end, handing every element to `sink`; throws DmarcParseError. */
export async function readXml(bytes: AsyncIterable<Uint8Array>, sink: XmlSink): Promise<void> {
  const reader = new Reader(sink);
  let decoder: TextDecoder | undefined;
  // Held until the two bytes of a possible byte order mark are in, however the stream splits them.
  let head = Buffer.alloc(0);
  for await (const chunk of bytes) {
    if (decoder) {
      reader.write(decoder.decode(chunk, { stream: true }));
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < 2) continue;
    decoder = decoderFor(head);
    reader.write(decoder.decode(head, { stream: true }));
  }
  reader.write(decoder ? decoder.decode() : decoderFor(head).decode(head));
  reader.end();
}
