import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '../ports/index.js';
import { SqliteAccounts } from './accounts.js';
import { SqliteEvents } from './events.js';
import { GroupCommit } from './group-commit.js';
import { migrate } from './migrations.js';
import { SqliteQueue } from './queue.js';

/**
 * The embedded store. WAL with synchronous=FULL: a commit is on disk before the gateway
 * answers "250", and group commit keeps that to one fsync per batch rather than per message.
 */
export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const commits = new GroupCommit(db);
  return {
    backend: 'sqlite',
    accounts: new SqliteAccounts(db),
    queue: new SqliteQueue(db, commits),
    events: new SqliteEvents(db, commits),
    async close() {
      commits.flush();
      db.close();
    },
  };
}
