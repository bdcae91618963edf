/**
 * Passwords whose length comes from repetition rather than from anything to guess: the same word
 * twice around a year ("M@il-2025-M@il"), a doubled word ("hunter2hunter2"), runs like "1234" or
 * "aaaa". NIST SP 800-63B-4 names repetitive and sequential characters among what a verifier
 * should refuse; zxcvbn scores some of these forms generously, because each piece alone looks
 * like a word with substitutions.
 *
 * The candidate is cut into pieces at separators and around runs of three or more digits; each
 * piece loses its own repetition ("abcabc" -> "abc"), the symbols and digits at its ends, its
 * look-alike substitutions and any repetition these revealed; years,
 * runs and repeated characters are dropped, and so are pieces seen before. What is left is the
 * password's own content; when repetition was found and under `MIN_DISTINCT` characters are left,
 * it is refused.
 */
import { foldForLookup } from './normalize.js';
import { trimAffixes, unleet } from './variants.js';

export const MIN_DISTINCT = 8;

/** What is left of the candidate once repetition and filler are taken out, and whether any repetition was. */
export function distinctContent(candidate: string): { content: string; repeated: boolean } {
  const pieces = foldForLookup(candidate)
    .split(/[\s\-_.,/:;'"`~^=*#&%?]+/u)
    .flatMap((chunk) => chunk.split(/(\d{3,})/u))
    .filter((p) => p !== '');
  const kept: string[] = [];
  let repeated = false;
  for (const piece of pieces) {
    const unit = period(piece);
    const bare = trimAffixes(unit) || unit;
    const base = period(/^\d+$/u.test(bare) ? bare : unleet(bare));
    if (unit !== piece || (base !== bare && base.length < bare.length) || kept.includes(base)) repeated = true;
    if (isFiller(base) || kept.includes(base)) continue;
    kept.push(base);
  }
  return { content: kept.join(''), repeated };
}

/**
 * Refused only where repetition is what makes the length: a random string cut at its symbols
 * leaves short pieces too, but none of them repeats.
 */
export function isRepetitive(candidate: string): boolean {
  const { content, repeated } = distinctContent(candidate);
  return repeated && [...content].length < MIN_DISTINCT;
}

/** The shortest unit that, repeated, makes the piece ("abab" -> "ab"); the piece itself if none. */
function period(s: string): string {
  const chars = [...s];
  for (let n = 1; n <= chars.length / 2; n++) {
    if (chars.length % n !== 0) continue;
    const unit = chars.slice(0, n).join('');
    if (unit.repeat(chars.length / n) === s) return unit;
  }
  return s;
}

/** A year, an ascending or descending run ("1234", "dcba"), or one character: nothing to guess. */
function isFiller(s: string): boolean {
  const chars = [...s];
  if (chars.length <= 1) return true;
  if (/^(19|20)\d\d$/u.test(s)) return true;
  const step = (chars[1].codePointAt(0) ?? 0) - (chars[0].codePointAt(0) ?? 0);
  if (step !== 1 && step !== -1) return false;
  for (let i = 2; i < chars.length; i++) if ((chars[i].codePointAt(0) ?? 0) - (chars[i - 1].codePointAt(0) ?? 0) !== step) return false;
  return true;
}
