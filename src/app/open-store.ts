import { dirname, resolve } from 'node:path';
import type { Store } from '../storage/ports/index.js';
import { openSqliteStore } from '../storage/sqlite/index.js';

/** The composition root picks the adapter; nothing else knows which backend runs. */
export async function openStore(url: string, baseDir: string): Promise<Store> {
  const path = sqlitePath(url, baseDir);
  if (path !== null) return openSqliteStore(path);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { openPostgresStore } = await import('../storage/postgres/index.js');
    return openPostgresStore(url);
  }
  throw new Error(`store "${url}" is not supported: use sqlite:PATH or postgres://...`);
}

/** The file of an embedded store (`sqlite:PATH`, relative to `baseDir`; `:memory:` as it is), or null for PostgreSQL. */
export function sqlitePath(url: string, baseDir: string): string | null {
  if (!url.startsWith('sqlite:')) return null;
  const path = url.slice('sqlite:'.length);
  return path === ':memory:' ? path : resolve(baseDir, path);
}

/** The directory of an embedded store's file, or null for PostgreSQL and an in-memory store. */
export function sqliteDirectory(url: string, baseDir: string): string | null {
  const path = sqlitePath(url, baseDir);
  return path === null || path === ':memory:' ? null : dirname(path);
}
