import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Store } from '../../src/storage/ports/index.js';
import { openPostgresStore } from '../../src/storage/postgres/index.js';

export const postgresUrl = process.env.MAILWARDEN_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL as it may appear in a log line: a password from the environment stays out of it. */
export function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Why PostgreSQL cannot be used, or null when it answers. */
export async function postgresUnavailable(url = postgresUrl): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message || err.name : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Schemas private to this run: parallel runs (two developers, two CI jobs) against one
 * database never see each other's rows, and everything goes in one DROP at the end.
 */
export class TestSchemas {
  private readonly run = randomBytes(4).toString('hex');
  private readonly created: string[] = [];

  constructor(private readonly url = postgresUrl) {}

  /** A new empty schema and a connection string whose sessions use it. */
  async create(): Promise<string> {
    const schema = `mw_test_${this.run}_${this.created.length}`;
    await this.admin((c) => c.query(`CREATE SCHEMA ${schema}`));
    this.created.push(schema);
    const options = encodeURIComponent(`-c search_path=${schema}`);
    return `${this.url}${this.url.includes('?') ? '&' : '?'}options=${options}`;
  }

  /** A fresh store in a schema of its own. */
  async open(): Promise<Store> {
    return openPostgresStore(await this.create());
  }

  async dropAll(): Promise<void> {
    const schemas = this.created.splice(0);
    if (schemas.length === 0) return;
    await this.admin((c) => c.query(`DROP SCHEMA ${schemas.join(', ')} CASCADE`));
  }

  private async admin(fn: (c: pg.Client) => Promise<unknown>): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await fn(client);
    } finally {
      await client.end();
    }
  }
}
