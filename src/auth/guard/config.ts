/**
 * Configuration of the SMTP AUTH brute-force guard: one description and one default per key,
 * so that the reference docs can be generated from it. The defaults are sized for a small
 * company: a person who mistypes a few times is slowed for seconds, a guessing client is banned
 * within minutes, and an account is never locked against its owner's usual networks.
 */
import { z } from 'zod';
import { parseCidr } from './source.js';

const count = z.number().int().positive();
const ms = z.number().int().nonnegative();

export const guardConfigSchema = z.object({
  allowList: z
    .array(z.string().refine((s) => parseCidr(s) !== undefined, { message: 'CIDR expected, e.g. 192.0.2.0/24 or 2001:db8::/48' }))
    .default([])
    .describe('Trusted networks (office NAT, VPN) as CIDR ranges. They are never delayed or banned by address, and count as known-good sources for every account.'),
  ipv6PrefixLength: z
    .number().int().min(32).max(128)
    .default(64)
    .describe('IPv6 clients are counted per prefix of this length (/64: one customer line or host can hold a whole /64).'),
  failureWindowMs: ms
    .default(15 * 60_000)
    .describe('Failures older than this are forgotten for delays and bans (per source, per account, per source+account).'),
  delayAfterFailures: count
    .default(3)
    .describe('Failures of one source, or of one source on one account, after which each further attempt is delayed.'),
  baseDelayMs: ms.default(1_000).describe('First delay; it doubles with each further failure.'),
  maxDelayMs: ms.default(30_000).describe('Longest delay (kept below common SMTP client time-outs).'),
  sourceBanAfterFailures: count
    .default(20)
    .describe('Failures from one source (any accounts) within the window that ban the source. Repeats of one stale password do not count.'),
  pairBanAfterFailures: count
    .default(10)
    .describe('Failures of one source on one account within the window that ban that source for that account only.'),
  banBaseMs: ms.default(5 * 60_000).describe('Length of a first ban.'),
  banGrowthFactor: z.number().min(1).default(2).describe('Each further ban of the same key lasts this many times longer.'),
  banMaxMs: ms.default(24 * 60 * 60_000).describe('Longest ban.'),
  banMemoryMs: ms
    .default(24 * 60 * 60_000)
    .describe('How long after a ban ends it still counts for the growth of the next ban.'),
  accountDelayAfterFailures: count
    .default(10)
    .describe('Failures on one account from sources that are not known-good, within the window, after which such sources are delayed (known-good sources are not).'),
  accountLockoutFailures: count
    .default(100)
    .describe('Consecutive failures on one account (NIST SP 800-63B-4 ceiling) after which it accepts logins only from known-good sources until an administrator resets it.'),
  knownGoodMs: ms
    .default(30 * 24 * 60 * 60_000)
    .describe('A source where the account logged in successfully stays known-good for this long after the last success.'),
  detectionWindowMs: ms.default(60 * 60_000).describe('Window for password-spraying and credential-stuffing detection.'),
  sprayAccounts: count
    .default(10)
    .describe('Distinct accounts failing from one source within the detection window that count as password spraying (the source is banned unless allow-listed).'),
  stuffingSources: count
    .default(10)
    .describe('Distinct sources failing on one account within the detection window that count as credential stuffing (sources that are not known-good are then delayed).'),
  staleAttemptMs: ms
    .default(10 * 60_000)
    .describe('How long a failed attempt key (a keyed hash, never the password) is remembered to recognise a client repeating one stale password.'),
  maxConcurrentPerSource: count
    .default(2)
    .describe('Credential checks in flight at once per source; further attempts wait, so parallel connections cannot outrun the ban thresholds.'),
  maxTrackedKeys: count
    .default(50_000)
    .describe('Most keys each table of the guard tracks; the least recently written are forgotten first, so a flood cannot exhaust memory.'),
});

export type GuardConfig = z.output<typeof guardConfigSchema>;
export type GuardConfigInput = z.input<typeof guardConfigSchema>;

export function parseGuardConfig(input: GuardConfigInput = {}): GuardConfig {
  return guardConfigSchema.parse(input);
}
