import type { AdminRole, StoredAdminSession } from './ports/index.js';

/** A row of `admin_sessions`, the same on both backends (times as epoch milliseconds). */
export interface SessionRow {
  digest: string;
  admin_id: string;
  username: string;
  role: string;
  csrf: string;
  created_at: number;
  last_seen_at: number;
  ip: string;
}

export function toSession(r: SessionRow): StoredAdminSession {
  return {
    digest: r.digest,
    adminId: r.admin_id,
    username: r.username,
    role: r.role as AdminRole,
    csrf: r.csrf,
    createdAt: Number(r.created_at),
    lastSeenAt: Number(r.last_seen_at),
    ip: r.ip,
  };
}
