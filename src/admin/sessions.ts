import { createHash, randomBytes } from 'node:crypto';
import type { Admin, AdminStore, StoredAdminSession } from '../storage/ports/index.js';

/** A console session as the handlers see it: the stored one without the digest of its token. */
export type AdminSession = Omit<StoredAdminSession, 'digest'>;

export type SessionLookup = { session: AdminSession } | { expired: true } | null;

/**
 * Console sessions, kept in the store so that every node of a deployment knows them (no sticky
 * sessions needed behind a load balancer). Only the SHA-256 of each token is stored, so a copy
 * of the database or a heap dump does not hand out live sessions. Sessions end after `idleMs`
 * without a request and `absoluteMs` after sign-in, whichever is first; expired ones are swept
 * at most once a minute.
 */
export class SessionStore {
  private nextSweep = 0;

  constructor(
    private readonly admins: AdminStore,
    private readonly idleMs: number,
    private readonly absoluteMs: number,
  ) {}

  async create(admin: Admin, ip: string, now = Date.now()): Promise<{ token: string; session: AdminSession }> {
    await this.sweep(now);
    const token = randomBytes(32).toString('base64url');
    const session: AdminSession = { adminId: admin.id, username: admin.username, role: admin.role, csrf: randomBytes(32).toString('base64url'), createdAt: now, lastSeenAt: now, ip };
    await this.admins.createSession({ digest: digest(token), ...session });
    return { token, session };
  }

  /** Finds a live session and marks it used; an expired one is removed and reported as such. */
  async touch(token: string | undefined, now = Date.now()): Promise<SessionLookup> {
    if (!token) return null;
    const key = digest(token);
    const stored = await this.admins.getSession(key);
    if (!stored) return null;
    const { digest: _key, ...session } = stored;
    if (this.isExpired(session, now)) {
      await this.admins.deleteSession(key);
      return { expired: true };
    }
    session.lastSeenAt = now;
    await this.admins.touchSession(key, now);
    return { session };
  }

  async destroy(token: string | undefined): Promise<void> {
    if (token) await this.admins.deleteSession(digest(token));
  }

  /** Ends every session of an administrator (MFA reset, deletion, role change). */
  destroyAllOf(adminId: string): Promise<number> {
    return this.admins.deleteSessionsOf(adminId);
  }

  private isExpired(s: AdminSession, now: number): boolean {
    return now - s.lastSeenAt > this.idleMs || now - s.createdAt > this.absoluteMs;
  }

  private async sweep(now: number): Promise<void> {
    if (now < this.nextSweep) return;
    this.nextSweep = now + 60_000;
    await this.admins.deleteExpiredSessions(now - this.idleMs, now - this.absoluteMs);
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
