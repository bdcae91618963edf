/**
 * Guessability estimate with zxcvbn (NIST SP 800-63B-4 allows a strength estimator as feedback;
 * IPA recommends checking against dictionary words). English and Japanese dictionaries are loaded
 * so that romanised Japanese words and names (sakura, tanaka) count as the dictionary words they
 * are, and the account's context words are passed as user inputs.
 *
 * The factory takes ~0.3 s to build its dictionaries, so it is built once, on first use.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import * as ja from '@zxcvbn-ts/language-ja';
import type { Text } from '../../core/i18n.js';

/** zxcvbn score 3 = "safely unguessable: moderate protection from offline slow-hash scenario". */
export const MIN_SCORE = 3;

/**
 * zxcvbn's cost grows steeply with length and with look-alike characters (about 0.8 s for 64
 * symbol-heavy characters at its defaults). Analysing the first 64 characters with at most 12
 * look-alike substitutions keeps the worst case near 70 ms; the common-list check undoes
 * look-alikes on its own, and a password whose first 64 characters are strong is strong.
 */
const ANALYSED_PREFIX = 64;
const L33T_MAX_SUBSTITUTIONS = 12;

let factory: ZxcvbnFactory | undefined;

function zxcvbn(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    graphs: common.adjacencyGraphs,
    l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
    dictionary: {
      ...common.dictionary,
      ...en.dictionary,
      // suffixed so that the Japanese lists do not replace English ones of the same name
      ...Object.fromEntries(Object.entries(ja.dictionary).map(([k, v]) => [`${k}-ja`, v])),
    },
  });
  return factory;
}

export interface Strength {
  score: number;
  /** zxcvbn's reason for a low score, in both languages, when it has one. */
  warning?: Text;
}

export function estimateStrength(candidate: string, userInputs: string[]): Strength {
  const chars = [...candidate];
  const analysed = chars.length > ANALYSED_PREFIX ? chars.slice(0, ANALYSED_PREFIX).join('') : candidate;
  const result = zxcvbn().check(analysed, userInputs);
  const key = result.feedback.warning;
  return { score: result.score, warning: key ? warningText(key) : undefined };
}

function warningText(key: string): Text | undefined {
  const enText = (en.translations.warnings as Record<string, string>)[key];
  const jaText = (ja.translations.warnings as Record<string, string>)[key];
  // the sentence end is added by the message that embeds the warning
  const bare = (s: string) => s.replace(/[.。]+$/u, '');
  return enText && jaText ? { en: bare(enText), ja: bare(jaText) } : undefined;
}

/** Builds the dictionaries ahead of the first check (e.g. at start-up), so that no request pays for it. */
export function warmUpStrength(): void {
  zxcvbn();
}
