/**
 * Reads the first `.xml` entry of a ZIP archive, bounded. Receivers (Microsoft, some hosting
 * providers) send reports as a ZIP with one XML file. Only what that needs is supported: stored
 * or deflated entries, no encryption, no ZIP64. Sizes come from the central directory, are checked
 * against the cap before inflating, and the inflated size must match the declared one.
 */
import { inflateRawSync } from 'node:zlib';
import { DmarcParseError } from './types.js';

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

function checkEntry(e: Entry, maxBytes: number): void {
  if (e.flags & 0x1) throw new DmarcParseError('DMARC_BAD_ZIP', T.unsupported, { name: e.name, why: 'encrypted' });
  if (e.method !== 0 && e.method !== 8) {
    throw new DmarcParseError('DMARC_BAD_ZIP', T.unsupported, { name: e.name, why: `method ${e.method}` });
  }
  if (e.size === 0xffffffff || e.compressedSize === 0xffffffff) {
    throw new DmarcParseError('DMARC_BAD_ZIP', T.unsupported, { name: e.name, why: 'ZIP64' });
  }
  if (e.size > maxBytes) throw new DmarcParseError('DMARC_TOO_LARGE', T.tooBig, { max: maxBytes, size: e.size });
}

function entryData(buf: Buffer, e: Entry): Buffer {
  const p = e.localOffset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== LOC_SIG) throw bad('broken local header');
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  if (start + e.compressedSize > buf.length) throw bad('truncated entry');
  return buf.subarray(start, start + e.compressedSize);
}

export function firstXmlFromZip(buf: Buffer, maxBytes: number): Buffer {
  let entries: Entry[];
  try {
    entries = centralEntries(buf);
  } catch (err) {
    if (err instanceof DmarcParseError) throw err;
    throw bad((err as Error).message);
  }
  const entry = entries.find((e) => /\.xml$/i.test(e.name) && !e.name.endsWith('/'));
  if (!entry) throw new DmarcParseError('DMARC_NO_REPORT', T.noXml);
  checkEntry(entry, maxBytes);
  const data = entryData(buf, entry);
  let out: Buffer;
  try {
    // The cap is the declared size: a bomb that lies about its size stops right there.
    out = entry.method === 0 ? data : inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DmarcParseError('DMARC_BAD_ZIP', T.sizeMismatch, { name: entry.name });
    }
    throw bad((err as Error).message);
  }
  if (out.length !== entry.size) throw new DmarcParseError('DMARC_BAD_ZIP', T.sizeMismatch, { name: entry.name });
  return out;
}
