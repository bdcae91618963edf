import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '../ports/index.js';
import { SqliteAccounts } from './accounts.js';
import { SqliteAdmins } from './admins.js';
import { SqliteAudit } from './audit.js';
import { SqliteBounces } from './bounces.js';
import { SqliteEvents } from './events.js';
import { GroupCommit } from './group-commit.js';
import { migrate } from './migrations.js';
import { SqliteQueue } from './queue.js';
import { SqliteSuppression } from './suppression.js';

/**
 * The embedded store, in WAL mode. Writes go through group commit, which fsyncs the WAL before
 * any caller is told its write is done: a commit is on disk before the gateway answers "250",
 * with one fsync per batch rather than per message, and never on the event loop.
 */
export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const commits = new GroupCommit(db, path === ':memory:' ? null : `${path}-wal`);
  return {
    backend: 'sqlite',
    accounts: new SqliteAccounts(db),
    queue: new SqliteQueue(db, commits),
    events: new SqliteEvents(db, commits),
    admins: new SqliteAdmins(db),
    audit: new SqliteAudit(db),
    bounces: new SqliteBounces(db, commits),
    suppression: new SqliteSuppression(db),
    async close() {
      commits.close();
      db.close();
    },
  };
}
