import pg from 'pg';
import { say, type Text } from '../../core/i18n.js';
import type { Store } from '../ports/index.js';
import { PostgresAccounts } from './accounts.js';
import { PostgresAdmins } from './admins.js';
import { PostgresAudit } from './audit.js';
import { PostgresBounces } from './bounces.js';
import { PostgresEvents } from './events.js';
import { migrate } from './migrations.js';
import { PostgresQueue } from './queue.js';
import { PostgresSuppression } from './suppression.js';

const INT8_OID = 20;

/**
 * Types for this pool only (the global `pg.types` would change every other pg user in the
 * process): bigint ids and counts come back as numbers. Event ids stay far below 2^53.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/**
 * "250" must mean the message survives a crash. Any synchronous_commit level but "off" flushes
 * the commit record to the local WAL first; when the server is set to "off", the writes that
 * back a "250" turn it back on for their own transaction.
 */
async function durablePrelude(pool: pg.Pool): Promise<string | null> {
  const { rows } = await pool.query<{ level: string }>(`SELECT current_setting('synchronous_commit') AS level`);
  return rows[0]?.level === 'off' ? 'SET LOCAL synchronous_commit TO on' : null;
}

/**
 * The shared store for several gateway nodes. Any node may deliver any message: claims take a
 * lease with FOR UPDATE SKIP LOCKED, and a dead node's leases expire for another to take over.
 */
export async function openPostgresStore(url: string): Promise<Store> {
  const { connectionString, max } = poolOptions(url);
  const pool = new pg.Pool({ connectionString, types, max });
  // An idle client can lose its connection (server restart, failover). The pool drops it and
  // the next query reconnects; without a listener Node would exit on the 'error' event.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
    const prelude = await durablePrelude(pool);
    const queue = new PostgresQueue(pool, prelude);
    const events = new PostgresEvents(pool, prelude);
    const bounces = new PostgresBounces(pool, prelude);
    let closed: Promise<void> | null = null;
    return {
      backend: 'postgres',
      accounts: new PostgresAccounts(pool),
      queue,
      events,
      admins: new PostgresAdmins(pool),
      audit: new PostgresAudit(pool),
      bounces,
      suppression: new PostgresSuppression(pool),
      close() {
        // Commit what was already requested, then end the pool; a second close is a no-op.
        closed ??= Promise.all([queue.flush(), events.flush(), bounces.flush()]).then(() => pool.end());
        return closed;
      },
    };
  } catch (err) {
    await pool.end();
    throw err;
  }
}

/** Connections per node: 10, or the store URL's `poolSize` parameter (taken out of the URL given to the driver). */
export function poolOptions(url: string): { connectionString: string; max: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { connectionString: url, max: DEFAULT_POOL_SIZE };
  }
  const raw = parsed.searchParams.get('poolSize');
  if (raw === null) return { connectionString: url, max: DEFAULT_POOL_SIZE };
  const max = Number(raw);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new Error(say(badPoolSize, { value: raw }));
  parsed.searchParams.delete('poolSize');
  return { connectionString: parsed.toString(), max };
}

const DEFAULT_POOL_SIZE = 10;

const badPoolSize: Text = {
  en: 'poolSize={value} in the store URL is not a number of connections from 1 to 1000; fix it in "store" (or MAILWARDEN_STORE), e.g. ?poolSize=20',
  ja: 'ストア URL の poolSize={value} は 1〜1000 の接続数ではありません。"store" (または MAILWARDEN_STORE) を修正してください (例: ?poolSize=20)',
};
