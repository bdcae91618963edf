/**
 * The forms in which a candidate is compared with the common-password list and the context words.
 *
 * Attackers' rule sets turn each dictionary word into its look-alikes (P@ssw0rd), capitalised forms
 * and forms with digits or a symbol appended ("Password2024!"). Undoing those transformations on
 * the candidate, and looking each result up, catches the same family with one list entry.
 */
import { foldForLookup } from './normalize.js';

/** Look-alike substitutions. Digits and "!" with two readings (i / l) get a second table. */
const LEET_I: Readonly<Record<string, string>> = {
  '0': 'o', '1': 'i', '2': 'z', '3': 'e', '4': 'a', '5': 's', '6': 'g', '7': 't', '8': 'b', '9': 'g',
  '@': 'a', '$': 's', '!': 'i', '|': 'l', '+': 't', '€': 'e', '(': 'c', '<': 'c',
};
const LEET_L: Readonly<Record<string, string>> = { ...LEET_I, '1': 'l', '!': 'l' };

export function unleet(s: string, table: Readonly<Record<string, string>> = LEET_I): string {
  let out = '';
  for (const ch of s) out += table[ch] ?? ch;
  return out;
}

/**
 * Removes leading and trailing runs of digits, symbols and spaces ("2024!", "123", "#1"). Only the
 * ends are trimmed: look-alikes inside the word ("p@ssw0rd") are left for `unleet`, where they
 * mean letters, whereas at the ends they are usually an appended year or counter.
 */
export function trimAffixes(s: string): string {
  return s.replace(/^[\p{N}\p{P}\p{S}\s]+|[\p{N}\p{P}\p{S}\s]+$/gu, '');
}

/** Keeps letters only (any script), so that separators, digits and symbols do not hide a word. */
export function lettersOnly(s: string): string {
  return s.replace(/[^\p{L}\p{M}]/gu, '');
}

/**
 * The candidate as typed (folded), with its ends trimmed, and with look-alikes undone: the
 * distinct forms in which it is looked up. Always starts with the plain folded form.
 */
export function lookupVariants(candidate: string): string[] {
  const folded = foldForLookup(candidate);
  const trimmed = trimAffixes(folded);
  return [...new Set([folded, trimmed, unleet(folded), unleet(trimmed), unleet(trimmed, LEET_L)])].filter(Boolean);
}
