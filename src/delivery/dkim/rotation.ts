/**
 * Key rotation without a gap in signing or verification:
 *
 * 1. `rotateKey` stores a new key as `active`; from then on it signs. The previous active key of
 *    the same type becomes `retiring`: it no longer signs, but its DNS record must stay published
 *    because mail signed with it may still be in flight, queued for retry at a remote relay, or
 *    re-verified later by a forwarder.
 * 2. `sweepKeys` moves a retiring key to `retired` once the drain time has passed since the later of
 *    its retirement and its last signature. Only then may its TXT record be removed.
 *
 * The new key's record must be published before the rotation (or `keygen` of a new selector first,
 * then `rotate`), otherwise receivers see signatures they cannot verify.
 */
import { writeFile } from 'node:fs/promises';
import { createKey, listKeys, loadKey, saveKey, usedPath, type NewKeyOptions } from './store.js';
import { DkimError, normaliseDomain, type DkimKey } from './keys.js';

/** Longer than the usual 5-day queue lifetime, so that a retried message still verifies. */
export const DEFAULT_DRAIN_MS = 7 * 24 * 3600 * 1000;

/** Recording every signature would write a file per message; once a minute is precise enough for a drain of days. */
const USE_RECORD_INTERVAL_MS = 60_000;
const lastRecorded = new Map<string, number>();

export interface Rotation {
  added: DkimKey;
  retiring: DkimKey[];
}

export async function rotateKey(dataDir: string, domain: string, opts: NewKeyOptions = {}): Promise<Rotation> {
  const now = opts.now ?? new Date();
  const before = (await listKeys(dataDir, domain)).filter((k) => k.state === 'active' && k.type === (opts.type ?? 'rsa'));
  const added = await createKey(dataDir, domain, { ...opts, now });
  const retiring: DkimKey[] = [];
  for (const old of before) {
    const next: DkimKey = { ...old, state: 'retiring', retiringSince: now.toISOString() };
    await saveKey(dataDir, stripUse(next));
    retiring.push(next);
  }
  return { added, retiring };
}

export interface RetireOptions {
  now?: Date;
  /** Retire even the last active key of the domain (signing for it then stops). */
  force?: boolean;
}

/** Stops signing with a key; its record stays published until the drain time passes (`sweepKeys`). */
export async function retireKey(dataDir: string, domain: string, selector: string, opts: RetireOptions = {}): Promise<DkimKey> {
  const key = await loadKey(dataDir, domain, selector);
  if (!key) throw new DkimError('DKIM_NO_SUCH_KEY', `no key ${selector} for ${normaliseDomain(domain)}`);
  if (key.state !== 'active') return key;
  const active = (await listKeys(dataDir, domain)).filter((k) => k.state === 'active');
  if (active.length <= 1 && !opts.force) {
    throw new DkimError('DKIM_LAST_ACTIVE', `${selector} is the last active key of ${key.domain}; signing would stop`);
  }
  const next: DkimKey = { ...key, state: 'retiring', retiringSince: (opts.now ?? new Date()).toISOString() };
  await saveKey(dataDir, stripUse(next));
  return next;
}

/** When a retiring key may be withdrawn from DNS. */
export function drainedAt(key: DkimKey, drainMs = DEFAULT_DRAIN_MS): Date | undefined {
  if (key.state !== 'retiring') return undefined;
  const since = Math.max(Date.parse(key.retiringSince ?? key.created), key.lastUsed ? Date.parse(key.lastUsed) : 0);
  return new Date(since + drainMs);
}

/** Moves drained retiring keys to `retired`; returns them so the caller can say which records to remove. */
export async function sweepKeys(
  dataDir: string,
  domain?: string,
  opts: { now?: Date; drainMs?: number } = {},
): Promise<DkimKey[]> {
  const now = opts.now ?? new Date();
  const done: DkimKey[] = [];
  for (const key of await listKeys(dataDir, domain)) {
    const at = drainedAt(key, opts.drainMs);
    if (!at || at > now) continue;
    const next: DkimKey = { ...key, state: 'retired', retiredAt: now.toISOString() };
    await saveKey(dataDir, stripUse(next));
    done.push(next);
  }
  return done;
}

/** Records that these keys just signed (throttled per key and process). Best effort: a failed write only shortens the drain estimate. */
export async function noteSigned(dataDir: string, keys: Pick<DkimKey, 'domain' | 'selector'>[], now = new Date()): Promise<void> {
  for (const key of keys) {
    const path = usedPath(dataDir, key.domain, key.selector);
    const prev = lastRecorded.get(path) ?? 0;
    if (now.getTime() - prev < USE_RECORD_INTERVAL_MS) continue;
    lastRecorded.set(path, now.getTime());
    await writeFile(path, `${now.toISOString()}\n`, { mode: 0o600 }).catch(() => undefined);
  }
}

/** lastUsed is kept in its own file; never copy it into the key file. */
function stripUse(key: DkimKey): DkimKey {
  const { lastUsed: _lastUsed, ...rest } = key;
  return rest;
}
