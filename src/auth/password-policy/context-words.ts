/**
 * Context-specific words (NIST SP 800-63B-4 §3.1.1.2: "context-specific words, such as the name of
 * the service, the username, and derivatives thereof"; IPA: do not use your name or the company
 * name). A password built only from these words plus digits, symbols and look-alike substitutions
 * ("Tanaka2024!", "M@ilw4rden", "example.co.jp123") is the first thing a targeted attacker tries.
 */
import { foldForLookup } from './normalize.js';
import { lettersOnly, lookupVariants } from './variants.js';

export interface ContextInput {
  account?: string;
  name?: string;
  orgDomain?: string;
  orgName?: string;
}

/** Words about the service itself, guessed first against any mail account. */
const SERVICE_WORDS = ['mail', 'email', 'webmail', 'smtp', 'mailwarden', 'mailserver'];

/** Generic second-level labels (example.co.jp) that carry no meaning of their own. */
const GENERIC_LABELS = new Set(['co', 'ne', 'or', 'ac', 'go', 'ed', 'com', 'net', 'org', 'biz', 'info', 'www']);

/**
 * Shorter words match by accident inside ordinary words and passphrases. Japanese names are
 * commonly two characters (田中), each carrying far more than a Latin letter, hence the lower bound.
 */
function longEnough(word: string): boolean {
  const n = [...word].length;
  return /[^\p{ASCII}]/u.test(word) ? n >= 2 : n >= 3;
}

/** A password that leaves fewer than this many letters after removing context words is a derivative. */
const MIN_REMAINDER = 4;

/** The context words for one account, folded like candidates, longest first. */
export function contextWords(ctx: ContextInput): string[] {
  const words = new Set<string>(SERVICE_WORDS);
  const add = (w: string | undefined) => {
    const folded = lettersOnly(foldForLookup(w ?? ''));
    if (longEnough(folded)) words.add(folded);
  };
  const [local, accountDomain] = splitAddress(ctx.account);
  add(local);
  for (const part of splitWords(local)) add(part);
  add(ctx.name);
  for (const part of splitWords(ctx.name)) add(part);
  add(ctx.orgName);
  for (const part of splitWords(ctx.orgName)) add(part);
  for (const domain of [ctx.orgDomain, accountDomain]) {
    add(domain);
    for (const label of domainLabels(domain)) add(label);
  }
  return [...words].sort((a, b) => b.length - a.length);
}

function splitAddress(address: string | undefined): [string | undefined, string | undefined] {
  if (!address) return [undefined, undefined];
  const at = address.lastIndexOf('@');
  return at < 0 ? [address, undefined] : [address.slice(0, at), address.slice(at + 1)];
}

function splitWords(s: string | undefined): string[] {
  return s ? s.split(/[\s._\-+・,]+/u).filter(Boolean) : [];
}

/** example.co.jp → ["example"]: the TLD and generic labels are left out. */
function domainLabels(domain: string | undefined): string[] {
  if (!domain) return [];
  const labels = domain.toLowerCase().split('.').filter(Boolean);
  return labels.slice(0, -1).filter((l) => !GENERIC_LABELS.has(l));
}

/**
 * True when the candidate is made of context words and little else: each of its letter skeletons
 * (as typed, and with affixes trimmed and look-alikes undone) is stripped of every context word,
 * and what is left is too short to carry any secret of its own.
 */
export function isContextDerived(candidate: string, words: string[]): boolean {
  const skeletons = new Set(lookupVariants(candidate).map(lettersOnly));
  for (const skeleton of skeletons) {
    let rest = skeleton;
    let found = false;
    for (const w of words) {
      if (rest.includes(w)) {
        found = true;
        rest = rest.split(w).join('');
      }
    }
    if (found && [...rest].length < MIN_REMAINDER) return true;
  }
  return false;
}
