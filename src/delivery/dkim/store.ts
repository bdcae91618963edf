/**
 * The file-based DKIM key store: `<dataDir>/dkim/<domain>/<selector>.json`, one key per file,
 * private keys readable by the gateway's user only (files 0600, directories 0700).
 * Writes go to a temporary file and are renamed into place, so a crash never leaves half a key.
 */
import { chmod, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  DkimError,
  generatePrivateKey,
  keyTypeOf,
  normaliseDomain,
  normaliseSelector,
  type DkimKey,
  type DkimKeyType,
} from './keys.js';

/** `--data-dir`, else `MAILWARDEN_DATA_DIR`, else `./data` (until the config module passes it). */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag || env.MAILWARDEN_DATA_DIR || './data');
}

export function keyPath(dataDir: string, domain: string, selector: string): string {
  return join(dataDir, 'dkim', normaliseDomain(domain), `${normaliseSelector(selector)}.json`);
}

export async function saveKey(dataDir: string, key: DkimKey): Promise<void> {
  const path = keyPath(dataDir, key.domain, key.selector);
  const dir = join(dataDir, 'dkim', normaliseDomain(key.domain));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFile is masked by the umask; set it explicitly.
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

export async function loadKey(dataDir: string, domain: string, selector: string): Promise<DkimKey | undefined> {
  let text: string;
  try {
    text = await readFile(keyPath(dataDir, domain, selector), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const key = parseKeyFile(text, domain, selector);
  const used = await readUsed(dataDir, key.domain, key.selector);
  return used ? { ...key, lastUsed: used } : key;
}

/**
 * Last use lives in its own file (`<selector>.used`) so that the signer, which records it, never
 * rewrites the key file and cannot undo a concurrent rotation or retirement.
 */
export function usedPath(dataDir: string, domain: string, selector: string): string {
  return keyPath(dataDir, domain, selector).replace(/\.json$/, '.used');
}

async function readUsed(dataDir: string, domain: string, selector: string): Promise<string | undefined> {
  try {
    const text = (await readFile(usedPath(dataDir, domain, selector), 'utf8')).trim();
    return Number.isNaN(Date.parse(text)) ? undefined : text;
  } catch {
    return undefined;
  }
}

function parseKeyFile(text: string, domain: string, selector: string): DkimKey {
  const raw = JSON.parse(text) as Partial<DkimKey>;
  if (typeof raw.privateKey !== 'string' || !raw.created || !raw.state) {
    throw new DkimError('DKIM_BAD_KEY_FILE', `key file for ${selector}._domainkey.${domain} is incomplete`);
  }
  // The file name is the truth for domain and selector: a copied file cannot sign for another name.
  return { ...(raw as DkimKey), domain: normaliseDomain(domain), selector: normaliseSelector(selector), type: keyTypeOf(raw.privateKey) };
}

/** Stored domains, sorted. */
export async function listDomains(dataDir: string): Promise<string[]> {
  try {
    const entries = await readdir(join(dataDir, 'dkim'), { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** All keys of one domain (or of every domain), oldest first. */
export async function listKeys(dataDir: string, domain?: string): Promise<DkimKey[]> {
  const domains = domain ? [normaliseDomain(domain)] : await listDomains(dataDir);
  const keys: DkimKey[] = [];
  for (const d of domains) {
    let files: string[];
    try {
      files = await readdir(join(dataDir, 'dkim', d));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const f of files.filter((n) => n.endsWith('.json'))) {
      const key = await loadKey(dataDir, d, f.slice(0, -'.json'.length));
      if (key) keys.push(key);
    }
  }
  return keys.sort((a, b) => a.created.localeCompare(b.created) || a.selector.localeCompare(b.selector));
}

/** The keys to sign with now: the newest active key of each type. */
export async function signingKeys(dataDir: string, domain: string): Promise<DkimKey[]> {
  const active = (await listKeys(dataDir, domain)).filter((k) => k.state === 'active');
  const byType = new Map<DkimKeyType, DkimKey>();
  for (const k of active) byType.set(k.type, k);
  return [...byType.values()];
}

/** Keys whose record must stay in DNS: active ones, and retiring ones still draining. */
export async function publishedKeys(dataDir: string, domain: string): Promise<DkimKey[]> {
  return (await listKeys(dataDir, domain)).filter((k) => k.state !== 'retired');
}

/** A default selector that sorts by date and says which key type it holds: `mw20260105r`, `mw20260105e`. */
export function defaultSelector(type: DkimKeyType, now: Date): string {
  const ymd = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `mw${ymd}${type === 'rsa' ? 'r' : 'e'}`;
}

export interface NewKeyOptions {
  selector?: string;
  type?: DkimKeyType;
  now?: Date;
}

/** Generates and stores a key in state `active`, without touching the others (see rotateKey). */
export async function createKey(dataDir: string, domain: string, opts: NewKeyOptions = {}): Promise<DkimKey> {
  const type = opts.type ?? 'rsa';
  const now = opts.now ?? new Date();
  const d = normaliseDomain(domain);
  const selector = normaliseSelector(opts.selector ?? (await freeSelector(dataDir, d, defaultSelector(type, now))));
  if (await loadKey(dataDir, d, selector)) {
    throw new DkimError('DKIM_SELECTOR_EXISTS', `selector ${selector} already exists for ${d}`);
  }
  const key: DkimKey = { domain: d, selector, type, privateKey: generatePrivateKey(type), created: now.toISOString(), state: 'active' };
  await saveKey(dataDir, key);
  return key;
}

async function freeSelector(dataDir: string, domain: string, base: string): Promise<string> {
  if (!(await loadKey(dataDir, domain, base))) return base;
  for (let n = 2; ; n++) {
    if (!(await loadKey(dataDir, domain, `${base}${n}`))) return `${base}${n}`;
  }
}
