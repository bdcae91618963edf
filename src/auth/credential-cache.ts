/**
 * A short-lived memory of primary-password logins that succeeded, so that a mail client opening
 * many connections (Outlook opens several at once; a phone reconnects on every wake-up) does not
 * pay an argon2 run (~19 MiB, tens of milliseconds) for each of them.
 *
 * What is kept, and why it is safe:
 * - The key is an HMAC of account and password under a key drawn at process start and never
 *   stored: the table holds no password, and the keys cannot be tested offline by someone who
 *   reads the process memory after the key is gone, nor compared across nodes or restarts.
 * - The value is a stamp of the account as it was when the password verified (its password hash,
 *   its last update, its flags). Each use re-reads the account and compares the stamp, so a
 *   password change, disabling, restriction or "app passwords only" takes effect on the very
 *   next login, without any invalidation message having to reach this node.
 * - Entries live minutes (default 5) and the table is capped, so a stolen session of the
 *   process gains little and a flood of distinct successes cannot grow memory.
 * - Only successes are cached: a failure always costs the full check, behind the brute-force
 *   guard, so the cache cannot be used to test guesses faster.
 * App passwords are not cached: they are verified with one HMAC, already cheaper than a look-up.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Account } from '../storage/ports/index.js';
import { BoundedMap } from './guard/bounded-map.js';
import { normalizePassword } from './password-hash.js';

export interface CredentialCacheOptions {
  /** How long a verified password is trusted without argon2 (ms). */
  ttlMs?: number;
  /** Most entries kept; the least recently written are dropped first. */
  maxEntries?: number;
  clock?: () => number;
}

interface Stamp {
  address: string;
  passwordHash: string;
  updatedAt: string;
}

export interface CredentialCacheStats {
  hits: number;
  misses: number;
  stale: number;
  size: number;
}

export const DEFAULT_CACHE_TTL_MS = 5 * 60_000;
export const DEFAULT_CACHE_ENTRIES = 10_000;

export class CredentialCache {
  private readonly key = randomBytes(32);
  private readonly entries: BoundedMap<Stamp>;
  private readonly ttlMs: number;
  private readonly clock: () => number;
  private readonly counts = { hits: 0, misses: 0, stale: 0 };

  constructor(options: CredentialCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
    this.entries = new BoundedMap(options.maxEntries ?? DEFAULT_CACHE_ENTRIES);
    this.clock = options.clock ?? Date.now;
  }

  /**
   * True when this account and password verified within the lifetime and the account has not
   * changed since. A stale entry is dropped, so the caller's full check decides afresh.
   */
  matches(account: Account, password: string): boolean {
    if (this.ttlMs === 0) return false;
    const k = this.keyOf(account.address, password);
    const stamp = this.entries.get(k, this.clock());
    if (!stamp) {
      this.counts.misses++;
      return false;
    }
    if (!stillValid(stamp, account)) {
      this.entries.delete(k);
      this.counts.stale++;
      return false;
    }
    this.counts.hits++;
    return true;
  }

  /** Called after argon2 said yes and every account rule allowed the login. */
  remember(account: Account, password: string): void {
    if (this.ttlMs === 0) return;
    const now = this.clock();
    const stamp = { address: account.address, passwordHash: account.passwordHash, updatedAt: account.updatedAt };
    this.entries.set(this.keyOf(account.address, password), stamp, now + this.ttlMs, now);
  }

  stats(): CredentialCacheStats {
    return { ...this.counts, size: this.entries.size };
  }

  private keyOf(address: string, password: string): string {
    // NUL cannot occur in an AUTH PLAIN identity, so "a\0bc" and "ab\0c" never collide.
    return createHmac('sha256', this.key).update(`${address}\u0000${normalizePassword(password)}`, 'utf8').digest('base64url');
  }
}

/**
 * The account may log in with the cached password only if nothing that matters changed: same
 * password hash (compared in constant time), same record version, and no flag that forbids it.
 */
function stillValid(stamp: Stamp, account: Account): boolean {
  if (account.disabled || account.state === 'restricted' || account.mustChangePassword || account.appPasswordsOnly) return false;
  if (stamp.address !== account.address || stamp.updatedAt !== account.updatedAt) return false;
  const a = Buffer.from(stamp.passwordHash, 'utf8');
  const b = Buffer.from(account.passwordHash, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
