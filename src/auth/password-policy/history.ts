/**
 * Password reuse (NIST SP 800-63B-4 no longer asks for history by default, but the gateway's
 * threat is a leaked password: changing it back to the leaked one after an incident undoes the
 * containment). The candidate is verified against the account's recent argon2 hashes.
 */
import { verifyPassword } from '../password-hash.js';

/** How many previous passwords may not be reused. */
export const HISTORY_DEPTH = 5;

/**
 * True when the candidate matches one of the first HISTORY_DEPTH hashes (newest first). The
 * hashes are verified in parallel on libuv's thread pool; each costs one argon2id computation,
 * which is why the policy runs this step last and only for an otherwise acceptable candidate.
 */
export async function isReused(candidate: string, previousHashes: readonly string[] | undefined): Promise<boolean> {
  if (!previousHashes?.length) return false;
  const recent = previousHashes.slice(0, HISTORY_DEPTH);
  const matches = await Promise.all(recent.map((h) => verifyPassword(h, candidate)));
  return matches.includes(true);
}
