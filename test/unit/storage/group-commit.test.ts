import Database from 'better-sqlite3';
import { pbkdf2 } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../src/storage/sqlite/group-commit.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'mw-gc-'));
  dirs.push(dir);
  const path = join(dir, 'db.sqlite');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (v INTEGER)');
  return { db, path, commits: new GroupCommit(db, `${path}-wal`) };
}

describe('SQLite group commit', () => {
  it('answers every write once its batch is on disk', async () => {
    const { db, commits } = open();
    await Promise.all([1, 2, 3].map((v) => commits.run(() => db.prepare('INSERT INTO t VALUES (?)').run(v))));
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 3 });
    commits.close();
    db.close();
  });

  it('closes under an fsync still running without touching the closed database, and the write is kept', async () => {
    const { db, path, commits } = open();
    const errors: unknown[] = [];
    const onError = (err: unknown) => errors.push(err);
    process.on('uncaughtException', onError);
    try {
      // Every thread of libuv's pool busy, so that the write's fsync waits in the queue while
      // the store closes (the shutdown of a gateway under load).
      const busy = Array.from({ length: 8 }, () => new Promise((r) => pbkdf2('x', 'salt', 200_000, 32, 'sha256', r)));
      const write = commits.run(() => db.prepare('INSERT INTO t VALUES (?)').run(1));
      await new Promise((r) => setImmediate(r));
      commits.close();
      db.close();
      const answered = await Promise.race([write.then(() => 'answered'), new Promise((r) => setTimeout(() => r('no answer'), 10_000))]);
      expect(answered).toBe('answered');
      await Promise.all(busy);
      await new Promise((r) => setTimeout(r, 50));
      expect(errors).toEqual([]);
      const again = new Database(path);
      expect(again.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
      again.close();
    } finally {
      process.off('uncaughtException', onError);
    }
  });
});
