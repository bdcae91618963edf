/**
 * Bans as the event record tells them. Each gateway keeps its bans in memory (src/auth/guard), so
 * the CLI and the console cannot ask a gateway what it holds; they read the record instead:
 * every ban is an `auth:source-banned` or `auth:pair-banned` event with its end, and every lift
 * is an `auth:ban-lifted` event that the running gateways apply (src/app/guard.ts).
 */
import type { StoredEvent } from '../storage/ports/index.js';

export const BAN_CODES = ['auth:source-banned', 'auth:pair-banned'] as const;
export const BAN_LIFTED = 'auth:ban-lifted';
export const ACCOUNT_RESET = 'auth:account-reset';

export interface ActiveBan {
  /** The banned source: an IPv4 address or an IPv6 prefix ("2001:db8:1:2::/64"). */
  source: string;
  /** Set for a ban of this source on one account only. */
  account: string | null;
  since: string;
  until: string;
  /** Failures or accounts counted when the ban was decided. */
  count: number;
}

/** What an `auth:ban-lifted` event carries. */
export interface BanLift {
  source: string | null;
  account: string | null;
  by: string;
  reason: string;
}

function keyOf(source: string | null, account: string | null): string {
  return `${source ?? ''}\u0000${account ?? ''}`;
}

/**
 * The bans still running at `now`, oldest events first in, newest ban per key out. A lift
 * removes the bans it names that were decided before it: of one source (all its bans, source and
 * pair), of one source on one account, or every pair ban of an account (an account reset).
 */
export function activeBans(events: readonly StoredEvent[], now: number): ActiveBan[] {
  const bans = new Map<string, ActiveBan>();
  for (const e of [...events].sort((a, b) => a.id - b.id)) {
    const d = e.data as { source?: string; account?: string; until?: number; count?: number };
    if ((BAN_CODES as readonly string[]).includes(e.code) && d.source && typeof d.until === 'number') {
      const account = e.code === 'auth:pair-banned' ? (d.account ?? e.account ?? null) : null;
      bans.set(keyOf(d.source, account), { source: d.source, account, since: e.ts, until: new Date(d.until).toISOString(), count: d.count ?? 0 });
    } else if (e.code === BAN_LIFTED || e.code === ACCOUNT_RESET) {
      liftMatching(bans, d.source ?? null, d.account ?? e.account ?? null);
    }
  }
  return [...bans.values()].filter((b) => Date.parse(b.until) > now);
}

function liftMatching(bans: Map<string, ActiveBan>, source: string | null, account: string | null): void {
  for (const [key, ban] of bans) {
    const sameSource = source === null || ban.source === source;
    const sameAccount = ban.account === account;
    if (sameSource && sameAccount) bans.delete(key);
  }
}

/** The events a lift must read: bans can last a day (banMaxMs), so a day and a margin back. */
export function banWindowStart(now: number, banMaxMs: number): string {
  return new Date(now - banMaxMs - 60 * 60_000).toISOString();
}
