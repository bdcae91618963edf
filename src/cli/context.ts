import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { recordAudit } from '../admin/audit.js';
import { openStore } from '../app/open-store.js';
import type { Config } from '../config/index.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { say, setLang, type Text } from '../core/i18n.js';
import type { Store } from '../storage/ports/index.js';

export type LoadedConfig = Config & { configDir: string };

const noConfig: Text = {
  en: 'No config file at {path}. Run "mailwarden init" first, or pass --config FILE (or set MAILWARDEN_CONFIG).',
  ja: '{path} に設定ファイルがありません。先に "mailwarden init" を実行するか、--config FILE (または MAILWARDEN_CONFIG) で指定してください。',
};

export function configPath(flag?: string | boolean | string[]): string {
  return resolve(typeof flag === 'string' ? flag : (process.env.MAILWARDEN_CONFIG ?? 'mailwarden.yaml'));
}

/** Loads the config for a command; prints the problem (with its fix) and returns null on error. */
export function loadForCommand(flag?: string | boolean | string[]): LoadedConfig | null {
  const path = configPath(flag);
  if (!existsSync(path)) {
    process.stderr.write(`${say(noConfig, { path })}\n`);
    return null;
  }
  try {
    const config = loadConfig(path);
    if (!process.env.MAILWARDEN_LANG) setLang(config.lang);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return null;
    }
    throw err;
  }
}

export async function withStore<T>(config: LoadedConfig, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(config.store, config.configDir);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Who ran a command, as the audit log names them: `cli:` and the operating-system user (the one behind sudo). */
export const cliActor = (): string => `cli:${process.env.SUDO_USER || safeUser()}`;

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** An administrative action from the command line, in the audit chain as the API's are (same action names). */
export async function auditCli(store: Store, action: string, target: string, reason = '', data: Record<string, unknown> = {}): Promise<void> {
  await recordAudit(store.audit, { actor: cliActor(), action, target, reason, data });
}
