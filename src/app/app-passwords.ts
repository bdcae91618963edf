import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { verifyAppPassword, type AppPasswordKey } from '../auth/app-password.js';
import type { AppPasswordVerifier } from '../auth/credentials.js';
import type { LoadedConfig } from '../cli/context.js';
import { resolvePath } from '../config/load.js';
import type { Store } from '../storage/ports/index.js';

/** The key id is derived from the secret, so every node computes the same id for the same key. */
function keyFrom(secret: string): AppPasswordKey {
  const bytes = Buffer.from(secret, 'base64url');
  return { id: createHash('sha256').update(bytes).digest('hex').slice(0, 8), secret: bytes };
}

/** The current key first, then earlier ones; an embedded gateway keeps its key in the data directory. */
export function appPasswordKeys(config: LoadedConfig): AppPasswordKey[] {
  let current = config.auth.appPasswordSecret;
  if (!current) {
    const path = resolvePath(config, `${config.dataDir}/app-password.key`);
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    }
    current = readFileSync(path, 'utf8').trim();
  }
  return [current, ...config.auth.previousAppPasswordSecrets].map(keyFrom);
}

export function createAppPasswordVerifier(config: LoadedConfig, store: Store): AppPasswordVerifier {
  const keys = appPasswordKeys(config);
  return {
    async match(account, password) {
      const active = (await store.accounts.listAppPasswords(account.address)).filter((p) => p.revokedAt === null);
      // Every active entry is checked (no early exit), so timing does not tell how many exist.
      let found: string | null = null;
      for (const p of active) if (verifyAppPassword(p.hash, password, keys) && found === null) found = p.id;
      return found;
    },
  };
}
