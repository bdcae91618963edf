/**
 * Reads the first `.xml` entry of a ZIP archive, bounded. Receivers (Microsoft, some hosting
 * providers) send reports as a ZIP with one XML file. Only what that needs is supported: stored
 * or deflated entries, no encryption, no ZIP64. Sizes come from the central directory and are
 * checked against the caps (size, and size per compressed byte) before inflating; the entry is then
 * inflated as a stream and must come to exactly the declared size.
 */
import { bombError, inflateBounded, RATIO_FLOOR } from './inflate.js';
import { DmarcParseError, type DmarcLimits } from './types.js';

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

const T = {
  notZip: { en: 'not a readable ZIP archive: {why}', ja: '読み取れない ZIP アーカイブです: {why}' },
  noXml: { en: 'the ZIP archive holds no .xml file', ja: 'ZIP アーカイブに .xml ファイルがありません' },
  unsupported: {
    en: 'the ZIP entry {name} uses an unsupported feature ({why})',
    ja: 'ZIP 内のファイル {name} は対応していない形式です ({why})',
  },
  tooBig: {
    en: 'the report in the ZIP archive is larger than the limit of {max} bytes (declared {size})',
    ja: 'ZIP 内のレポートが上限 {max} バイトを超えています (申告サイズ {size})',
  },
  sizeMismatch: {
    en: 'the ZIP entry {name} inflates to a different size than declared',
    ja: 'ZIP 内のファイル {name} の展開後サイズが申告と一致しません',
  },
};

interface Entry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function bad(why: string): DmarcParseError {
  return new DmarcParseError('DMARC_BAD_ZIP', T.notZip, { why });
}

/** The End Of Central Directory record sits in the last 22 + 65535 (comment) bytes. */
function findEocd(buf: Buffer): number {
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) return i;
  }
  throw bad('no end of central directory');
}

function centralEntries(buf: Buffer): Entry[] {
  const eocd = findEocd(buf);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CEN_SIG) throw bad('broken central directory');
    const nameLen = buf.readUInt16LE(p + 28);
    entries.push({
      flags: buf.readUInt16LE(p + 8),
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
      name: buf.toString('utf8', p + 46, p + 46 + nameLen),
    });
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return entries;
}

function checkEntry(e: Entry, limits: DmarcLimits): void {
  if (e.flags & 0x1) throw new DmarcParseError('DMARC_BAD_ZIP', T.unsupported, { name: e.name, why: 'encrypted' });
  if (e.method !== 0 && e.method !== 8) {
    throw new DmarcParseError('DMARC_BAD_ZIP', T.unsupported, { name: e.name, why: `method ${e.method}` });
  }
  if (e.size === 0xffffffff || e.compressedSize === 0xffffffff) {
    throw new DmarcParseError('DMARC_BAD_ZIP', T.unsupported, { name: e.name, why: 'ZIP64' });
  }
  const max = limits.maxXmlBytes;
  if (e.size > max) throw new DmarcParseError('DMARC_TOO_LARGE', T.tooBig, { max, size: e.size });
  if (e.method === 8 && e.size > RATIO_FLOOR && e.size > limits.maxInflateRatio * e.compressedSize) throw bombError(limits.maxInflateRatio);
}

function entryData(buf: Buffer, e: Entry): Buffer {
  const p = e.localOffset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== LOC_SIG) throw bad('broken local header');
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  if (start + e.compressedSize > buf.length) throw bad('truncated entry');
  return buf.subarray(start, start + e.compressedSize);
}

function firstXmlEntry(buf: Buffer): Entry {
  let entries: Entry[];
  try {
    entries = centralEntries(buf);
  } catch (err) {
    if (err instanceof DmarcParseError) throw err;
    throw bad((err as Error).message);
  }
  const entry = entries.find((e) => /\.xml$/i.test(e.name) && !e.name.endsWith('/'));
  if (!entry) throw new DmarcParseError('DMARC_NO_REPORT', T.noXml);
  return entry;
}

/** The first XML entry's bytes, inflated as they are read; the archive itself is held whole. */
export async function* firstXmlFromZip(buf: Buffer, limits: DmarcLimits): AsyncGenerator<Buffer> {
  const entry = firstXmlEntry(buf);
  checkEntry(entry, limits);
  const data = entryData(buf, entry);
  // The cap is the declared size: a bomb that lies about its size stops right there.
  const mismatch = (): DmarcParseError => new DmarcParseError('DMARC_BAD_ZIP', T.sizeMismatch, { name: entry.name });
  let total = 0;
  if (entry.method === 0) {
    total = data.length;
    yield data;
  } else {
    const bounds = { maxRatio: limits.maxInflateRatio, maxBytes: entry.size, tooLarge: mismatch, unreadable: bad };
    for await (const chunk of inflateBounded(data, 'raw', bounds)) {
      total += chunk.length;
      yield chunk;
    }
  }
  if (total !== entry.size) throw mismatch();
}
