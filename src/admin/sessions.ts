import { createHash, randomBytes } from 'node:crypto';
import type { Admin, AdminRole } from '../storage/ports/index.js';

export interface AdminSession {
  adminId: string;
  username: string;
  role: AdminRole;
  /** Synchronizer token: sent back in X-CSRF-Token on every state-changing request. */
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
  ip: string;
}

export type SessionLookup = { session: AdminSession } | { expired: true } | null;

/**
 * Console sessions, in memory: a restart signs everyone out, which is the safe direction.
 * Only the SHA-256 of each token is kept, so a heap dump does not hand out live sessions.
 * Sessions end after `idleMs` without a request and `absoluteMs` after sign-in, whichever is first.
 */
export class SessionStore {
  private readonly sessions = new Map<string, AdminSession>();

  constructor(
    private readonly idleMs: number,
    private readonly absoluteMs: number,
    private readonly maxSessions = 10_000,
  ) {}

  create(admin: Admin, ip: string, now = Date.now()): { token: string; session: AdminSession } {
    this.sweep(now);
    if (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value as string);
    const token = randomBytes(32).toString('base64url');
    const session: AdminSession = { adminId: admin.id, username: admin.username, role: admin.role, csrf: randomBytes(32).toString('base64url'), createdAt: now, lastSeenAt: now, ip };
    this.sessions.set(digest(token), session);
    return { token, session };
  }

  /** Finds a live session and marks it used; an expired one is removed and reported as such. */
  touch(token: string | undefined, now = Date.now()): SessionLookup {
    if (!token) return null;
    const key = digest(token);
    const session = this.sessions.get(key);
    if (!session) return null;
    if (this.isExpired(session, now)) {
      this.sessions.delete(key);
      return { expired: true };
    }
    session.lastSeenAt = now;
    return { session };
  }

  destroy(token: string | undefined): void {
    if (token) this.sessions.delete(digest(token));
  }

  /** Ends every session of an administrator (MFA reset, deletion, role change). */
  destroyAllOf(adminId: string): number {
    let n = 0;
    for (const [k, s] of this.sessions) if (s.adminId === adminId && this.sessions.delete(k)) n++;
    return n;
  }

  private isExpired(s: AdminSession, now: number): boolean {
    return now - s.lastSeenAt > this.idleMs || now - s.createdAt > this.absoluteMs;
  }

  private sweep(now: number): void {
    for (const [k, s] of this.sessions) if (this.isExpired(s, now)) this.sessions.delete(k);
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
