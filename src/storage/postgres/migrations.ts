import type pg from 'pg';

/**
 * Numbered migrations; `schema_migrations` records each one applied. Never edit a shipped
 * migration: add the next number. Tables mirror the SQLite adapter so the two backends stay
 * comparable; times are `timestamptz` and the port turns them back into ISO strings.
 */
const migrations: string[] = [
  `CREATE TABLE accounts (
     address text PRIMARY KEY,
     name text NOT NULL DEFAULT '',
     password_hash text NOT NULL,
     password_history text[] NOT NULL DEFAULT '{}',
     aliases text[] NOT NULL DEFAULT '{}',
     grp text,
     disabled boolean NOT NULL DEFAULT false,
     state text NOT NULL DEFAULT 'active',
     must_change_password boolean NOT NULL DEFAULT false,
     app_passwords_only boolean NOT NULL DEFAULT false,
     lang text,
     created_at timestamptz NOT NULL,
     updated_at timestamptz NOT NULL
   );
   CREATE TABLE app_passwords (
     id text PRIMARY KEY,
     account text NOT NULL REFERENCES accounts(address) ON DELETE CASCADE,
     label text NOT NULL,
     hash text NOT NULL,
     created_at timestamptz NOT NULL,
     last_used_at timestamptz,
     last_used_ip text,
     revoked_at timestamptz
   );
   CREATE INDEX app_passwords_account ON app_passwords(account);
   CREATE TABLE messages (
     id text PRIMARY KEY,
     account text NOT NULL,
     mail_from text NOT NULL,
     message_id text NOT NULL,
     size integer NOT NULL,
     state text NOT NULL,
     reason text,
     created_at timestamptz NOT NULL,
     next_attempt_at timestamptz NOT NULL,
     expires_at timestamptz NOT NULL,
     attempts integer NOT NULL DEFAULT 0,
     lease_owner text,
     lease_until timestamptz,
     is_dsn boolean NOT NULL DEFAULT false
   );
   -- Only queued messages are ever claimed, so the claim index leaves the rest out.
   CREATE INDEX messages_due ON messages(next_attempt_at) WHERE state = 'queued';
   CREATE INDEX messages_account ON messages(account, state);
   CREATE INDEX messages_message_id ON messages(message_id);
   CREATE INDEX messages_created ON messages(created_at);
   CREATE TABLE bodies (
     message text PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
     raw bytea NOT NULL
   );
   CREATE TABLE recipients (
     message text NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
     idx integer NOT NULL,
     address text NOT NULL,
     status text NOT NULL,
     attempts integer NOT NULL DEFAULT 0,
     last_reply text,
     updated_at timestamptz NOT NULL,
     PRIMARY KEY (message, idx)
   );
   CREATE TABLE events (
     id bigserial PRIMARY KEY,
     ts timestamptz NOT NULL,
     code text NOT NULL,
     account text,
     data jsonb NOT NULL
   );
   CREATE INDEX events_ts ON events(ts);
   CREATE INDEX events_account ON events(account, id);`,
  `CREATE TABLE admins (
     id text PRIMARY KEY,
     username text NOT NULL UNIQUE,
     password_hash text NOT NULL,
     totp_secret text,
     totp_last_step bigint,
     recovery_codes text[] NOT NULL DEFAULT '{}',
     role text NOT NULL,
     created_at timestamptz NOT NULL,
     last_login_at timestamptz,
     last_login_ip text,
     failed_logins integer NOT NULL DEFAULT 0,
     last_failed_at timestamptz,
     locked_until timestamptz
   );
   -- seq is assigned by the writer under a lock, not by a sequence: sequences leave gaps on
   -- rollback, and a gap is how the verifier recognises a deleted entry.
   CREATE TABLE audit (
     seq bigint PRIMARY KEY,
     ts timestamptz NOT NULL,
     actor text NOT NULL,
     action text NOT NULL,
     target text NOT NULL,
     reason text NOT NULL,
     data jsonb NOT NULL,
     prev_hash text NOT NULL,
     hash text NOT NULL
   );
   CREATE INDEX audit_ts ON audit(ts);`,
  `CREATE TABLE bounces (
     id text PRIMARY KEY,
     received_at timestamptz NOT NULL,
     source text NOT NULL,
     remote text NOT NULL,
     mail_from text NOT NULL,
     rcpts text[] NOT NULL,
     size integer NOT NULL,
     raw bytea NOT NULL,
     state text NOT NULL DEFAULT 'pending',
     kind text,
     account text,
     queue_id text,
     summary jsonb NOT NULL DEFAULT '{}',
     error text,
     handled_at timestamptz
   );
   CREATE INDEX bounces_received ON bounces(received_at);
   CREATE INDEX bounces_account ON bounces(account, received_at);
   -- Only unhandled rows are looked for at start, so the index leaves the rest out.
   CREATE INDEX bounces_pending ON bounces(received_at) WHERE state <> 'handled';
   CREATE TABLE suppression (
     address text PRIMARY KEY,
     reason text NOT NULL,
     status text NOT NULL,
     source_queue_id text,
     created_by text NOT NULL,
     created_at timestamptz NOT NULL
   );
   CREATE INDEX suppression_created ON suppression(created_at);`,
  `CREATE TABLE admin_sessions (
     digest text PRIMARY KEY,
     admin_id text NOT NULL,
     username text NOT NULL,
     role text NOT NULL,
     csrf text NOT NULL,
     created_at bigint NOT NULL,
     last_seen_at bigint NOT NULL,
     ip text NOT NULL
   );
   CREATE INDEX admin_sessions_admin ON admin_sessions(admin_id);`,
];

/** Any fixed number works; it only has to be the same on every node of one deployment. */
const MIGRATION_LOCK = 0x6d77_6d69; // "mwmi"

/**
 * Several nodes may start at once against one database: the session advisory lock lets one
 * migrate while the others wait, then find nothing left to do. Each migration commits on its
 * own, so a failure leaves the schema at the last good version.
 */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version integer PRIMARY KEY,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
      for (let v = rows[0]?.v ?? 0; v < migrations.length; v++) await applyOne(client, v);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

async function applyOne(client: pg.PoolClient, index: number): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migrations[index]);
    await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [index + 1]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

export const schemaVersion = migrations.length;
