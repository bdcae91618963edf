/**
 * Administrators of the gateway: the people who use the console, the API and the admin CLI.
 * They are separate from mail accounts, so a leaked mail password never opens the console.
 */
export type AdminRole = 'admin' | 'operator' | 'auditor';

export interface Admin {
  id: string;
  username: string;
  /** argon2id PHC string (src/auth/password-hash.ts). */
  passwordHash: string;
  /** Base32 TOTP secret (RFC 6238); null until enrolled. */
  totpSecret: string | null;
  /** The last TOTP time step accepted, so a code seen once cannot be replayed in its window. */
  totpLastStep: number | null;
  /** SHA-256 hex digests of the unused one-time recovery codes. */
  recoveryCodes: string[];
  role: AdminRole;
  createdAt: string;
  lastLoginAt: string | null;
  lastLoginIp: string | null;
  /** Consecutive failed sign-ins since the last success. */
  failedLogins: number;
  lastFailedAt: string | null;
  /** Sign-in refused until then (ISO time), after too many failures. */
  lockedUntil: string | null;
}

export type NewAdmin = Pick<Admin, 'id' | 'username' | 'passwordHash' | 'totpSecret' | 'recoveryCodes' | 'role'>;

export type AdminPatch = Partial<Pick<Admin, 'passwordHash' | 'totpSecret' | 'totpLastStep' | 'recoveryCodes' | 'role' | 'lockedUntil'>>;

/**
 * A console session, shared by every node: only the SHA-256 digest of its token is stored, so a
 * copy of the database does not hand out live sessions. Times are epoch milliseconds.
 */
export interface StoredAdminSession {
  digest: string;
  adminId: string;
  username: string;
  role: AdminRole;
  /** Synchronizer token: sent back in X-CSRF-Token on every state-changing request. */
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
  ip: string;
}

export interface AdminStore {
  create(admin: NewAdmin): Promise<Admin>;
  get(username: string): Promise<Admin | null>;
  getById(id: string): Promise<Admin | null>;
  list(): Promise<Admin[]>;
  update(username: string, patch: AdminPatch): Promise<Admin | null>;
  delete(username: string): Promise<boolean>;
  /** Removes one recovery code digest in one statement; true only for the caller that removed it. */
  consumeRecoveryCode(username: string, digest: string): Promise<boolean>;
  /**
   * Accepts a TOTP step only if it is newer than the last accepted one, in one statement, so two
   * parallel sign-ins cannot both use the same code.
   */
  acceptTotpStep(username: string, step: number): Promise<boolean>;
  /** Counts a failed sign-in and returns the new count. */
  noteFailure(username: string, at: string): Promise<number>;
  /** Clears the failure count and records the sign-in. */
  noteSuccess(username: string, at: string, ip: string): Promise<void>;
  createSession(session: StoredAdminSession): Promise<void>;
  getSession(digest: string): Promise<StoredAdminSession | null>;
  touchSession(digest: string, lastSeenAt: number): Promise<void>;
  deleteSession(digest: string): Promise<void>;
  /** Ends every session of one administrator; returns how many there were. */
  deleteSessionsOf(adminId: string): Promise<number>;
  /** Drops sessions idle since before `idleBefore` or created before `createdBefore`. */
  deleteExpiredSessions(idleBefore: number, createdBefore: number): Promise<number>;
}
