import type { AccountState } from '../../events/replay.js';

/** A mail account: the person (or device) that submits through the gateway. */
export interface Account {
  address: string;
  name: string;
  passwordHash: string;
  /** Hashes of the previous passwords (newest first), for the reuse rule of the password policy. */
  passwordHistory: string[];
  aliases: string[];
  group: string | null;
  disabled: boolean;
  state: AccountState;
  mustChangePassword: boolean;
  /** SMTP accepts only app passwords for this account when true. */
  appPasswordsOnly: boolean;
  lang: 'en' | 'ja' | null;
  createdAt: string;
  updatedAt: string;
}

export type NewAccount = Pick<Account, 'address' | 'name' | 'passwordHash'> &
  Partial<Pick<Account, 'aliases' | 'group' | 'lang' | 'appPasswordsOnly'>>;

export type AccountPatch = Partial<
  Pick<
    Account,
    | 'name'
    | 'passwordHash'
    | 'passwordHistory'
    | 'aliases'
    | 'group'
    | 'disabled'
    | 'state'
    | 'mustChangePassword'
    | 'appPasswordsOnly'
    | 'lang'
  >
>;

export interface AppPassword {
  id: string;
  account: string;
  label: string;
  hash: string;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
}

export interface AccountStore {
  create(account: NewAccount): Promise<Account>;
  /** Many accounts in one transaction: all are created or none (bulk import). */
  createMany(accounts: NewAccount[]): Promise<void>;
  get(address: string): Promise<Account | null>;
  list(): Promise<Account[]>;
  update(address: string, patch: AccountPatch): Promise<Account | null>;
  delete(address: string): Promise<boolean>;

  addAppPassword(entry: Omit<AppPassword, 'lastUsedAt' | 'lastUsedIp' | 'revokedAt'>): Promise<void>;
  listAppPasswords(account: string): Promise<AppPassword[]>;
  touchAppPassword(id: string, at: string, ip: string): Promise<void>;
  /** Revokes one (by id) or all of an account's app passwords; returns how many were revoked. */
  revokeAppPasswords(account: string, id?: string, at?: string): Promise<number>;
}
