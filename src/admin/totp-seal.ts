import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { appPasswordKeys } from '../app/app-passwords.js';
import type { LoadedConfig } from '../cli/context.js';

/**
 * Administrators' TOTP secrets are kept sealed (AES-256-GCM) in the store, so that a copy of the
 * database or a backup alone does not let anyone compute second-factor codes. The key is derived
 * (HKDF-SHA-256) from the server key the app passwords already use, which every node shares and
 * which is not in the database; after a key rotation the previous keys still open old secrets.
 * A secret stored in clear by an older version is read as is and sealed at the next sign-in.
 */
export interface TotpSeal {
  seal(secret: string): string;
  /** The secret in clear; throws when no configured key opens it. */
  open(stored: string): string;
  isSealed(stored: string): boolean;
}

const PREFIX = 'v1.';
const INFO = 'mailwarden totp secret v1';

export function totpSeal(serverKeys: Buffer[]): TotpSeal {
  if (serverKeys.length === 0) throw new Error('a TOTP seal needs at least one key');
  const keys = serverKeys.map((k) => Buffer.from(hkdfSync('sha256', k, Buffer.alloc(0), INFO, 32)));
  return {
    seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys[0], iv);
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
      const iv = raw.subarray(0, 12);
      const tag = raw.subarray(raw.length - 16);
      const body = raw.subarray(12, raw.length - 16);
      for (const key of keys) {
        try {
          const decipher = createDecipheriv('aes-256-gcm', key, iv);
          decipher.setAuthTag(tag);
          return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
        } catch {
          // not this key: try the previous ones
        }
      }
      throw new Error('the TOTP secret cannot be opened with the configured server keys (auth.appPasswordSecret and previousAppPasswordSecrets)');
    },
    isSealed: (stored) => stored.startsWith(PREFIX),
  };
}

/** The seal of this installation: the app-password server keys, current first. */
export function adminSeal(config: LoadedConfig): TotpSeal {
  return totpSeal(appPasswordKeys(config).map((k) => k.secret));
}
