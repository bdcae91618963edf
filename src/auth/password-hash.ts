/**
 * Password hashing for accounts and for the password-history check.
 *
 * argon2id with the OWASP Password Storage Cheat Sheet baseline (m = 19 MiB, t = 2, p = 1):
 * memory-hard so that a stolen database cannot be brute-forced cheaply on GPUs, and small enough
 * that a gateway handling many AUTH attempts a second is not starved of memory. The brute-force
 * guard (src/auth/guard) is consulted before this runs, so an AUTH flood cannot make us hash.
 *
 * Passwords are normalised with NFKC before hashing (NIST SP 800-63B-4 §3.1.1.2): the same
 * Japanese passphrase typed with full-width or half-width characters, or composed differently by
 * two input methods, must verify to the same hash.
 */
import argon2 from 'argon2';

/** OWASP-recommended argon2id parameters; `needsRehash` upgrades old hashes when these rise. */
export const HASH_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** The form in which every password is hashed, compared and measured. */
export function normalizePassword(pw: string): string {
  return pw.normalize('NFKC');
}

/** Returns a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) with a fresh random salt. */
export async function hashPassword(pw: string): Promise<string> {
  return argon2.hash(normalizePassword(pw), HASH_OPTIONS);
}

/**
 * True when `pw` matches `hash`. A malformed or foreign hash yields false rather than an error:
 * a corrupt record must never let anyone in, and must not crash the AUTH phase.
 * argon2's verify compares the digests in constant time.
 */
export async function verifyPassword(hash: string, pw: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, normalizePassword(pw));
  } catch {
    return false;
  }
}

/** True when a stored hash was made with weaker parameters than today's and should be redone at next login. */
export function needsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, HASH_OPTIONS);
  } catch {
    return true;
  }
}
