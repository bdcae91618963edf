import type pg from 'pg';
import type { Account, AccountPatch, AccountStore, AppPassword, NewAccount } from '../ports/index.js';

interface Row {
  address: string;
  name: string;
  password_hash: string;
  password_history: string[];
  aliases: string[];
  grp: string | null;
  disabled: boolean;
  state: Account['state'];
  must_change_password: boolean;
  app_passwords_only: boolean;
  lang: Account['lang'];
  created_at: Date;
  updated_at: Date;
}

interface AppPasswordRow {
  id: string;
  account: string;
  label: string;
  hash: string;
  created_at: Date;
  last_used_at: Date | null;
  last_used_ip: string | null;
  revoked_at: Date | null;
}

/** Column names come only from this table, never from the caller, so the SET list is safe. */
const columns: Record<keyof AccountPatch, string> = {
  name: 'name',
  passwordHash: 'password_hash',
  passwordHistory: 'password_history',
  aliases: 'aliases',
  group: 'grp',
  disabled: 'disabled',
  state: 'state',
  mustChangePassword: 'must_change_password',
  appPasswordsOnly: 'app_passwords_only',
  lang: 'lang',
};

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function toAccount(r: Row): Account {
  return {
    address: r.address,
    name: r.name,
    passwordHash: r.password_hash,
    passwordHistory: r.password_history,
    aliases: r.aliases,
    group: r.grp,
    disabled: r.disabled,
    state: r.state,
    mustChangePassword: r.must_change_password,
    appPasswordsOnly: r.app_passwords_only,
    lang: r.lang,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function toAppPassword(r: AppPasswordRow): AppPassword {
  return {
    id: r.id,
    account: r.account,
    label: r.label,
    hash: r.hash,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: iso(r.last_used_at),
    lastUsedIp: r.last_used_ip,
    revokedAt: iso(r.revoked_at),
  };
}

function toRecord(a: NewAccount) {
  return {
    address: a.address,
    name: a.name,
    password_hash: a.passwordHash,
    aliases: a.aliases ?? [],
    grp: a.group ?? null,
    lang: a.lang ?? null,
    app_passwords_only: a.appPasswordsOnly ?? false,
  };
}

/**
 * Inserts every account of a JSON array in one statement: a statement is atomic, so a bulk
 * import with one bad row (say, a duplicate address) creates none.
 */
const INSERT_FROM_JSON = `
  INSERT INTO accounts (address, name, password_hash, aliases, grp, lang, app_passwords_only, created_at, updated_at)
  SELECT x.address, x.name, x.password_hash, ARRAY(SELECT jsonb_array_elements_text(x.aliases)),
         x.grp, x.lang, x.app_passwords_only, $2, $2
  FROM jsonb_to_recordset($1::jsonb) AS x(address text, name text, password_hash text, aliases jsonb,
                                          grp text, lang text, app_passwords_only boolean)
  RETURNING *`;

export class PostgresAccounts implements AccountStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(a: NewAccount): Promise<Account> {
    const { rows } = await this.pool.query<Row>(INSERT_FROM_JSON, [JSON.stringify([toRecord(a)]), new Date()]);
    return toAccount(rows[0]);
  }

  async createMany(list: NewAccount[]): Promise<void> {
    if (list.length === 0) return;
    await this.pool.query(INSERT_FROM_JSON, [JSON.stringify(list.map(toRecord)), new Date()]);
  }

  async get(address: string): Promise<Account | null> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM accounts WHERE address = $1', [address]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async list(): Promise<Account[]> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM accounts ORDER BY address');
    return rows.map(toAccount);
  }

  async update(address: string, patch: AccountPatch): Promise<Account | null> {
    const keys = (Object.keys(patch) as (keyof AccountPatch)[]).filter((k) => patch[k] !== undefined);
    if (keys.length === 0) return this.get(address);
    const sets = keys.map((k, i) => `${columns[k]} = $${i + 3}`).join(', ');
    const { rows } = await this.pool.query<Row>(
      `UPDATE accounts SET ${sets}, updated_at = $2 WHERE address = $1 RETURNING *`,
      [address, new Date(), ...keys.map((k) => patch[k])],
    );
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async delete(address: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM accounts WHERE address = $1', [address]);
    return (rowCount ?? 0) > 0;
  }

  async addAppPassword(e: Omit<AppPassword, 'lastUsedAt' | 'lastUsedIp' | 'revokedAt'>): Promise<void> {
    await this.pool.query('INSERT INTO app_passwords (id, account, label, hash, created_at) VALUES ($1, $2, $3, $4, $5)', [
      e.id,
      e.account,
      e.label,
      e.hash,
      e.createdAt,
    ]);
  }

  async listAppPasswords(account: string): Promise<AppPassword[]> {
    const { rows } = await this.pool.query<AppPasswordRow>(
      'SELECT * FROM app_passwords WHERE account = $1 ORDER BY created_at, id',
      [account],
    );
    return rows.map(toAppPassword);
  }

  async touchAppPassword(id: string, at: string, ip: string): Promise<void> {
    await this.pool.query('UPDATE app_passwords SET last_used_at = $2, last_used_ip = $3 WHERE id = $1', [id, at, ip]);
  }

  async revokeAppPasswords(account: string, id?: string, at = new Date().toISOString()): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE app_passwords SET revoked_at = $2
       WHERE account = $1 AND revoked_at IS NULL AND ($3::text IS NULL OR id = $3)`,
      [account, at, id ?? null],
    );
    return rowCount ?? 0;
  }
}
