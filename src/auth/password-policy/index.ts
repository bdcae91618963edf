/**
 * The password policy, shared by the CLI, the admin API and the console, so that a password
 * accepted in one place is accepted everywhere.
 *
 * Rules (NIST SP 800-63B-4 §3.1.1.2 and IPA guidance): a minimum length (default 12, at least 8),
 * at least 64 characters allowed, every printable character, space and Unicode allowed, NFKC
 * before anything is measured, and no composition rules. Refused instead: passwords on the
 * common/breached list, passwords built from context words, passwords whose length is repetition
 * ("M@il-2025-M@il"), passwords zxcvbn can guess, and the account's recent passwords.
 */
import { contextWords, isContextDerived, type ContextInput } from './context-words.js';
import { loadCommonList } from './common-list.js';
import { isReused, HISTORY_DEPTH } from './history.js';
import { codePointLength, hasControlCharacters, nfkc } from './normalize.js';
import { estimateStrength, MIN_SCORE, type Strength } from './strength.js';
import { isRepetitive, MIN_DISTINCT } from './repetition.js';
import { problem, type PasswordProblem } from './texts.js';
import { lookupVariants } from './variants.js';

export type { PasswordProblem, ProblemCode } from './texts.js';
export { warmUpStrength } from './strength.js';

export const DEFAULT_MIN_LENGTH = 12;
/** NIST SP 800-63B-4 asks for 15 when the password is the only factor. */
export const RECOMMENDED_SINGLE_FACTOR_MIN_LENGTH = 15;
/** NIST's absolute floor; a configured minimum below it is raised to it. */
export const MIN_LENGTH_FLOOR = 8;
/** The configured minimum may not exceed this, since 64 characters must always be accepted. */
export const MIN_LENGTH_CEILING = 64;
/** Long enough for any passphrase, short enough that analysing and hashing stays cheap. */
export const MAX_LENGTH = 256;

export interface PasswordContext extends ContextInput {
  /** argon2 hashes of the account's previous passwords, newest first; the first 5 are checked. */
  previousHashes?: string[];
  minLength?: number;
}

export interface PasswordVerdict {
  ok: boolean;
  /** zxcvbn's 0–4, forced to 0 for a password on the common/breached list. */
  score: number;
  problems: PasswordProblem[];
}

export async function checkPassword(candidate: string, ctx: PasswordContext = {}): Promise<PasswordVerdict> {
  const pw = nfkc(candidate);
  const length = codePointLength(pw);
  const problems: PasswordProblem[] = [];
  const add = (p: PasswordProblem | undefined) => void (p && problems.push(p));

  add(refuseControlCharacters(pw));
  add(refuseBadLength(length, effectiveMinLength(ctx.minLength)));
  if (length > MAX_LENGTH) return { ok: false, score: 0, problems };

  const listed = await refuseIfCommon(pw);
  add(listed);
  const words = contextWords(ctx);
  add(refuseIfContextDerived(pw, words));
  if (!listed) add(refuseIfRepetitive(pw));
  const strength = estimateStrength(pw, words);
  if (problems.length === 0) add(refuseIfWeak(strength));
  if (problems.length === 0) add(await refuseIfReused(pw, ctx.previousHashes));

  return { ok: problems.length === 0, score: listed ? 0 : strength.score, problems };
}

export function effectiveMinLength(configured: number | undefined): number {
  const n = Number.isFinite(configured) ? Math.trunc(configured as number) : DEFAULT_MIN_LENGTH;
  return Math.min(MIN_LENGTH_CEILING, Math.max(MIN_LENGTH_FLOOR, n));
}

function refuseControlCharacters(pw: string): PasswordProblem | undefined {
  return hasControlCharacters(pw) ? problem('password:control-characters') : undefined;
}

function refuseBadLength(length: number, min: number): PasswordProblem | undefined {
  if (length < min) return problem('password:too-short', { length, min });
  if (length > MAX_LENGTH) return problem('password:too-long', { length, max: MAX_LENGTH });
  return undefined;
}

/** Fails closed: without the list we cannot tell a leaked password from a new one. */
async function refuseIfCommon(pw: string): Promise<PasswordProblem | undefined> {
  try {
    const list = await loadCommonList();
    return lookupVariants(pw).some((v) => list.has(v)) ? problem('password:common') : undefined;
  } catch {
    return problem('password:check-unavailable');
  }
}

function refuseIfContextDerived(pw: string, words: string[]): PasswordProblem | undefined {
  return isContextDerived(pw, words) ? problem('password:context') : undefined;
}

function refuseIfRepetitive(pw: string): PasswordProblem | undefined {
  return isRepetitive(pw) ? problem('password:repetitive', { min: MIN_DISTINCT }) : undefined;
}

function refuseIfWeak(strength: Strength): PasswordProblem | undefined {
  if (strength.score >= MIN_SCORE) return undefined;
  const w = strength.warning;
  return problem('password:weak', { score: strength.score, min: MIN_SCORE }, {
    en: { warning: w ? ` ${w.en}.` : '' },
    ja: { warning: w ? ` ${w.ja}。` : '' },
  });
}

async function refuseIfReused(pw: string, hashes: string[] | undefined): Promise<PasswordProblem | undefined> {
  return (await isReused(pw, hashes)) ? problem('password:reused', { depth: HISTORY_DEPTH }) : undefined;
}
