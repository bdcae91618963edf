import type Database from 'better-sqlite3';
import type { Admin, AdminPatch, AdminStore, NewAdmin, StoredAdminSession } from '../ports/index.js';
import { toSession, type SessionRow } from '../admin-session-row.js';

interface Row {
  id: string;
  username: string;
  password_hash: string;
  totp_secret: string | null;
  totp_last_step: number | null;
  recovery_codes: string;
  role: Admin['role'];
  created_at: string;
  last_login_at: string | null;
  last_login_ip: string | null;
  failed_logins: number;
  last_failed_at: string | null;
  locked_until: string | null;
}

/** Column names come only from this table, never from the caller. */
const columns: Record<keyof AdminPatch, string> = {
  passwordHash: 'password_hash',
  totpSecret: 'totp_secret',
  totpLastStep: 'totp_last_step',
  recoveryCodes: 'recovery_codes',
  role: 'role',
  lockedUntil: 'locked_until',
};

function toAdmin(r: Row): Admin {
  return {
    id: r.id,
    username: r.username,
    passwordHash: r.password_hash,
    totpSecret: r.totp_secret,
    totpLastStep: r.totp_last_step,
    recoveryCodes: JSON.parse(r.recovery_codes),
    role: r.role,
    createdAt: r.created_at,
    lastLoginAt: r.last_login_at,
    lastLoginIp: r.last_login_ip,
    failedLogins: r.failed_logins,
    lastFailedAt: r.last_failed_at,
    lockedUntil: r.locked_until,
  };
}

export class SqliteAdmins implements AdminStore {
  constructor(private readonly db: Database.Database) {}

  async create(a: NewAdmin): Promise<Admin> {
    this.db
      .prepare(
        `INSERT INTO admins (id, username, password_hash, totp_secret, recovery_codes, role, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(a.id, a.username, a.passwordHash, a.totpSecret, JSON.stringify(a.recoveryCodes), a.role, new Date().toISOString());
    return (await this.get(a.username))!;
  }

  async get(username: string): Promise<Admin | null> {
    const row = this.db.prepare('SELECT * FROM admins WHERE username = ?').get(username) as Row | undefined;
    return row ? toAdmin(row) : null;
  }

  async getById(id: string): Promise<Admin | null> {
    const row = this.db.prepare('SELECT * FROM admins WHERE id = ?').get(id) as Row | undefined;
    return row ? toAdmin(row) : null;
  }

  async list(): Promise<Admin[]> {
    return (this.db.prepare('SELECT * FROM admins ORDER BY username').all() as Row[]).map(toAdmin);
  }

  async update(username: string, patch: AdminPatch): Promise<Admin | null> {
    const keys = (Object.keys(patch) as (keyof AdminPatch)[]).filter((k) => k in columns && patch[k] !== undefined);
    if (keys.length > 0) {
      const set = keys.map((k) => `${columns[k]} = ?`).join(', ');
      const values = keys.map((k) => (k === 'recoveryCodes' ? JSON.stringify(patch[k]) : patch[k]));
      this.db.prepare(`UPDATE admins SET ${set} WHERE username = ?`).run(...values, username);
    }
    return this.get(username);
  }

  async delete(username: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM admins WHERE username = ?').run(username).changes > 0;
  }

  async consumeRecoveryCode(username: string, digest: string): Promise<boolean> {
    // The read and the write share one transaction: SQLite serialises writers, so one caller wins.
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT recovery_codes FROM admins WHERE username = ?').get(username) as { recovery_codes: string } | undefined;
      if (!row) return false;
      const codes = JSON.parse(row.recovery_codes) as string[];
      if (!codes.includes(digest)) return false;
      const rest = codes.filter((c) => c !== digest);
      this.db.prepare('UPDATE admins SET recovery_codes = ? WHERE username = ?').run(JSON.stringify(rest), username);
      return true;
    }).immediate();
  }

  async acceptTotpStep(username: string, step: number): Promise<boolean> {
    const r = this.db
      .prepare('UPDATE admins SET totp_last_step = ? WHERE username = ? AND (totp_last_step IS NULL OR totp_last_step < ?)')
      .run(step, username, step);
    return r.changes > 0;
  }

  async noteFailure(username: string, at: string): Promise<number> {
    const row = this.db
      .prepare('UPDATE admins SET failed_logins = failed_logins + 1, last_failed_at = ? WHERE username = ? RETURNING failed_logins')
      .get(at, username) as { failed_logins: number } | undefined;
    return row?.failed_logins ?? 0;
  }

  async createSession(s: StoredAdminSession): Promise<void> {
    this.db
      .prepare('INSERT INTO admin_sessions (digest, admin_id, username, role, csrf, created_at, last_seen_at, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(s.digest, s.adminId, s.username, s.role, s.csrf, s.createdAt, s.lastSeenAt, s.ip);
  }

  async getSession(digest: string): Promise<StoredAdminSession | null> {
    const r = this.db.prepare('SELECT * FROM admin_sessions WHERE digest = ?').get(digest) as SessionRow | undefined;
    return r ? toSession(r) : null;
  }

  async touchSession(digest: string, lastSeenAt: number): Promise<void> {
    this.db.prepare('UPDATE admin_sessions SET last_seen_at = ? WHERE digest = ? AND last_seen_at < ?').run(lastSeenAt, digest, lastSeenAt);
  }

  async deleteSession(digest: string): Promise<void> {
    this.db.prepare('DELETE FROM admin_sessions WHERE digest = ?').run(digest);
  }

  async deleteSessionsOf(adminId: string): Promise<number> {
    return this.db.prepare('DELETE FROM admin_sessions WHERE admin_id = ?').run(adminId).changes;
  }

  async deleteExpiredSessions(idleBefore: number, createdBefore: number): Promise<number> {
    return this.db.prepare('DELETE FROM admin_sessions WHERE last_seen_at < ? OR created_at < ?').run(idleBefore, createdBefore).changes;
  }

  async noteSuccess(username: string, at: string, ip: string): Promise<void> {
    this.db
      .prepare('UPDATE admins SET failed_logins = 0, locked_until = NULL, last_login_at = ?, last_login_ip = ? WHERE username = ?')
      .run(at, ip, username);
  }
}
