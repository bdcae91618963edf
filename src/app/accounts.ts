import { checkPassword, type PasswordProblem } from '../auth/password-policy/index.js';
import { hashPassword } from '../auth/password-hash.js';
import type { Account, Store } from '../storage/ports/index.js';

/** Account operations shared by the CLI and the admin API, so both apply the same rules. */
export const ADDRESS = /^[^\s@<>()",;:]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

export function normaliseAddress(address: string): string {
  return address.trim().toLowerCase();
}

export type PolicyFailure = { ok: false; problems: PasswordProblem[] };

export async function vetPassword(
  password: string,
  account: { address: string; name?: string; previousHashes?: string[] },
  orgName?: string,
): Promise<PolicyFailure | { ok: true }> {
  const verdict = await checkPassword(password, {
    account: account.address,
    name: account.name,
    orgDomain: account.address.split('@')[1],
    orgName,
    previousHashes: account.previousHashes,
  });
  return verdict.ok ? { ok: true } : { ok: false, problems: verdict.problems };
}

/** Sets a new password: policy first, then the hash, keeping the last five in the history. */
export async function changePassword(store: Store, account: Account, password: string): Promise<PolicyFailure | { ok: true }> {
  const previousHashes = [account.passwordHash, ...account.passwordHistory];
  const vetted = await vetPassword(password, { address: account.address, name: account.name, previousHashes });
  if (!vetted.ok) return vetted;
  await store.accounts.update(account.address, {
    passwordHash: await hashPassword(password),
    passwordHistory: previousHashes.slice(0, 5),
    mustChangePassword: false,
  });
  const ts = new Date().toISOString();
  // Stored in the replay format: the detection engine starts a probation budget from it.
  await store.events.append({ ts, code: 'account:password-changed', account: account.address, data: { ts, type: 'credential', account: account.address, kind: 'password' } });
  return { ok: true };
}
