import type Database from 'better-sqlite3';
import type { Account, AccountPatch, AccountStore, AppPassword, NewAccount } from '../ports/index.js';

interface Row {
  address: string;
  name: string;
  password_hash: string;
  password_history: string;
  aliases: string;
  grp: string | null;
  disabled: number;
  state: Account['state'];
  must_change_password: number;
  app_passwords_only: number;
  lang: Account['lang'];
  created_at: string;
  updated_at: string;
}

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

function toAccount(r: Row): Account {
  return {
    address: r.address,
    name: r.name,
    passwordHash: r.password_hash,
    passwordHistory: JSON.parse(r.password_history),
    aliases: JSON.parse(r.aliases),
    group: r.grp,
    disabled: r.disabled === 1,
    state: r.state,
    mustChangePassword: r.must_change_password === 1,
    appPasswordsOnly: r.app_passwords_only === 1,
    lang: r.lang,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toColumnValue(value: unknown): unknown {
  if (Array.isArray(value)) return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

export class SqliteAccounts implements AccountStore {
  private readonly insert: Database.Statement;
  private readonly byAddress: Database.Statement;
  private readonly appPasswords: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.byAddress = db.prepare('SELECT * FROM accounts WHERE address = ?');
    this.appPasswords = db.prepare('SELECT * FROM app_passwords WHERE account = ? ORDER BY created_at');
    this.insert = db.prepare(
      `INSERT INTO accounts (address, name, password_hash, aliases, grp, lang, app_passwords_only, created_at, updated_at)
       VALUES (@address, @name, @passwordHash, @aliases, @group, @lang, @appPasswordsOnly, @now, @now)`,
    );
  }

  private insertOne(a: NewAccount): void {
    this.insert.run({
      address: a.address,
      name: a.name,
      passwordHash: a.passwordHash,
      aliases: JSON.stringify(a.aliases ?? []),
      group: a.group ?? null,
      lang: a.lang ?? null,
      appPasswordsOnly: a.appPasswordsOnly ? 1 : 0,
      now: new Date().toISOString(),
    });
  }

  async create(a: NewAccount): Promise<Account> {
    this.insertOne(a);
    return (await this.get(a.address))!;
  }

  async createMany(list: NewAccount[]): Promise<void> {
    this.db.transaction(() => list.forEach((a) => this.insertOne(a)))();
  }

  async get(address: string): Promise<Account | null> {
    const row = this.byAddress.get(address) as Row | undefined;
    return row ? toAccount(row) : null;
  }

  async list(): Promise<Account[]> {
    return (this.db.prepare('SELECT * FROM accounts ORDER BY address').all() as Row[]).map(toAccount);
  }

  async update(address: string, patch: AccountPatch): Promise<Account | null> {
    const keys = Object.keys(patch) as (keyof AccountPatch)[];
    if (keys.length > 0) {
      const sets = keys.map((k) => `${columns[k]} = @${k}`).join(', ');
      const params: Record<string, unknown> = { address, now: new Date().toISOString() };
      for (const k of keys) params[k] = toColumnValue(patch[k]);
      this.db.prepare(`UPDATE accounts SET ${sets}, updated_at = @now WHERE address = @address`).run(params);
    }
    return this.get(address);
  }

  async delete(address: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM accounts WHERE address = ?').run(address).changes > 0;
  }

  async addAppPassword(e: Omit<AppPassword, 'lastUsedAt' | 'lastUsedIp' | 'revokedAt'>): Promise<void> {
    this.db
      .prepare('INSERT INTO app_passwords (id, account, label, hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(e.id, e.account, e.label, e.hash, e.createdAt);
  }

  async listAppPasswords(account: string): Promise<AppPassword[]> {
    const rows = this.appPasswords.all(account) as Record<string, string | null>[];
    return rows.map((r) => ({
      id: r.id!,
      account: r.account!,
      label: r.label!,
      hash: r.hash!,
      createdAt: r.created_at!,
      lastUsedAt: r.last_used_at,
      lastUsedIp: r.last_used_ip,
      revokedAt: r.revoked_at,
    }));
  }

  async touchAppPassword(id: string, at: string, ip: string): Promise<void> {
    this.db.prepare('UPDATE app_passwords SET last_used_at = ?, last_used_ip = ? WHERE id = ?').run(at, ip, id);
  }

  async revokeAppPasswords(account: string, id?: string, at = new Date().toISOString()): Promise<number> {
    const sql = `UPDATE app_passwords SET revoked_at = ? WHERE account = ? AND revoked_at IS NULL${id ? ' AND id = ?' : ''}`;
    const args = id ? [at, account, id] : [at, account];
    return this.db.prepare(sql).run(...args).changes;
  }
}
