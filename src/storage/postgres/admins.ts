import type pg from 'pg';
import type { Admin, AdminPatch, AdminStore, NewAdmin, StoredAdminSession } from '../ports/index.js';
import { toSession, type SessionRow } from '../admin-session-row.js';

interface Row {
  id: string;
  username: string;
  password_hash: string;
  totp_secret: string | null;
  totp_last_step: number | null;
  recovery_codes: string[];
  role: Admin['role'];
  created_at: Date;
  last_login_at: Date | null;
  last_login_ip: string | null;
  failed_logins: number;
  last_failed_at: Date | null;
  locked_until: Date | null;
}

/** Column names come only from this table, never from the caller, so the SET list is safe. */
const columns: Record<keyof AdminPatch, string> = {
  passwordHash: 'password_hash',
  totpSecret: 'totp_secret',
  totpLastStep: 'totp_last_step',
  recoveryCodes: 'recovery_codes',
  role: 'role',
  lockedUntil: 'locked_until',
};

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function toAdmin(r: Row): Admin {
  return {
    id: r.id,
    username: r.username,
    passwordHash: r.password_hash,
    totpSecret: r.totp_secret,
    totpLastStep: r.totp_last_step === null ? null : Number(r.totp_last_step),
    recoveryCodes: r.recovery_codes,
    role: r.role,
    createdAt: r.created_at.toISOString(),
    lastLoginAt: iso(r.last_login_at),
    lastLoginIp: r.last_login_ip,
    failedLogins: r.failed_logins,
    lastFailedAt: iso(r.last_failed_at),
    lockedUntil: iso(r.locked_until),
  };
}

export class PostgresAdmins implements AdminStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(a: NewAdmin): Promise<Admin> {
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO admins (id, username, password_hash, totp_secret, recovery_codes, role, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, now()) RETURNING *`,
      [a.id, a.username, a.passwordHash, a.totpSecret, a.recoveryCodes, a.role],
    );
    return toAdmin(rows[0]);
  }

  async get(username: string): Promise<Admin | null> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM admins WHERE username = $1', [username]);
    return rows[0] ? toAdmin(rows[0]) : null;
  }

  async getById(id: string): Promise<Admin | null> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM admins WHERE id = $1', [id]);
    return rows[0] ? toAdmin(rows[0]) : null;
  }

  async list(): Promise<Admin[]> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM admins ORDER BY username');
    return rows.map(toAdmin);
  }

  async update(username: string, patch: AdminPatch): Promise<Admin | null> {
    const keys = (Object.keys(patch) as (keyof AdminPatch)[]).filter((k) => k in columns && patch[k] !== undefined);
    if (keys.length === 0) return this.get(username);
    const set = keys.map((k, i) => `${columns[k]} = $${i + 2}`).join(', ');
    const { rows } = await this.pool.query<Row>(`UPDATE admins SET ${set} WHERE username = $1 RETURNING *`, [username, ...keys.map((k) => patch[k])]);
    return rows[0] ? toAdmin(rows[0]) : null;
  }

  async delete(username: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM admins WHERE username = $1', [username])).rowCount ?? 0) > 0;
  }

  async consumeRecoveryCode(username: string, digest: string): Promise<boolean> {
    const r = await this.pool.query(
      'UPDATE admins SET recovery_codes = array_remove(recovery_codes, $2) WHERE username = $1 AND $2 = ANY(recovery_codes)',
      [username, digest],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async acceptTotpStep(username: string, step: number): Promise<boolean> {
    const r = await this.pool.query(
      'UPDATE admins SET totp_last_step = $2 WHERE username = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)',
      [username, step],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async noteFailure(username: string, at: string): Promise<number> {
    const { rows } = await this.pool.query<{ failed_logins: number }>(
      'UPDATE admins SET failed_logins = failed_logins + 1, last_failed_at = $2 WHERE username = $1 RETURNING failed_logins',
      [username, at],
    );
    return rows[0]?.failed_logins ?? 0;
  }

  async createSession(s: StoredAdminSession): Promise<void> {
    await this.pool.query(
      'INSERT INTO admin_sessions (digest, admin_id, username, role, csrf, created_at, last_seen_at, ip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [s.digest, s.adminId, s.username, s.role, s.csrf, s.createdAt, s.lastSeenAt, s.ip],
    );
  }

  async getSession(digest: string): Promise<StoredAdminSession | null> {
    const { rows } = await this.pool.query<SessionRow>('SELECT * FROM admin_sessions WHERE digest = $1', [digest]);
    return rows[0] ? toSession(rows[0]) : null;
  }

  async touchSession(digest: string, lastSeenAt: number): Promise<void> {
    await this.pool.query('UPDATE admin_sessions SET last_seen_at = $2 WHERE digest = $1 AND last_seen_at < $2', [digest, lastSeenAt]);
  }

  async deleteSession(digest: string): Promise<void> {
    await this.pool.query('DELETE FROM admin_sessions WHERE digest = $1', [digest]);
  }

  async deleteSessionsOf(adminId: string): Promise<number> {
    return (await this.pool.query('DELETE FROM admin_sessions WHERE admin_id = $1', [adminId])).rowCount ?? 0;
  }

  async deleteExpiredSessions(idleBefore: number, createdBefore: number): Promise<number> {
    return (await this.pool.query('DELETE FROM admin_sessions WHERE last_seen_at < $1 OR created_at < $2', [idleBefore, createdBefore])).rowCount ?? 0;
  }

  async noteSuccess(username: string, at: string, ip: string): Promise<void> {
    await this.pool.query(
      'UPDATE admins SET failed_logins = 0, locked_until = NULL, last_login_at = $2, last_login_ip = $3 WHERE username = $1',
      [username, at, ip],
    );
  }
}
