/**
 * The offline list of common and breached passwords (NIST SP 800-63B-4 §3.1.1.2: "compare the
 * prospective secret against a blocklist"). Offline on purpose: the gateway must not send any
 * form of a password to a third party, and must work on a closed network.
 *
 * Stored as a sorted, deduplicated, gzipped text file (see blocklist/build-list.ts); held in memory as
 * one UTF-8 buffer plus an offset table, and searched by binary search. That costs about the size
 * of the text (a few MB) instead of the tens of MB a Set of ~200,000 strings would take, and a
 * look-up is ~18 byte comparisons: a few microseconds (bench/password.ts measures it).
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

/** Entries shorter than the policy's floor are refused by the length rule and need not be listed. */
export const LIST_MIN_LENGTH = 8;
export const LIST_MAX_LENGTH = 256;

/**
 * Resolved from the package root, which is three levels up both from
 * src/auth/password-policy/ (run with tsx) and from dist/auth/password-policy/ (compiled):
 * tsc does not copy data files, so the data stays under src/ and both builds read it there.
 */
export function listFile(): URL {
  return new URL('../../../src/auth/password-policy/blocklist/common-passwords.txt.gz', import.meta.url);
}

export class CommonList {
  private readonly offsets: Uint32Array;

  constructor(private readonly data: Buffer) {
    this.offsets = indexLines(data);
  }

  get size(): number {
    return this.offsets.length - 1;
  }

  /** `entry` must already be folded (NFKC, lower case) as the list is. */
  has(entry: string): boolean {
    const key = Buffer.from(entry, 'utf8');
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const cmp = compareEntry(this.data, this.offsets[mid], this.offsets[mid + 1] - 1, key);
      if (cmp === 0) return true;
      if (cmp < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

/**
 * Byte-wise comparison of data[start, end) with key (UTF-8 byte order is code point order).
 * A plain loop: Buffer#compare with ranges re-validates its five arguments on every call,
 * which costs more than the few bytes compared.
 */
function compareEntry(data: Buffer, start: number, end: number, key: Buffer): number {
  const len = Math.min(end - start, key.length);
  for (let i = 0; i < len; i++) {
    const d = data[start + i] - key[i];
    if (d !== 0) return d;
  }
  return end - start - key.length;
}

/** Start offset of every line, plus one past the final newline, so entry i is [off[i], off[i+1]-1). */
function indexLines(data: Buffer): Uint32Array {
  let count = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0x0a) count++;
  const offsets = new Uint32Array(count + 1);
  let line = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x0a) offsets[++line] = i + 1;
  }
  return offsets;
}

let loading: Promise<CommonList> | undefined;

/** Loads the list once per process; later calls share the same instance. */
export function loadCommonList(file: URL = listFile()): Promise<CommonList> {
  loading ??= readFile(file)
    .then((gz) => promisify(gunzip)(gz))
    .then((data) => new CommonList(data))
    .catch((err: unknown) => {
      // a failed read must not be cached: the next check tries again (and fails closed meanwhile)
      loading = undefined;
      throw err;
    });
  return loading;
}
