import type Database from 'better-sqlite3';

/**
 * Numbered migrations; `user_version` records the last one applied. Never edit a shipped
 * migration: add the next number.
 */
const migrations: string[] = [
  `CREATE TABLE accounts (
     address TEXT PRIMARY KEY,
     name TEXT NOT NULL DEFAULT '',
     password_hash TEXT NOT NULL,
     password_history TEXT NOT NULL DEFAULT '[]',
     aliases TEXT NOT NULL DEFAULT '[]',
     grp TEXT,
     disabled INTEGER NOT NULL DEFAULT 0,
     state TEXT NOT NULL DEFAULT 'active',
     must_change_password INTEGER NOT NULL DEFAULT 0,
     app_passwords_only INTEGER NOT NULL DEFAULT 0,
     lang TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE app_passwords (
     id TEXT PRIMARY KEY,
     account TEXT NOT NULL REFERENCES accounts(address) ON DELETE CASCADE,
     label TEXT NOT NULL,
     hash TEXT NOT NULL,
     created_at TEXT NOT NULL,
     last_used_at TEXT,
     last_used_ip TEXT,
     revoked_at TEXT
   );
   CREATE INDEX app_passwords_account ON app_passwords(account);
   CREATE TABLE messages (
     id TEXT PRIMARY KEY,
     account TEXT NOT NULL,
     mail_from TEXT NOT NULL,
     message_id TEXT NOT NULL,
     size INTEGER NOT NULL,
     state TEXT NOT NULL,
     reason TEXT,
     created_at INTEGER NOT NULL,
     next_attempt_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     lease_owner TEXT,
     lease_until INTEGER,
     is_dsn INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX messages_due ON messages(state, next_attempt_at);
   CREATE INDEX messages_account ON messages(account, state);
   CREATE INDEX messages_message_id ON messages(message_id);
   CREATE TABLE bodies (
     message TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
     raw BLOB NOT NULL
   );
   CREATE TABLE recipients (
     message TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
     idx INTEGER NOT NULL,
     address TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     last_reply TEXT,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (message, idx)
   );
   CREATE TABLE events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     ts TEXT NOT NULL,
     code TEXT NOT NULL,
     account TEXT,
     data TEXT NOT NULL
   );
   CREATE INDEX events_ts ON events(ts);
   CREATE INDEX events_account ON events(account, id);`,
  `CREATE TABLE admins (
     id TEXT PRIMARY KEY,
     username TEXT NOT NULL UNIQUE,
     password_hash TEXT NOT NULL,
     totp_secret TEXT,
     totp_last_step INTEGER,
     recovery_codes TEXT NOT NULL DEFAULT '[]',
     role TEXT NOT NULL,
     created_at TEXT NOT NULL,
     last_login_at TEXT,
     last_login_ip TEXT,
     failed_logins INTEGER NOT NULL DEFAULT 0,
     last_failed_at TEXT,
     locked_until TEXT
   );
   CREATE TABLE audit (
     seq INTEGER PRIMARY KEY,
     ts TEXT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT NOT NULL,
     reason TEXT NOT NULL,
     data TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL
   );
   CREATE INDEX audit_ts ON audit(ts);`,
  `CREATE TABLE bounces (
     id TEXT PRIMARY KEY,
     received_at TEXT NOT NULL,
     source TEXT NOT NULL,
     remote TEXT NOT NULL,
     mail_from TEXT NOT NULL,
     rcpts TEXT NOT NULL,
     size INTEGER NOT NULL,
     raw BLOB NOT NULL,
     state TEXT NOT NULL DEFAULT 'pending',
     kind TEXT,
     account TEXT,
     queue_id TEXT,
     summary TEXT NOT NULL DEFAULT '{}',
     error TEXT,
     handled_at TEXT
   );
   CREATE INDEX bounces_received ON bounces(received_at);
   CREATE INDEX bounces_account ON bounces(account, received_at);
   CREATE INDEX bounces_state ON bounces(state);
   CREATE TABLE suppression (
     address TEXT PRIMARY KEY,
     reason TEXT NOT NULL,
     status TEXT NOT NULL,
     source_queue_id TEXT,
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX suppression_created ON suppression(created_at);`,
  `CREATE TABLE admin_sessions (
     digest TEXT PRIMARY KEY,
     admin_id TEXT NOT NULL,
     username TEXT NOT NULL,
     role TEXT NOT NULL,
     csrf TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     ip TEXT NOT NULL
   );
   CREATE INDEX admin_sessions_admin ON admin_sessions(admin_id);`,
  // Retention deletes finished messages by age (PostgreSQL has had this index from the start).
  `CREATE INDEX messages_created ON messages(created_at);`,
];

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

export const schemaVersion = migrations.length;
